import indexJson from "../../policies/dist/index.json";
import type { CompiledIndex, CompiledTool } from "../../shared/catalog/compile";
import { createMatcher } from "../../shared/catalog/matcher";

/** The catalog compiled at build time; only the background loads it. */
export const compiledIndex = indexJson as unknown as CompiledIndex;
export const matcher = createMatcher(compiledIndex);
export const toolsById = new Map<string, CompiledTool>(compiledIndex.tools.map((tool) => [tool.id, tool]));

/** Every hostname and path rule of a tool, for block rules. */
export function toolHosts(toolId: string): { hosts: string[]; paths: Array<[string, string]> } {
  const position = compiledIndex.tools.findIndex((tool) => tool.id === toolId);
  const hosts = Object.entries(compiledIndex.hosts)
    .filter(([, p]) => p === position)
    .map(([host]) => host);
  const paths: Array<[string, string]> = [];
  for (const [host, rules] of Object.entries(compiledIndex.paths)) {
    for (const [prefix, p] of rules) if (p === position) paths.push([host, prefix]);
  }
  return { hosts, paths };
}
