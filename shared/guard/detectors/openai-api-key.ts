/**
 * openai-api-key: OpenAI API keys.
 *
 * Matches "sk-", optionally "proj-", "svcacct-" or "admin-", then letters, digits, "-" and
 * "_" around the marker "T3BlbkFJ" (base64 of "OpenAI") that OpenAI embeds in its keys.
 *
 * Sources: OpenAI does not publish a key grammar. The shapes (legacy sk-, 20 characters,
 * T3BlbkFJ, 20 characters; project keys sk-<project>-... with the same marker) as collected
 * on OpenAI's community forum, "What are the valid characters for the APIkey?"
 * (https://community.openai.com/t/what-are-the-valid-characters-for-the-apikey/288643),
 * and used by the open-source scanner gitleaks (cmd/generate/config/rules/openai.go).
 *
 * Known limits: a key whose marker OpenAI changes would be missed; requiring the marker is
 * what keeps "sk-" strings of other vendors from being flagged.
 */
import { fixedDetector } from "../context";
import { mask } from "../redact";
import { regexFinder } from "../regex-finder";

export const openaiApiKey = fixedDetector(
  "openai-api-key",
  "OpenAI API key",
  "credential",
  regexFinder({
    detector: "openai-api-key",
    pattern: /(?<![\w-])sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_-]{16,200}T3BlbkFJ[A-Za-z0-9_-]{16,200}(?![\w-])/g,
    maxLength: 430,
    needles: [{ text: "k-", at: 1 }],
    preview: (matched) => mask(matched, matched.startsWith("sk-proj-") ? 8 : 3, 2),
  }),
);
