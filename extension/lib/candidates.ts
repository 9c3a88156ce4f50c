import { getDomain } from "tldts";
import type { Matcher } from "../../shared/catalog/matcher";

/*
 * Unknown AI tools: sites outside the catalog whose hostname looks like an AI product. The
 * browser itself filters navigations with these patterns, so the extension never sees the
 * rest of the web; what is kept is the registrable domain only (never the host, path or
 * query), for the security team to triage into the catalog.
 */
export const CANDIDATE_FILTERS = [
  { hostSuffix: ".ai" },
  { hostPrefix: "ai." },
  { hostContains: "gpt" },
  { hostContains: "llm" },
  { hostContains: "chatbot" },
  { hostContains: "copilot" },
  { hostContains: "genai" },
];

const CANONICAL = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/** The registrable domain of an unknown AI-looking site, or null (catalog tool, IP, bad URL). */
export function candidateDomain(url: string, matcher: Matcher): string | null {
  if (matcher.classify(url)) return null;
  const parts = matcher.normalize(url);
  if (!parts) return null;
  const domain = getDomain(parts.hostname, { allowPrivateDomains: false });
  return domain && CANONICAL.test(domain) && !domain.startsWith("www.") ? domain : null;
}
