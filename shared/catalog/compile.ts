import * as z from "zod";
import { vendorDomains } from "./candidates";
import { chromiumExtensionId, geckoExtensionId, MARKER_KINDS, type MarkerKind, STORES, type Store } from "./discovery";
import { assessRisk, type RiskLevel, trainingSummary, trainingTiers } from "./risk";
import { type Catalog, canonicalHost, slug, TIERS, type Tier, type Tool, toolHostKinds, UNSTATED } from "./schema";

/** What an inventory entry of the catalog is: a tool used in a page, an extension or a browser. */
const ENTRY_KINDS = ["extension", "browser"] as const;
type EntryKind = (typeof ENTRY_KINDS)[number];

/** What the extension and the worker need of a tool at run time. */
export interface CompiledTool {
  id: string;
  name: string;
  category: string;
  vendor: string;
  /** Where the tool starts, to send people to an approved alternative. */
  home: string;
  risk: number;
  level: RiskLevel;
  /**
   * Whether the tool trains on inputs by default: on all tiers, some, or none; absent (or
   * null) when the catalog has no training fact. Absent fields keep the index small.
   */
  trains?: "all" | "some" | "none" | null;
  /** The tiers that train on inputs by default, for the nudge's "why"; absent when none. */
  trainsOn?: string[];
  /** Training by tier as the catalog records it ("unstated": a checked page is silent). */
  training?: Partial<Record<Tier, boolean | "unstated">>;
  /** Present when the catalog holds sourced facts about the tool; absent: not yet reviewed. */
  checked?: true;
  /** An AI browser extension or an AI browser; absent for a tool met in pages (web or API). */
  kind?: EntryKind;
}

/** The compiled index's format: a change of its shape changes this number. */
export const CATALOG_FORMAT = 1;

/**
 * The compiled catalog. `hosts` maps a canonical hostname (of every kind) to a tool's
 * position in `tools`; `kinds` names the hosts that are not the product itself ("api",
 * "docs"); `paths` maps a shared hostname to its path rules as `[prefix, tool position]`,
 * longest prefix first; `queries` maps a shared hostname to its query rules as
 * `[path, parameter, value, tool position]`. `kinds` and `queries` are absent when empty, so
 * an index without them reads as before.
 */
export interface CompiledIndex {
  format: typeof CATALOG_FORMAT;
  tools: CompiledTool[];
  hosts: Record<string, number>;
  kinds?: Record<string, "api" | "docs">;
  paths: Record<string, Array<[string, number]>>;
  queries?: Record<string, Array<[string, string, string, number]>>;
  /** Per store, an extension's store id -> its entry's position in `tools`. */
  extensions?: Partial<Record<Store, Record<string, number>>>;
  /** AI browsers' markers as `[kind, value, entry position]`. */
  browsers?: Array<[MarkerKind, string, number]>;
  /** Catalogued AI vendors' own registrable domains, for new products under them (candidates.ts). */
  vendorDomains?: string[];
}

export function compileCatalog(catalog: Catalog): CompiledIndex {
  const categories = new Map(catalog.categories.map((c) => [c.id, c]));
  const vendors = new Map(catalog.vendors.map((v) => [v.id, v]));
  const tools = [...catalog.tools].sort((a, b) => a.id.localeCompare(b.id));
  const index: CompiledIndex = { format: CATALOG_FORMAT, tools: [], hosts: {}, paths: {} };
  const kinds: NonNullable<CompiledIndex["kinds"]> = {};
  const queries: NonNullable<CompiledIndex["queries"]> = {};

  tools.forEach((tool, position) => {
    const category = categories.get(tool.category);
    const vendor = vendors.get(tool.vendor);
    if (!category || !vendor) throw new Error(`${tool.id}: unknown category or vendor`);
    const { score, level, reviewed } = assessRisk(tool, category, vendor);
    const compiled: CompiledTool = {
      id: tool.id,
      name: tool.name,
      category: tool.category,
      vendor: vendor.name,
      home: tool.hosts[0] ? `https://${tool.hosts[0]}/` : (tool.examples[0] as string),
      risk: score,
      level,
    };
    const trains = trainingSummary(tool);
    if (trains) compiled.trains = trains;
    const trainsOn = trainingTiers(tool);
    if (trainsOn.length) compiled.trainsOn = trainsOn;
    const training = tool.facts?.trainsOnUserData?.value;
    if (training) compiled.training = training;
    if (reviewed) compiled.checked = true;
    index.tools.push(compiled);
    for (const [host, kind] of toolHostKinds(tool)) {
      index.hosts[host] = position;
      if (kind !== "web") kinds[host] = kind;
    }
    for (const rule of tool.paths ?? []) {
      const rules = index.paths[rule.host] ?? [];
      rules.push([rule.prefix, position]);
      index.paths[rule.host] = rules;
    }
    for (const rule of tool.queries ?? []) {
      const rules = queries[rule.host] ?? [];
      rules.push([rule.path, rule.param, rule.value, position]);
      queries[rule.host] = rules;
    }
  });
  for (const rules of Object.values(index.paths)) rules.sort((a, b) => b[0].length - a[0].length);
  if (Object.keys(kinds).length) index.kinds = kinds;
  if (Object.keys(queries).length) index.queries = queries;
  compileDiscovery(catalog, index);
  const domains = vendorDomains(catalog);
  if (domains.length) index.vendorDomains = domains;
  return index;
}

/**
 * Extensions and browsers join the tools as entries of their own kind, after every tool so a
 * tool's position never moves. They own no host: the matcher can never return one for a URL.
 * An entry without facts of its own takes the facts of the tool it belongs to.
 */
function compileDiscovery(catalog: Catalog, index: CompiledIndex): void {
  const categories = new Map(catalog.categories.map((c) => [c.id, c]));
  const vendors = new Map(catalog.vendors.map((v) => [v.id, v]));
  const tools = new Map(catalog.tools.map((t) => [t.id, t]));
  const entries = [
    ...(catalog.extensions ?? []).map((entry) => ({ entry, kind: "extension" as const })),
    ...(catalog.browsers ?? []).map((entry) => ({ entry, kind: "browser" as const })),
  ].sort((a, b) => a.entry.id.localeCompare(b.entry.id));
  const extensions: NonNullable<CompiledIndex["extensions"]> = {};
  const browsers: NonNullable<CompiledIndex["browsers"]> = [];
  for (const { entry, kind } of entries) {
    const category = categories.get(entry.category);
    const vendor = vendors.get(entry.vendor);
    if (!category || !vendor) throw new Error(`${entry.id}: unknown category or vendor`);
    const parent = entry.tool ? tools.get(entry.tool) : undefined;
    const facts = entry.facts ?? parent?.facts;
    const asTool: Tool = { ...entry, hosts: [], examples: [vendor.website], ...(facts ? { facts } : {}) };
    const { score, level, reviewed } = assessRisk(asTool, category, vendor);
    const listing = "stores" in entry ? STORES.map((store) => entry.stores[store]?.url).find(Boolean) : undefined;
    const position = index.tools.length;
    const compiled: CompiledTool = {
      id: entry.id,
      name: entry.name,
      category: entry.category,
      vendor: vendor.name,
      home: listing ?? (parent?.hosts[0] ? `https://${parent.hosts[0]}/` : vendor.website),
      risk: score,
      level,
      kind,
    };
    const trains = trainingSummary(asTool);
    if (trains) compiled.trains = trains;
    const trainsOn = trainingTiers(asTool);
    if (trainsOn.length) compiled.trainsOn = trainsOn;
    if (facts?.trainsOnUserData) compiled.training = facts.trainsOnUserData.value;
    if (reviewed) compiled.checked = true;
    index.tools.push(compiled);
    if ("stores" in entry) {
      for (const store of STORES) {
        const id = entry.stores[store]?.id;
        if (!id) continue;
        const ids = extensions[store] ?? {};
        ids[id] = position;
        extensions[store] = ids;
      }
    } else {
      for (const marker of entry.markers ?? []) browsers.push([marker.kind, marker.value, position]);
    }
  }
  if (Object.keys(extensions).length) index.extensions = extensions;
  if (browsers.length) index.browsers = browsers;
}

/**
 * Chrome match patterns for the content script and host permissions: each host and its
 * subdomains; for path rules, the prefix (the background makes the segment-exact decision).
 */
export function matchPatterns(index: CompiledIndex): string[] {
  const patterns: string[] = [];
  for (const host of Object.keys(index.hosts).sort()) {
    patterns.push(`*://${host}/*`, `*://*.${host}/*`);
  }
  for (const [host, rules] of Object.entries(index.paths).sort()) {
    for (const [prefix] of rules) patterns.push(`*://${host}${prefix}*`, `*://*.${host}${prefix}*`);
  }
  // A match pattern's path also covers the query: "?*udm=50*" wakes the content script only
  // on pages that carry the pair; the background makes the exact decision.
  for (const [host, rules] of Object.entries(index.queries ?? {}).sort()) {
    for (const [path, param, value] of rules) {
      patterns.push(`*://${host}${path}?*${param}=${value}*`, `*://*.${host}${path}?*${param}=${value}*`);
    }
  }
  return patterns;
}

/** A `webNavigation` URL filter (the parts the extension uses). */
export interface NavigationFilter {
  hostEquals?: string;
  hostSuffix?: string;
  hostPrefix?: string;
  hostContains?: string;
  pathPrefix?: string;
  pathEquals?: string;
  queryContains?: string;
}

/**
 * The compiled index as received from a server: checked before it may replace the bundled
 * one, so a broken or hostile update is refused and the last good catalog stays in force.
 */
export const compiledIndexSchema = z
  .strictObject({
    format: z.literal(CATALOG_FORMAT),
    tools: z
      .array(
        z.strictObject({
          id: slug,
          name: z.string().min(1).max(80),
          category: slug,
          vendor: z.string().min(1).max(80),
          home: z.url({ protocol: /^https?$/ }),
          risk: z.number().int().min(0).max(100),
          level: z.enum(["low", "medium", "high"]),
          trains: z.enum(["all", "some", "none"]).nullable().optional(),
          trainsOn: z.array(slug).optional(),
          training: z.partialRecord(z.enum(TIERS), z.union([z.boolean(), z.literal(UNSTATED)])).optional(),
          checked: z.literal(true).optional(),
          kind: z.enum(ENTRY_KINDS).optional(),
        }),
      )
      .min(1)
      .max(20_000),
    hosts: z.record(canonicalHost, z.number().int().min(0)),
    kinds: z.record(canonicalHost, z.enum(["api", "docs"])).optional(),
    paths: z.record(canonicalHost, z.array(z.tuple([z.string().regex(/^\/[^\s?#]*$/), z.number().int().min(0)]))),
    queries: z
      .record(
        canonicalHost,
        z.array(
          z.tuple([
            z.string().regex(/^\/[^\s?#]*$/),
            z.string().regex(/^[A-Za-z0-9._~-]{1,40}$/),
            z.string().regex(/^[A-Za-z0-9._~-]{1,80}$/),
            z.number().int().min(0),
          ]),
        ),
      )
      .optional(),
    extensions: z
      .strictObject({
        chrome: z.record(chromiumExtensionId, z.number().int().min(0)).optional(),
        edge: z.record(chromiumExtensionId, z.number().int().min(0)).optional(),
        firefox: z.record(geckoExtensionId, z.number().int().min(0)).optional(),
      })
      .optional(),
    browsers: z
      .array(z.tuple([z.enum(MARKER_KINDS), z.string().min(2).max(60), z.number().int().min(0)]))
      .max(1_000)
      .optional(),
    vendorDomains: z.array(canonicalHost).max(20_000).optional(),
  })
  .superRefine((index, ctx) => {
    const count = index.tools.length;
    const positions = [
      ...Object.values(index.hosts),
      ...Object.values(index.paths).flatMap((rules) => rules.map(([, position]) => position)),
      ...Object.values(index.queries ?? {}).flatMap((rules) => rules.map((rule) => rule[3])),
      ...Object.values(index.extensions ?? {}).flatMap((ids) => Object.values(ids)),
      ...(index.browsers ?? []).map((marker) => marker[2]),
    ];
    if (positions.some((position) => position >= count)) {
      ctx.addIssue({ code: "custom", path: ["hosts"], message: "refers to a tool that is not in the index" });
    }
  });
