import catalogJson from "../policies/dist/catalog.json";
import defaultPolicyJson from "../policies/dist/default-policy.json";
import indexJson from "../policies/dist/index.json";
import type { CompiledIndex, CompiledTool } from "../shared/catalog/compile";
import type { OrganizationEntry } from "../shared/catalog/organization";
import type { Catalog, Tool } from "../shared/catalog/schema";
import type { InventoryKind } from "../shared/events";
import type { Policy } from "../shared/policy/schema";

/** The catalog and default policy compiled by `policies/build.ts`, bundled into the worker. */
export const compiledIndex = indexJson as unknown as CompiledIndex;
export const catalog = catalogJson as unknown as Catalog;
export const defaultPolicy = defaultPolicyJson as unknown as Policy;

export const toolsById = new Map<string, CompiledTool>(compiledIndex.tools.map((tool) => [tool.id, tool]));
const catalogToolsById = new Map<string, Tool>(catalog.tools.map((tool) => [tool.id, tool]));

/**
 * Every catalog entry as a tool record, for the views that show one: extensions and browsers
 * own no host and take the facts of the tool they belong to when they have none of their own.
 */
export const catalogEntriesById = new Map<string, Tool>([
  ...catalogToolsById,
  ...[...(catalog.extensions ?? []), ...(catalog.browsers ?? [])].map((entry): [string, Tool] => {
    const facts = entry.facts ?? (entry.tool ? catalogToolsById.get(entry.tool)?.facts : undefined);
    const { id, name, vendor, category, description } = entry;
    return [id, { id, name, vendor, category, description, hosts: [], examples: [], ...(facts ? { facts } : {}) }];
  }),
]);

/**
 * How the inventory classes a catalog entry: its own kind, `api` for a tool that only serves
 * an API, else `web`. The organization's entries are looked up in `organization`.
 */
export function inventoryKind(tool: CompiledTool, organization: OrganizationEntry[] = []): InventoryKind {
  if (tool.kind) return tool.kind;
  const source = catalogToolsById.get(tool.id) ?? organization.find((entry) => entry.id === tool.id);
  const queries = source && "queries" in source ? (source.queries?.length ?? 0) : 0;
  const webRules = (source?.hosts.length ?? 0) + (source?.paths?.length ?? 0) + queries;
  return source && webRules === 0 && (source.apiHosts?.length ?? 0) > 0 ? "api" : "web";
}
