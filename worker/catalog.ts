import catalogJson from "../policies/dist/catalog.json";
import defaultPolicyJson from "../policies/dist/default-policy.json";
import indexJson from "../policies/dist/index.json";
import type { CompiledIndex, CompiledTool } from "../shared/catalog/compile";
import type { Catalog, Tool } from "../shared/catalog/schema";
import type { Policy } from "../shared/policy/schema";

/** The catalog and default policy compiled by `policies/build.ts`, bundled into the worker. */
export const compiledIndex = indexJson as unknown as CompiledIndex;
export const catalog = catalogJson as unknown as Catalog;
export const defaultPolicy = defaultPolicyJson as unknown as Policy;

export const toolsById = new Map<string, CompiledTool>(compiledIndex.tools.map((tool) => [tool.id, tool]));
export const catalogToolsById = new Map<string, Tool>(catalog.tools.map((tool) => [tool.id, tool]));
