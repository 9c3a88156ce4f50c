/**
 * anthropic-api-key: Anthropic API keys and OAuth tokens.
 *
 * Matches "sk-ant-" followed by a kind and version (api03 for API keys, admin01 for admin
 * keys, oat01 for OAuth tokens), a hyphen, and at least 40 characters of base64url.
 *
 * Sources: Anthropic does not publish a key grammar. Inference keys start with sk-ant-api03-
 * and Admin API keys with sk-ant-admin01- as integrators document them (for example
 * https://docs.serval.com/sections/integrations/anthropic-admin); OAuth tokens issued by
 * `claude setup-token` start with sk-ant-oat01- (https://vibekit.bot/anthropic-api-key-format).
 *
 * Known limits: none known.
 */
import { fixedDetector } from "../context";
import { mask } from "../redact";
import { regexFinder } from "../regex-finder";

export const anthropicApiKey = fixedDetector(
  "anthropic-api-key",
  "Anthropic API key",
  "credential",
  regexFinder({
    detector: "anthropic-api-key",
    pattern: /(?<![\w-])sk-ant-(?:api|admin|oat)\d{2}-[A-Za-z0-9_-]{40,200}(?![\w-])/g,
    maxLength: 220,
    needles: [{ text: "k-ant-", at: 1 }],
    preview: (matched) => mask(matched, 12, 2),
  }),
);
