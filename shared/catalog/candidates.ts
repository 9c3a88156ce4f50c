import { getDomain } from "tldts";
import { type Catalog, toolHostKinds } from "./schema";

/*
 * Unknown AI sites: why the extension thinks a site outside the catalog is an AI tool. Each
 * candidate domain leaves the device with the signals that fired for it that day, from this
 * small enum, and nothing else about them:
 *   hostname  the site's hostname carries AI words (".ai", "gpt", "llm", ...)
 *   aiApi     pages of the site called a catalogued AI API or widget host
 *   oauth     someone was sent to sign in with an identity provider for the site; recorded
 *             only together with another signal for the same site and day, never alone
 *   aiVendor  a host outside the catalog under the registrable domain of a catalogued AI
 *             vendor's own website (a new product of a known AI vendor)
 */
export const CANDIDATE_SIGNALS = ["hostname", "aiApi", "oauth", "aiVendor"] as const;
export type CandidateSignal = (typeof CANDIDATE_SIGNALS)[number];

/** The signals as a bit set (the worker stores them as one integer; bit i is signal i). */
export function signalMask(signals: readonly CandidateSignal[]): number {
  return signals.reduce((mask, signal) => mask | (1 << CANDIDATE_SIGNALS.indexOf(signal)), 0);
}

/** The signals of a bit set, in the enum's order. */
export function signalsOf(mask: number): CandidateSignal[] {
  return CANDIDATE_SIGNALS.filter((_, bit) => (mask & (1 << bit)) !== 0);
}

/**
 * The catalogued AI vendors' own registrable domains under which a host outside the catalog
 * is taken for a new product of that vendor. A vendor's website domain qualifies when
 *   - the catalog holds a product (web) host of that vendor under it: it is where the vendor
 *     puts AI products, not only its company pages;
 *   - it is not a shared host: no catalog tool has a path or query rule under it (google.com,
 *     github.com, x.com host AI at a path beside everything else);
 *   - neither it nor its www host is a catalog host (else the matcher already knows every
 *     host under it, and nothing new can appear).
 * Hosts of another vendor, of API or docs kind only, or of a vendor whose website is
 * elsewhere do not make a vendor domain. Sorted, canonical.
 */
export function vendorDomains(catalog: Catalog): string[] {
  const shared = new Set<string>();
  for (const tool of catalog.tools) {
    for (const rule of [...(tool.paths ?? []), ...(tool.queries ?? [])]) {
      const domain = getDomain(rule.host, { allowPrivateDomains: false });
      if (domain) shared.add(domain);
    }
  }
  const catalogHosts = new Set(catalog.tools.flatMap((tool) => toolHostKinds(tool).map(([host]) => host)));
  const productDomains = new Map<string, Set<string>>();
  for (const tool of catalog.tools) {
    for (const host of tool.hosts) {
      const domain = getDomain(host, { allowPrivateDomains: false });
      if (!domain) continue;
      const vendors = productDomains.get(domain) ?? new Set<string>();
      vendors.add(tool.vendor);
      productDomains.set(domain, vendors);
    }
  }
  const domains = new Set<string>();
  for (const vendor of catalog.vendors) {
    const domain = getDomain(new URL(vendor.website).hostname, { allowPrivateDomains: false });
    if (!domain || !productDomains.get(domain)?.has(vendor.id)) continue;
    if (shared.has(domain) || catalogHosts.has(domain) || catalogHosts.has(`www.${domain}`)) continue;
    domains.add(domain);
  }
  return [...domains].sort();
}
