import * as z from "zod";
import { assessRisk, type RiskLevel, trainingSummary, trainingTiers } from "./risk";
import { type Catalog, canonicalHost, slug } from "./schema";

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
  /** Whether the tool trains on inputs by default: on all tiers, some, none, or unknown. */
  trains: "all" | "some" | "none" | null;
  /** The tiers that train on inputs by default, for the nudge's "why". */
  trainsOn: string[];
}

/**
 * The compiled catalog. `hosts` maps a canonical hostname to a tool's position in `tools`;
 * `paths` maps a shared hostname to its path rules as `[prefix, tool position]`, longest
 * prefix first.
 */
export interface CompiledIndex {
  format: 1;
  tools: CompiledTool[];
  hosts: Record<string, number>;
  paths: Record<string, Array<[string, number]>>;
}

export function compileCatalog(catalog: Catalog): CompiledIndex {
  const categories = new Map(catalog.categories.map((c) => [c.id, c]));
  const vendors = new Map(catalog.vendors.map((v) => [v.id, v]));
  const tools = [...catalog.tools].sort((a, b) => a.id.localeCompare(b.id));
  const index: CompiledIndex = { format: 1, tools: [], hosts: {}, paths: {} };

  tools.forEach((tool, position) => {
    const category = categories.get(tool.category);
    const vendor = vendors.get(tool.vendor);
    if (!category || !vendor) throw new Error(`${tool.id}: unknown category or vendor`);
    const { score, level } = assessRisk(tool, category, vendor);
    index.tools.push({
      id: tool.id,
      name: tool.name,
      category: tool.category,
      vendor: vendor.name,
      home: tool.examples[0] ?? `https://${tool.hosts[0]}/`,
      risk: score,
      level,
      trains: trainingSummary(tool),
      trainsOn: trainingTiers(tool),
    });
    for (const host of tool.hosts) index.hosts[host] = position;
    for (const rule of tool.paths ?? []) {
      const rules = index.paths[rule.host] ?? [];
      rules.push([rule.prefix, position]);
      index.paths[rule.host] = rules;
    }
  });
  for (const rules of Object.values(index.paths)) rules.sort((a, b) => b[0].length - a[0].length);
  return index;
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
  return patterns;
}

/** The same set as `matchPatterns`, as `webNavigation` URL filters, so the browser itself
 * wakes the background only for catalog pages. */
export function navigationFilters(
  index: CompiledIndex,
): Array<{ hostEquals?: string; hostSuffix?: string; pathPrefix?: string }> {
  const filters: Array<{ hostEquals?: string; hostSuffix?: string; pathPrefix?: string }> = [];
  for (const host of Object.keys(index.hosts).sort()) {
    filters.push({ hostEquals: host }, { hostSuffix: `.${host}` });
  }
  for (const [host, rules] of Object.entries(index.paths).sort()) {
    for (const [prefix] of rules) {
      filters.push({ hostEquals: host, pathPrefix: prefix }, { hostSuffix: `.${host}`, pathPrefix: prefix });
    }
  }
  return filters;
}

/**
 * The compiled index as received from a server: checked before it may replace the bundled
 * one, so a broken or hostile update is refused and the last good catalog stays in force.
 */
export const compiledIndexSchema = z
  .strictObject({
    format: z.literal(1),
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
          trains: z.enum(["all", "some", "none"]).nullable(),
          trainsOn: z.array(slug),
        }),
      )
      .min(1)
      .max(20_000),
    hosts: z.record(canonicalHost, z.number().int().min(0)),
    paths: z.record(canonicalHost, z.array(z.tuple([z.string().regex(/^\/[^\s?#]*$/), z.number().int().min(0)]))),
  })
  .superRefine((index, ctx) => {
    const count = index.tools.length;
    const positions = [
      ...Object.values(index.hosts),
      ...Object.values(index.paths).flatMap((rules) => rules.map(([, position]) => position)),
    ];
    if (positions.some((position) => position >= count)) {
      ctx.addIssue({ code: "custom", path: ["hosts"], message: "refers to a tool that is not in the index" });
    }
  });
