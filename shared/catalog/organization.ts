import * as z from "zod";
import { LIMITS } from "../limits";
import type { CompiledIndex, CompiledTool } from "./compile";
import { chromiumExtensionId, geckoExtensionId, STORES } from "./discovery";
import { assessRisk } from "./risk";
import { type Catalog, canonicalHost, pathRule, slug, toolHostKinds } from "./schema";

/*
 * The organization's own catalog entries, added by admins from the dashboard: internal or
 * approved AI tools (hosts, paths, API hosts), extra hosts of a catalogued tool (`extends`),
 * or browser extensions by store id. They are validated like catalog files (canonical,
 * sorted, owned by one entry only, references that exist), stored by the worker, delivered to
 * devices with the policy and merged into the compiled index there and in the worker, so no
 * redeploy is needed. Their ids start with "org-", which catalog files may not use.
 */

const organizationEntryId = z
  .string()
  .max(64)
  .regex(/^org-[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be "org-" and a lowercase slug');

const sortedUnique = <T extends z.ZodType<string>>(item: T, max: number) =>
  z
    .array(item)
    .max(max)
    .refine((values) => values.every((value, i) => i === 0 || (values[i - 1] as string) < value), {
      message: "must be sorted and unique",
    });

export const organizationEntry = z
  .strictObject({
    id: organizationEntryId,
    name: z.string().trim().min(1).max(80),
    /** Who provides it: "Contoso IT" for an internal tool, the vendor's name otherwise. */
    vendor: z.string().trim().min(1).max(80),
    category: slug,
    description: z.string().trim().max(240).optional(),
    /** A catalogued tool these hosts belong to (its own region, tenant or API endpoint). */
    extends: slug.optional(),
    hosts: sortedUnique(canonicalHost, LIMITS.maxOrganizationHosts).default([]),
    apiHosts: sortedUnique(canonicalHost, LIMITS.maxOrganizationHosts).default([]),
    paths: z.array(pathRule).max(LIMITS.maxOrganizationHosts).default([]),
    /** Browser extensions by store id; an entry with extensions has no hosts and no paths. */
    extensions: z
      .strictObject({
        chrome: sortedUnique(chromiumExtensionId, 20).optional(),
        edge: sortedUnique(chromiumExtensionId, 20).optional(),
        firefox: sortedUnique(geckoExtensionId, 20).optional(),
      })
      .optional(),
  })
  .superRefine((entry, ctx) => {
    const rules = entry.hosts.length + entry.apiHosts.length + entry.paths.length;
    const ids = STORES.reduce((sum, store) => sum + (entry.extensions?.[store]?.length ?? 0), 0);
    if (rules + ids === 0) {
      ctx.addIssue({ code: "custom", path: ["hosts"], message: "an entry needs a host, a path or an extension id" });
    }
    if (rules > 0 && ids > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["extensions"],
        message: "an entry is either hosts and paths or extensions, not both",
      });
    }
    if (entry.extends && ids > 0) {
      ctx.addIssue({ code: "custom", path: ["extends"], message: "only hosts and paths can extend a catalogued tool" });
    }
  });
export type OrganizationEntry = z.infer<typeof organizationEntry>;

/**
 * Checks entries against the catalog and each other, as the catalog build checks its files:
 * the category and extended tool exist; no host, path or store id is owned twice (by the
 * catalog or another entry); a path's host is not a whole tool. Problems name the entry.
 */
export function organizationProblems(entries: OrganizationEntry[], catalog: Catalog, index: CompiledIndex): string[] {
  const problems: string[] = [];
  const categories = new Set(catalog.categories.map((category) => category.id));
  const tools = new Map(catalog.tools.map((tool) => [tool.id, tool]));
  const hostOwner = new Map<string, string>();
  for (const tool of catalog.tools) for (const [host] of toolHostKinds(tool)) hostOwner.set(host, tool.id);
  const pathOwner = new Map<string, string>();
  for (const tool of catalog.tools)
    for (const rule of tool.paths ?? []) pathOwner.set(`${rule.host}${rule.prefix}`, tool.id);
  const storeOwner = new Map<string, string>();
  for (const store of STORES) {
    for (const [id, position] of Object.entries(index.extensions?.[store] ?? {})) {
      storeOwner.set(`${store}|${id}`, index.tools[position]?.id ?? "");
    }
  }
  if (entries.length > LIMITS.maxOrganizationEntries) {
    problems.push(`at most ${LIMITS.maxOrganizationEntries} organization entries`);
  }
  const ids = new Set<string>();
  for (const entry of entries) {
    const at = (message: string) => problems.push(`${entry.id}: ${message}`);
    if (ids.has(entry.id)) at("appears twice");
    ids.add(entry.id);
    if (!categories.has(entry.category)) at(`category "${entry.category}" is not in the catalog`);
    if (entry.extends && !tools.has(entry.extends)) at(`extends "${entry.extends}", which is not a catalogued tool`);
    for (const host of [...entry.hosts, ...entry.apiHosts]) {
      const owner = hostOwner.get(host);
      if (owner) at(`host "${host}" is already "${owner}"'s`);
      else hostOwner.set(host, entry.id);
    }
    for (const rule of entry.paths) {
      const key = `${rule.host}${rule.prefix}`;
      const owner = pathOwner.get(key);
      if (owner) at(`path "${key}" is already "${owner}"'s`);
      else pathOwner.set(key, entry.id);
    }
    for (const store of STORES) {
      for (const id of entry.extensions?.[store] ?? []) {
        const owner = storeOwner.get(`${store}|${id}`);
        if (owner) at(`${store} extension "${id}" is already "${owner}"'s`);
        else storeOwner.set(`${store}|${id}`, entry.id);
      }
    }
  }
  for (const entry of entries) {
    for (const rule of entry.paths) {
      const whole = hostOwner.get(rule.host);
      if (whole) problems.push(`${entry.id}: path host "${rule.host}" is a whole entry ("${whole}") already`);
    }
  }
  return problems;
}

/**
 * The compiled index with the organization's entries merged in: each new entry is appended as
 * a tool (risk from its category alone: it has no sourced facts), an entry that `extends` a
 * catalogued tool adds its hosts to that tool's position. Entries must have passed
 * `organizationProblems`; the index passed in is not changed.
 */
export function mergeOrganizationEntries(
  index: CompiledIndex,
  entries: OrganizationEntry[],
  catalog: Pick<Catalog, "categories">,
): CompiledIndex {
  if (entries.length === 0) return index;
  const merged: CompiledIndex = {
    ...index,
    tools: [...index.tools],
    hosts: { ...index.hosts },
    kinds: { ...(index.kinds ?? {}) },
    paths: { ...index.paths },
    extensions: Object.fromEntries(STORES.map((store) => [store, { ...(index.extensions?.[store] ?? {}) }])),
  };
  const positionOf = new Map(index.tools.map((tool, position) => [tool.id, position]));
  const categories = new Map(catalog.categories.map((category) => [category.id, category]));
  for (const entry of entries) {
    let position = entry.extends ? positionOf.get(entry.extends) : undefined;
    if (position === undefined) {
      const category = categories.get(entry.category);
      if (!category) continue;
      const home = homeOf(entry);
      const vendor = { id: "organization", name: entry.vendor, website: home };
      const asTool = { ...entry, vendor: vendor.id, description: entry.name, hosts: [], examples: [home] };
      const { score, level } = assessRisk(asTool, category, vendor);
      const tool: CompiledTool = {
        id: entry.id,
        name: entry.name,
        category: entry.category,
        vendor: entry.vendor,
        home: homeOf(entry),
        risk: score,
        level,
      };
      if (entry.extensions) tool.kind = "extension";
      position = merged.tools.length;
      merged.tools.push(tool);
      positionOf.set(entry.id, position);
    }
    for (const host of entry.hosts) merged.hosts[host] = position;
    for (const host of entry.apiHosts) {
      merged.hosts[host] = position;
      (merged.kinds as Record<string, "api" | "docs">)[host] = "api";
    }
    for (const rule of entry.paths) {
      const rules = [...(merged.paths[rule.host] ?? []), [rule.prefix, position] as [string, number]];
      merged.paths[rule.host] = rules.sort((a, b) => b[0].length - a[0].length);
    }
    for (const store of STORES) {
      for (const id of entry.extensions?.[store] ?? []) {
        (merged.extensions?.[store] as Record<string, number>)[id] = position;
      }
    }
  }
  return merged;
}

/** Where an entry starts: its first web host, API host or path, or its store listing. */
function homeOf(entry: OrganizationEntry): string {
  const host = entry.hosts[0] ?? entry.paths[0]?.host ?? entry.apiHosts[0];
  if (host) return `https://${host}${entry.hosts[0] ? "" : (entry.paths[0]?.prefix ?? "")}/`;
  const chrome = entry.extensions?.chrome?.[0];
  if (chrome) return `https://chromewebstore.google.com/detail/${chrome}`;
  const edge = entry.extensions?.edge?.[0];
  if (edge) return `https://microsoftedge.microsoft.com/addons/detail/${edge}`;
  return "https://addons.mozilla.org/firefox/";
}
