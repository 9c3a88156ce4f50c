import indexJson from "../../policies/dist/index.json";
import type { CompiledIndex, CompiledTool } from "../../shared/catalog/compile";
import { createMatcher, type Matcher } from "../../shared/catalog/matcher";
import { mergeOrganizationEntries, type OrganizationEntry } from "../../shared/catalog/organization";
import type { Category } from "../../shared/catalog/schema";

/*
 * The catalog in force in the background: the one the organization's server publishes
 * (GET /api/v1/catalog, validated, kept in storage.local) or, until there is one, the copy
 * bundled at build time. The server's wins, because the server refuses counts for tools it
 * does not know. Hosts beyond the bundled copy are classified, but the browser injects the
 * content script only on the bundled copy's patterns, so their nudges come with a release.
 */

export interface CatalogInForce {
  index: CompiledIndex;
  matcher: Matcher;
  toolsById: Map<string, CompiledTool>;
  source: "bundled" | "server";
}

// The categories only, for the risk of the organization's own entries (a few KB, not the catalog).
const categories = Object.values(
  import.meta.glob<Category>("../../policies/categories/*.json", { eager: true, import: "default" }),
);

/** The organization's own entries, delivered with the policy, merged into whichever index is in force. */
let organization: OrganizationEntry[] = [];
let base: { index: CompiledIndex; source: CatalogInForce["source"] } | null = null;

/** The matcher and the tools by id are built on first use: start-up needs only the index. */
function build(plain: CompiledIndex, source: CatalogInForce["source"]): CatalogInForce {
  const index = mergeOrganizationEntries(plain, organization, { categories });
  let matcher: Matcher | null = null;
  let toolsById: Map<string, CompiledTool> | null = null;
  return {
    index,
    get matcher() {
      matcher ??= createMatcher(index);
      return matcher;
    },
    get toolsById() {
      toolsById ??= new Map(index.tools.map((tool) => [tool.id, tool]));
      return toolsById;
    },
    source,
  };
}

export const bundledIndex = indexJson as unknown as CompiledIndex;
/**
 * Built when first asked for, and again only after a change: a service worker that starts with
 * a stored server catalog puts that in force before its first decision, and never builds the
 * bundled copy's matcher at all.
 */
let current: CatalogInForce | null = null;

export function catalog(): CatalogInForce {
  current ??= build(base?.index ?? bundledIndex, base?.source ?? "bundled");
  return current;
}

let loading: Promise<unknown> = Promise.resolve();

/** Marks a catalog being put in force (the stored one, read at start-up) until `pending` settles. */
export function loadingCatalog(pending: Promise<unknown>): void {
  loading = pending.catch(() => undefined);
}

/** The catalog in force once any catalog being loaded is: what a decision must use. */
export async function catalogReady(): Promise<CatalogInForce> {
  await loading;
  return catalog();
}

/** Puts a validated index in force. */
export function useCatalog(index: CompiledIndex, source: CatalogInForce["source"]): void {
  base = { index, source };
  current = null;
}

/** Puts the organization's entries (from the policy in force) into the catalog in force. */
export function useOrganizationEntries(entries: OrganizationEntry[]): void {
  if (JSON.stringify(entries) === JSON.stringify(organization)) return;
  organization = entries;
  current = null;
}

/** Every hostname, path rule and query rule of a tool, for block rules. */
export function toolHosts(toolId: string): {
  hosts: string[];
  paths: Array<[string, string]>;
  queries: Array<[string, string, string, string]>;
} {
  const { index } = catalog();
  const position = index.tools.findIndex((tool) => tool.id === toolId);
  const hosts = Object.entries(index.hosts)
    .filter(([, p]) => p === position)
    .map(([host]) => host);
  const paths: Array<[string, string]> = [];
  for (const [host, rules] of Object.entries(index.paths)) {
    for (const [prefix, p] of rules) if (p === position) paths.push([host, prefix]);
  }
  const queries: Array<[string, string, string, string]> = [];
  for (const [host, rules] of Object.entries(index.queries ?? {})) {
    for (const [path, param, value, p] of rules) if (p === position) queries.push([host, path, param, value]);
  }
  return { hosts, paths, queries };
}
