import { getDomain, parse } from "tldts";
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

/** The embed a request shows, as (site, tool), or null. */
export function embedOf(request: ObservedRequest, matcher: Matcher): { site: string; tool: string } | null {
  if (request.type === "main_frame") return null;
  const hit = matcher.match(request.url);
  if (hit?.kind !== "api") return null;
  const from = request.initiator ?? request.documentUrl ?? request.originUrl;
  if (!from || !/^https?:\/\//.test(from)) return null;
  // Not a catalog site, and a registrable domain under a public (ICANN) suffix, as the server checks.
  const host = matcher.normalize(from)?.hostname;
  if (!host || matcher.classify(from)) return null;
  const parsed = parse(host, { allowPrivateDomains: false });
  const site = parsed.isIcann ? parsed.domain : null;
  if (!site) return null;
  const api = matcher.normalize(request.url)?.hostname;
  if (api && getDomain(api, { allowPrivateDomains: false }) === site) return null;
  return { site, tool: hit.tool.id };
}
