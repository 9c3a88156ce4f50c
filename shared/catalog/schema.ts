import * as z from "zod";
import type { Browser, Extension } from "./discovery";
import { TIERS } from "./tiers";

/** Stable ids of tools, vendors and categories: lowercase slugs, never domains. */
export const slug = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be a lowercase slug (a-z, 0-9, single hyphens)");

/**
 * A hostname in canonical form: lowercase ASCII (punycode for IDN), at least two labels,
 * no scheme, port, trailing dot or leading "www.".
 */
export const canonicalHost = z
  .string()
  .max(253)
  .regex(
    /^(?!www\.)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/,
    "must be a canonical hostname (lowercase, punycode, no scheme, port, trailing dot or www.)",
  );

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD");

/**
 * Where a fact comes from: the vendor's own page (the build checks that the URL is on the
 * vendor's or the tool's domain), the day it was read, and a short excerpt of the vendor's
 * own words on that page.
 */
const provenance = {
  source: z.url({ protocol: /^https$/ }),
  checked: isoDay,
  excerpt: z.string().min(8).max(400).optional(),
};

function fact<T extends z.ZodType>(value: T) {
  return z.strictObject({ value, ...provenance });
}

export { AGREEMENT_TIERS, PERSONAL_TIERS, TIERS, type Tier } from "./tiers";

/** A checked page that does not say: recorded as such, never as unknown. */
export const UNSTATED = "unstated";

export const toolFacts = z.strictObject({
  /** Plan tier -> whether inputs may train the vendor's models by default on that tier. */
  trainsOnUserData: fact(z.partialRecord(z.enum(TIERS), z.union([z.boolean(), z.literal(UNSTATED)]))).optional(),
  /**
   * What the vendor says about keeping inputs; `days` is the longest it keeps them by default
   * on a personal account (null: until the user deletes them, or without a limit), absent when
   * the page gives no length.
   */
  retention: z
    .strictObject({
      value: z.string().min(1).max(200),
      days: z.number().int().min(0).max(36_500).nullable().optional(),
      ...provenance,
    })
    .optional(),
  dataRegion: fact(z.array(z.string().regex(/^(?:[A-Z]{2}|EU)$/)).min(1)).optional(),
  /** Certifications the vendor states; an empty list records a checked page that names none. */
  certifications: fact(z.array(z.string().min(2).max(40))).optional(),
  sso: fact(z.boolean()).optional(),
  enterprisePlan: fact(z.boolean()).optional(),
});

export const pathRule = z.strictObject({
  host: canonicalHost,
  prefix: z.string().regex(/^(?:\/[A-Za-z0-9._~!$&'()*+,;=:@-]+)+$/, "must start with / and have no trailing slash"),
});

/**
 * AI that lives in a query parameter of a shared page: Google's AI Mode is
 * `google.com/search?...&udm=50`. The path matches like a path rule (segment-exact); the
 * parameter matches when one `name=value` pair of the query equals it exactly, after
 * percent-decoding, never as a substring of another pair.
 */
const queryRule = z.strictObject({
  host: canonicalHost,
  path: pathRule.shape.prefix,
  param: z.string().regex(/^[A-Za-z0-9._~-]{1,40}$/, "must be a plain parameter name"),
  value: z.string().regex(/^[A-Za-z0-9._~-]{1,80}$/, "must be a plain parameter value"),
});

/** What a matched hostname serves: the product itself, its API, or pages about it. */
const HOST_KINDS = ["web", "api", "docs"] as const;
export type HostKind = (typeof HOST_KINDS)[number];

/** What every catalog entry (tool, extension, browser) starts with. */
export const entryHeader = {
  id: slug,
  name: z.string().min(1).max(80),
  vendor: slug,
  category: slug,
  description: z.string().min(1).max(240),
};

export const toolSchema = z
  .strictObject({
    ...entryHeader,
    /** Hosts that serve the product itself (kind "web"). */
    hosts: z.array(canonicalHost),
    /** Hosts that serve the tool's API to programs (kind "api"). */
    apiHosts: z.array(canonicalHost).optional(),
    /** The vendor's documentation and pages about the product (kind "docs"). */
    docsHosts: z.array(canonicalHost).optional(),
    paths: z.array(pathRule).optional(),
    queries: z.array(queryRule).optional(),
    examples: z.array(z.url({ protocol: /^https?$/ })).min(1),
    facts: toolFacts.optional(),
  })
  .refine(
    (tool) =>
      tool.hosts.length + (tool.apiHosts?.length ?? 0) + (tool.docsHosts?.length ?? 0) > 0 ||
      (tool.paths?.length ?? 0) + (tool.queries?.length ?? 0) > 0,
    { message: "a tool needs at least one host, path or query rule" },
  );
export type Tool = z.infer<typeof toolSchema>;

/** Every host of a tool with its kind, web hosts first. */
export function toolHostKinds(tool: Tool): Array<[string, HostKind]> {
  return [
    ...tool.hosts.map((host): [string, HostKind] => [host, "web"]),
    ...(tool.apiHosts ?? []).map((host): [string, HostKind] => [host, "api"]),
    ...(tool.docsHosts ?? []).map((host): [string, HostKind] => [host, "docs"]),
  ];
}

export const vendorSchema = z.strictObject({
  id: slug,
  name: z.string().min(1).max(80),
  website: z.url({ protocol: /^https$/ }),
  /** Where the vendor is headquartered (ISO 3166 alpha-2), as listed; not a reviewed fact. */
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, "must be an ISO 3166 alpha-2 code")
    .optional(),
  /** Other domains, or exact hosts, the vendor publishes its own pages on (trust portals, help centers). */
  domains: z.array(canonicalHost).optional(),
  /** The vendor's own accounts on code hosts ("github.com/owner"): its repositories are its pages. */
  repositories: z
    .array(
      z
        .string()
        .regex(
          /^(?:github\.com|gitlab\.com)\/[A-Za-z0-9_.-]{1,100}$/,
          "must be github.com/<owner> or gitlab.com/<owner>",
        ),
    )
    .optional(),
  /** Headquarters as a sourced fact, read on the vendor's own page: the risk score uses only this. */
  hq: fact(z.string().regex(/^[A-Z]{2}$/, "must be an ISO 3166 alpha-2 code")).optional(),
  /** Whether the vendor states it is certified under the EU-US Data Privacy Framework. */
  dataPrivacyFramework: fact(z.boolean()).optional(),
});
export type Vendor = z.infer<typeof vendorSchema>;

export const categorySchema = z.strictObject({
  id: slug,
  name: z.string().min(1).max(60),
  description: z.string().min(1).max(240),
  /** 0 (benign) to 3 (sensitive by nature): the category's share of a tool's risk score. */
  baseRisk: z.number().int().min(0).max(3),
});
export type Category = z.infer<typeof categorySchema>;

export interface Catalog {
  tools: Tool[];
  vendors: Vendor[];
  categories: Category[];
  /** AI browser extensions by store id (absent in catalogs built before they existed). */
  extensions?: Extension[];
  /** AI browsers and the markers that recognize them. */
  browsers?: Browser[];
}
