/**
 * huggingface-token: Hugging Face user access tokens.
 *
 * Matches "hf_" followed by 34 to 40 letters and digits.
 *
 * Source: Hugging Face Hub documentation, "User access tokens"
 * (https://huggingface.co/docs/hub/security-tokens), whose examples show the hf_ prefix.
 *
 * Known limits: deprecated organization API tokens (api_org_) are not covered.
 */
import { fixedDetector } from "../context";
import { mask } from "../redact";
import { regexFinder } from "../regex-finder";

export const huggingfaceToken = fixedDetector(
  "huggingface-token",
  "Hugging Face token",
  "credential",
  regexFinder({
    detector: "huggingface-token",
    pattern: /(?<![\w])hf_[A-Za-z0-9]{34,40}(?![\w])/g,
    maxLength: 43,
    needles: [{ text: "hf_", at: 0 }],
    preview: (matched) => mask(matched, 3, 2),
  }),
);
