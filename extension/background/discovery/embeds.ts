import { parse } from "tldts";
import type { CompiledIndex } from "../../../shared/catalog/compile";
import type { Matcher } from "../../../shared/catalog/matcher";

/*
 * AI inside other sites: requests that pages make to the catalog's AI API and widget hosts
 * (host kind `api`). The browser calls the listener only for those hosts (the filter below)
 * and the listener only observes: it never blocks, and it reads no path, query, header, body
 * or response. What is kept is the initiating site's registrable domain and the AI tool, as a
 * daily tally. A site that is itself in the catalog, or the API's own vendor site, is not
 * "another site" and is skipped, as are requests from extensions and the browser.
 */

/** The webRequest URL patterns of every API host of an index (and its subdomains). */
export function apiHostPatterns(index: CompiledIndex): string[] {
  const patterns: string[] = [];
  for (const [host, kind] of Object.entries(index.kinds ?? {}).sort()) {
    if (kind === "api") patterns.push(`*://${host}/*`, `*://*.${host}/*`);
  }
  return patterns;
}

/** What the listener reads of a request: its URL and who made it (Chromium, or Firefox). */
export interface ObservedRequest {
  url: string;
  type?: string;
  initiator?: string;
  originUrl?: string;
  documentUrl?: string;
}

// The calling site of an origin never changes: a widget that streams an answer calls from the
// same origin dozens of times, so the answer is kept for the last origins seen.
const SITE_CACHE_SIZE = 256;
const siteOfOrigin = new Map<string, string | null>();

/** The registrable domain (under a public ICANN suffix, as the server checks) of a calling page that is not a catalog site. */
function callingSite(from: string, matcher: Matcher): string | null {
  const cached = siteOfOrigin.get(from);
  if (cached !== undefined) return cached;
  const host = matcher.normalize(from)?.hostname;
  let site: string | null = null;
  if (host && !matcher.classify(from)) {
    const parsed = parse(host, { allowPrivateDomains: false });
    site = parsed.isIcann ? parsed.domain : null;
  }
  if (siteOfOrigin.size >= SITE_CACHE_SIZE) siteOfOrigin.clear();
  siteOfOrigin.set(from, site);
  return site;
}

/** The embed a request shows, as (site, tool), or null. */
export function embedOf(request: ObservedRequest, matcher: Matcher): { site: string; tool: string } | null {
  if (request.type === "main_frame") return null;
  const hit = matcher.match(request.url);
  if (hit?.kind !== "api") return null;
  const from = request.initiator ?? request.documentUrl ?? request.originUrl;
  if (!from || !/^https?:\/\//.test(from)) return null;
  const site = callingSite(from, matcher);
  if (!site) return null;
  // The API's own vendor calling it (platform.openai.com -> api.openai.com) is not another site.
  const api = matcher.normalize(request.url)?.hostname;
  if (api && (api === site || api.endsWith(`.${site}`))) return null;
  return { site, tool: hit.tool.id };
}
