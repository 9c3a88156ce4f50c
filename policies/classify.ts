/**
 * `npm run --silent classify`: reads URLs, one a line, on stdin and writes one JSON object a
 * line: {"url", "tool", "name", "category"}. Blank lines are skipped.
 */
import { createInterface } from "node:readline";
import type { CompiledIndex } from "../shared/catalog/compile";
import { createMatcher } from "../shared/catalog/matcher";
import { buildPolicies } from "./build";

// Compiled from the source files on every run, so the answer always reflects the catalog as
// it is on disk (about a tenth of a second).
const { errors, outputs } = await buildPolicies();
if (errors.length) {
  for (const error of errors) console.error(error);
  process.exit(1);
}
const index = JSON.parse(outputs["index.json"] as string) as CompiledIndex;
const matcher = createMatcher(index);
const out: string[] = [];
for await (const line of createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
  const url = line.trim();
  if (url === "") continue;
  const tool = matcher.classify(url);
  out.push(JSON.stringify({ url, tool: tool?.id ?? null, name: tool?.name ?? null, category: tool?.category ?? null }));
  if (out.length >= 1024) process.stdout.write(`${out.splice(0).join("\n")}\n`);
}
if (out.length) process.stdout.write(`${out.join("\n")}\n`);
