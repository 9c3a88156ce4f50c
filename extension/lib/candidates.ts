import { getDomain, parse } from "tldts";
import type { CandidateSignal } from "../../shared/catalog/candidates";
import type { CompiledIndex, NavigationFilter } from "../../shared/catalog/compile";
import type { Matcher } from "../../shared/catalog/matcher";

/*
 * Unknown AI tools: sites outside the catalog that look like AI products, for the security
 * team to triage into the catalog. What is kept is the registrable domain only (never the
 * host, path or query) and which signals fired (shared/catalog/candidates.ts). The browser
 * itself filters navigations with the patterns below, so the extension never sees the rest
 * of the web; these functions decide on what it is shown.
 */

/** Hostnames with AI words: the `hostname` signal. */
export const CANDIDATE_FILTERS = [
  { hostSuffix: ".ai" },
  { hostPrefix: "ai." },
  { hostContains: "gpt" },
  { hostContains: "llm" },
  { hostContains: "chatbot" },
  { hostContains: "copilot" },
  { hostContains: "genai" },
];

/** Whether a hostname has AI words, as the filters above decide it in the browser. */
export function hasAiWords(host: string): boolean {
  return CANDIDATE_FILTERS.some(
    (filter: { hostSuffix?: string; hostPrefix?: string; hostContains?: string }) =>
      (filter.hostSuffix !== undefined && host.endsWith(filter.hostSuffix)) ||
      (filter.hostPrefix !== undefined && host.startsWith(filter.hostPrefix)) ||
      (filter.hostContains !== undefined && host.includes(filter.hostContains)),
  );
}

/** Hosts under the catalogued AI vendors' own domains (never the domain or its www host): the `aiVendor` signal. */
export function vendorFilters(index: CompiledIndex): NavigationFilter[] {
  return (index.vendorDomains ?? []).map((domain) => ({ hostSuffix: `.${domain}` }));
}

const vendorSets = new WeakMap<CompiledIndex, Set<string>>();

function isVendorDomain(index: CompiledIndex, domain: string): boolean {
  let set = vendorSets.get(index);
  if (!set) {
    set = new Set(index.vendorDomains ?? []);
    vendorSets.set(index, set);
  }
  return set.has(domain);
}

const catalogDomainSets = new WeakMap<CompiledIndex, Set<string>>();

/**
 * Whether the catalog knows anything under a registrable domain (a host of any kind, a path or
 * query rule): such a site is not unknown, even where some of its pages are not AI.
 */
export function isCatalogDomain(index: CompiledIndex, domain: string): boolean {
  let set = catalogDomainSets.get(index);
  if (!set) {
    // Every parent of every catalog host (string work only: this runs once per service worker
    // start, where the public suffix list would cost tens of milliseconds).
    set = new Set<string>();
    for (const host of [
      ...Object.keys(index.hosts),
      ...Object.keys(index.paths),
      ...Object.keys(index.queries ?? {}),
    ]) {
      for (let at = 0; at >= 0; at = host.indexOf(".", at + 1)) set.add(at === 0 ? host : host.slice(at + 1));
    }
    catalogDomainSets.set(index, set);
  }
  return set.has(domain);
}

const CANONICAL = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/** The registrable domain (under an ICANN suffix, as the server checks) of a host, or null. */
function registrableDomainOf(host: string): string | null {
  const parsed = parse(host, { allowPrivateDomains: false });
  const domain = parsed.isIcann ? parsed.domain : null;
  return domain && CANONICAL.test(domain) && !domain.startsWith("www.") ? domain : null;
}

export interface Candidate {
  domain: string;
  signals: CandidateSignal[];
}

/** The signals a host outside the catalog shows by its name and place: hostname words, a vendor's domain. */
function signalsOfHost(host: string, domain: string, index: CompiledIndex): CandidateSignal[] {
  const signals: CandidateSignal[] = [];
  if (hasAiWords(host)) signals.push("hostname");
  if (host !== domain && host !== `www.${domain}` && isVendorDomain(index, domain)) signals.push("aiVendor");
  return signals;
}

/** The candidate a page load shows (hostname words, a vendor's new product), or null (catalog tool, IP, bad URL). */
export function candidateOfPage(url: string, matcher: Matcher, index: CompiledIndex): Candidate | null {
  if (matcher.classify(url)) return null;
  const host = matcher.normalize(url)?.hostname;
  const domain = host ? registrableDomainOf(host) : null;
  if (!host || !domain) return null;
  const signals = signalsOfHost(host, domain, index);
  return signals.length ? { domain, signals } : null;
}

/*
 * Sign-in with an identity provider for a site outside the catalog: the provider's
 * authorization endpoint carries the site's `redirect_uri` in its query. Only the host of that
 * URI is read (never the client id, the scopes, a path or anything else of the query), and
 * only its registrable domain is kept. A sign-in says "people use their work identity with
 * this site", not "this site is AI": it joins a candidate that another signal raised for the
 * same site and day, and never makes one on its own (counting.ts).
 */
const OAUTH_ENDPOINTS: Array<{ provider: string; filter: NavigationFilter; path: RegExp }> = [
  // Google: the authorization endpoint, and the sign-in pages it sends to, which keep redirect_uri.
  {
    provider: "accounts.google.com",
    filter: { hostEquals: "accounts.google.com", queryContains: "redirect_uri=" },
    path: /^\/(?:o\/oauth2\/(?:v2\/)?auth|v3\/signin\/[a-z]+|signin\/oauth(?:\/[a-z]+)*)$/,
  },
  // Microsoft Entra ID: /{tenant}/oauth2/v2.0/authorize and the v1 /{tenant}/oauth2/authorize.
  {
    provider: "login.microsoftonline.com",
    filter: { hostEquals: "login.microsoftonline.com", queryContains: "redirect_uri=" },
    path: /^\/[A-Za-z0-9.-]{1,100}\/oauth2\/(?:v2\.0\/)?authorize$/,
  },
  // Microsoft personal accounts.
  {
    provider: "login.live.com",
    filter: { hostEquals: "login.live.com", pathEquals: "/oauth20_authorize.srf" },
    path: /^\/oauth20_authorize\.srf$/,
  },
  // GitHub OAuth apps (without redirect_uri the app's registered callback is used: nothing to read).
  {
    provider: "github.com",
    filter: { hostEquals: "github.com", pathEquals: "/login/oauth/authorize" },
    path: /^\/login\/oauth\/authorize$/,
  },
  // Sign in with Apple.
  {
    provider: "appleid.apple.com",
    filter: { hostEquals: "appleid.apple.com", pathEquals: "/auth/authorize" },
    path: /^\/auth\/authorize$/,
  },
];

export const OAUTH_FILTERS: NavigationFilter[] = OAUTH_ENDPOINTS.map((endpoint) => endpoint.filter);

/**
 * The site a sign-in at an identity provider is for (its registrable domain), with the
 * signals its own name shows (hostname words, a vendor's domain), or null.
 */
export function oauthSignIn(url: string, matcher: Matcher, index: CompiledIndex): Candidate | null {
  let page: URL;
  let target: URL;
  try {
    page = new URL(url);
    const endpoint = OAUTH_ENDPOINTS.find((e) => e.provider === page.hostname && e.path.test(page.pathname));
    const redirect = endpoint ? page.searchParams.get("redirect_uri") : null;
    if (!endpoint || !redirect) return null;
    target = new URL(redirect);
    if (target.protocol !== "https:" && target.protocol !== "http:") return null;
    const domain = registrableDomainOf(target.hostname);
    // The provider's own sites, and tools the catalog knows, are not unknown sites.
    if (!domain || domain === getDomain(endpoint.provider) || matcher.classify(target.origin)) return null;
    return { domain, signals: signalsOfHost(target.hostname, domain, index) };
  } catch {
    return null;
  }
}
