/**
 * github-token: GitHub access tokens.
 *
 * Matches the prefixed token formats: ghp_ (personal access token), gho_ (OAuth access
 * token), ghu_ (GitHub App user-to-server), ghs_ (GitHub App server-to-server) and ghr_
 * (refresh token), each followed by at least 36 base62 characters, and github_pat_
 * (fine-grained personal access token) followed by its body of letters, digits and "_".
 *
 * Sources: GitHub changelog, "Authentication token format updates are generally available"
 * (https://github.blog/changelog/2021-03-31-authentication-token-format-updates-are-generally-available/),
 * and "Behind GitHub's new authentication token formats"
 * (https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/).
 *
 * Known limits: the tokens' built-in CRC32 checksum is not verified (GitHub does not publish
 * its exact encoding); classic 40-hex-digit tokens from before 2021 look like any SHA-1 and
 * are not found.
 */
import { fixedDetector } from "../context";
import { mask } from "../redact";
import { regexFinder } from "../regex-finder";

export const githubToken = fixedDetector(
  "github-token",
  "GitHub token",
  "credential",
  regexFinder({
    detector: "github-token",
    pattern: /(?<![\w])(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,244})(?![\w])/g,
    maxLength: 255,
    needles: [
      { text: "gh", at: 0 },
      { text: "_pat_", at: 6 },
    ],
    preview: (matched) => mask(matched, matched.startsWith("github_pat_") ? 10 : 3, 2),
  }),
);
