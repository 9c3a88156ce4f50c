/**
 * gitlab-token: GitLab access tokens with GitLab's token prefixes.
 *
 * Matches glpat- (personal, project and group access tokens), gldt- (deploy tokens), glrt-
 * (runner authentication tokens) and glft- (feed tokens) followed by at least 20 characters
 * of letters, digits, "_", "-" and ".".
 *
 * Sources: GitLab issue 342327 "Update default Personal Access Token (PAT) prefix to glpat"
 * (https://gitlab.com/gitlab-org/gitlab/-/issues/342327); merge request 138438 "Add a prefix
 * to deploy tokens" (gldt-); issue 383198 "Add support for optional runner authentication
 * token prefix" (glrt-); merge request 186538 (glft- for feed tokens); GitLab's token
 * overview (https://docs.gitlab.com/security/tokens/).
 *
 * Known limits: tokens of instances that configured their own prefix are not found.
 */
import { fixedDetector } from "../context";
import { mask } from "../redact";
import { regexFinder } from "../regex-finder";

export const gitlabToken = fixedDetector(
  "gitlab-token",
  "GitLab token",
  "credential",
  regexFinder({
    detector: "gitlab-token",
    pattern: /(?<![\w-])(?:glpat|gldt|glrt|glft)-[A-Za-z0-9_-][A-Za-z0-9_.-]{19,120}(?<!\.)(?![\w-])/g,
    maxLength: 127,
    needles: [{ text: "gl", at: 0 }],
    preview: (matched) => mask(matched, 5, 2),
  }),
);
