/**
 * aws-access-key: Amazon Web Services access keys.
 *
 * Matches access key IDs (AKIA for long-term keys, ASIA for temporary STS keys, ABIA for
 * STS service bearer tokens, ACCA for context-specific credentials, then 16 characters of
 * A-Z and 2-7) and secret access keys (40 characters of base64) assigned to a name such as
 * aws_secret_access_key, as in ~/.aws/credentials or environment files. Key IDs ending in
 * EXAMPLE are AWS's documentation examples and are left alone.
 *
 * Sources: AWS STS GetAccessKeyInfo
 * (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetAccessKeyInfo.html: AKIA
 * long-term, ASIA temporary, the example AKIAIOSFODNN7EXAMPLE); the IAM unique-identifier
 * prefixes (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html).
 *
 * Known limits: a secret access key on its own, without its name, is not found (40 base64
 * characters are indistinguishable from other encoded data).
 */
import { fixedDetector } from "../context";
import { mask } from "../redact";
import { regexFinder } from "../regex-finder";

const PATTERN =
  /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9])|(?<![\w])(?:[Aa][Ww][Ss]_?[Ss]ecret_?[Aa]ccess_?[Kk]ey|AWS_SECRET_ACCESS_KEY|aws_secret_key)["']?\s{0,4}[=:]\s{0,4}["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/g;

export const awsAccessKey = fixedDetector(
  "aws-access-key",
  "AWS access key",
  "credential",
  regexFinder({
    detector: "aws-access-key",
    pattern: PATTERN,
    maxLength: 90,
    accept: (match, _text, start) => (match[0].endsWith("EXAMPLE") ? -1 : start + match[0].length),
    preview: (matched) =>
      /^A[KSBC][IC]A/.test(matched) ? mask(matched, 4, 2) : `${matched.slice(0, -40)}${mask(matched.slice(-40), 0, 2)}`,
  }),
);
