/**
 * The compiled catalog the worker and the extension use, bundled into the lazily loaded views
 * that need every tool (the review form's alternatives, the policy editor and its preview).
 * Only `tools` is imported, so the host tables stay out of the bundle.
 */
import { tools as compiledTools } from "../../../policies/dist/index.json";
import type { CompiledTool } from "../../../shared/catalog/compile";

export const catalogTools = compiledTools as unknown as CompiledTool[];
export const catalogById = new Map(catalogTools.map((tool) => [tool.id, tool]));
export const catalogCategories = [...new Set(catalogTools.map((tool) => tool.category))].sort();
export const toolsByName = [...catalogTools].sort((a, b) => a.name.localeCompare(b.name));
