import type { CompiledIndex, NavigationFilter } from "../../shared/catalog/compile";
import { createMatcher, type Matcher } from "../../shared/catalog/matcher";
import { CANDIDATE_FILTERS, candidateOfPage, OAUTH_FILTERS, oauthSignIn, vendorFilters } from "../lib/candidates";
import { bundledIndex, catalogReady } from "../lib/catalog";
import { COMMITTED_MARK, markNow } from "../lib/marks";
import { countNow, noteCandidate, noteSignIn } from "./counting";
import { decideAtCommit } from "./handover";

/*
 * The navigations the background looks at, and what it does with each committed one.
 *
 * One webNavigation.onCommitted listener serves them all: a catalog page (the nudge, decided
 * and handed over at once, then the visit), a hostname with AI words or a new host under a
 * catalogued vendor's domain (a candidate), an identity provider's sign-in page (a sign-in).
 * Every listener and every URL filter is paid for at each start of the service worker, before
 * the browser delivers the event that woke it: the browser takes and keeps each filter, and the
 * worker's bindings check them. With the catalog's two exact filters per host (2,070, in a
 * listener of their own beside two more) a navigation that started the worker got its nudge
 * about 40 ms later than with the ones below (675 for the same catalog; measured with
 * `BENCH_BASELINE=<checkout> npm run bench:nudge`). So the filters are few and coarse, and the
 * handlers decide exactly:
 *   - a catalog host is one `hostSuffix` filter: the host, its subdomains, and a longer name
 *     ending the same way ("notchatgpt.com"), which the matcher then turns away;
 *   - a catalog host that another filter already brings (".ai", "gpt", a vendor's domain, a
 *     catalog host above it) has none of its own.
 */

/** Whether a filter brings a host and all its subdomains: it constrains the host name only, by its end or a part. */
function bringsWithSubdomains(filter: NavigationFilter, host: string): boolean {
  if (filter.pathPrefix !== undefined || filter.pathEquals !== undefined || filter.queryContains !== undefined) {
    return false;
  }
  if (filter.hostSuffix !== undefined) return host.endsWith(filter.hostSuffix);
  // The browser puts a dot before the host name for `hostContains`.
  if (filter.hostContains !== undefined) return `.${host}`.includes(filter.hostContains);
  return false;
}

/** The parents of a host, nearest first ("a.b.example.com": "b.example.com", "example.com", "com"). */
function* parentsOf(host: string): Generator<string> {
  for (let at = host.indexOf("."); at >= 0; at = host.indexOf(".", at + 1)) yield host.slice(at + 1);
}

/**
 * The URL filters of the one onCommitted listener, for an index (the bundled one: the content
 * script's matches are the bundled catalog's too). Every page the matcher classifies, every
 * host with AI words, every host under a vendor's domain and every sign-in page passes one.
 */
export function commitFilters(index: CompiledIndex): NavigationFilter[] {
  const wide: NavigationFilter[] = [...CANDIDATE_FILTERS, ...vendorFilters(index)];
  const catalogHosts = new Set([
    ...Object.keys(index.hosts),
    ...Object.keys(index.paths),
    ...Object.keys(index.queries ?? {}),
  ]);
  // A host comes with a wider filter, or with a catalog host above it (which has its own, or comes too).
  const brought = (host: string) =>
    wide.some((filter) => bringsWithSubdomains(filter, host)) ||
    [...parentsOf(host)].some((parent) => Object.hasOwn(index.hosts, parent));
  const filters: NavigationFilter[] = [...wide, ...OAUTH_FILTERS];
  for (const host of [...catalogHosts].sort()) {
    if (brought(host)) continue;
    if (Object.hasOwn(index.hosts, host)) {
      filters.push({ hostSuffix: host });
      continue;
    }
    for (const [pathPrefix] of index.paths[host] ?? []) filters.push({ hostSuffix: host, pathPrefix });
    for (const [pathEquals, param, value] of index.queries?.[host] ?? []) {
      filters.push({ hostSuffix: host, pathEquals, queryContains: `${param}=${value}` });
    }
  }
  return filters;
}

/** The bundled catalog's matcher: which committed pages get a nudge decision (those the content script runs on). */
let bundled: Matcher | null = null;

/**
 * A committed navigation that passed the filters above. The nudge is decided first, at once,
 * on a page of the bundled catalog; then, with the catalog in force (at a start of the service
 * worker, the stored one once read), the visit, the candidate or the sign-in is noted.
 */
export function onCommitted(details: { tabId: number; frameId: number; documentId?: string; url: string }): void {
  if (details.frameId !== 0) return;
  bundled ??= createMatcher(bundledIndex);
  if (bundled.classify(details.url)) {
    markNow(COMMITTED_MARK);
    decideAtCommit(details);
  }
  void catalogReady()
    .then(({ matcher, index }) => {
      // A catalog page is no candidate; a sign-in page is looked at apart.
      const tool = matcher.classify(details.url);
      const candidate = tool ? null : candidateOfPage(details.url, matcher, index);
      const signIn = oauthSignIn(details.url, matcher, index);
      return Promise.all([
        tool && countNow(tool.id, "visit"),
        candidate && noteCandidate(candidate, "visit"),
        signIn && noteSignIn(signIn),
      ]);
    })
    .catch((error: unknown) => console.error("Shadowlight: navigation not noted:", error));
}

/**
 * A navigation to an identity provider's sign-in page starts (OAUTH_FILTERS): its
 * authorization URL is seen now and, after the provider's own redirects, when it commits;
 * noting one sign-in twice changes nothing.
 */
export function onSignInStart(details: { frameId: number; url: string }): void {
  if (details.frameId !== 0) return;
  void catalogReady()
    .then(({ matcher, index }) => {
      const signIn = oauthSignIn(details.url, matcher, index);
      if (signIn) return noteSignIn(signIn);
    })
    .catch((error: unknown) => console.error("Shadowlight: sign-in not noted:", error));
}
