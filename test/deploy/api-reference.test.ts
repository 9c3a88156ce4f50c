import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { ROOT } from "../../worker/dev/local";

/*
 * worker/ADMIN-API.md is the reference of every endpoint the worker mounts: each one has its
 * own heading and a curl example, and the reference names no endpoint the worker lacks.
 */
const index = readFileSync(join(ROOT, "worker", "index.ts"), "utf8");
const reference = readFileSync(join(ROOT, "worker", "ADMIN-API.md"), "utf8");

/** Every `METHOD /path` the worker serves, read from its entry and its route modules. */
function endpoints(): string[] {
  const modules = new Map(
    [...index.matchAll(/import \{ (\w+) \} from "\.\/(routes\/[\w/-]+)";/g)].map((m) => [m[1], m[2]] as const),
  );
  const found: string[] = [];
  for (const [, prefix, name] of index.matchAll(/app\.route\("([^"]+)", (\w+)\)/g)) {
    const module = modules.get(name as string);
    if (!module) throw new Error(`worker/index.ts mounts ${name}, imported from no route module`);
    const source = readFileSync(join(ROOT, "worker", `${module}.ts`), "utf8");
    for (const [, method, path] of source.matchAll(/\.(get|post|put|patch|delete)\(\s*"(\/[^"]*)"/g)) {
      const suffix = (path as string).replace(/\{[^}]*\}/g, "").replace(/\/$/, "");
      found.push(`${(method as string).toUpperCase()} ${prefix}${suffix}`);
    }
  }
  return found;
}

it("documents every endpoint with a heading and a curl example", () => {
  const served = endpoints();
  expect(served.length).toBeGreaterThan(20);
  for (const endpoint of served) {
    const heading = reference.indexOf(`### \`${endpoint}`);
    expect(heading, `${endpoint} has no heading in worker/ADMIN-API.md`).toBeGreaterThan(-1);
    const section = reference.slice(heading, reference.indexOf("\n### ", heading + 1));
    expect(section, `${endpoint} has no curl example`).toMatch(/```sh\n[\s\S]*curl /);
  }
});

it("documents no endpoint the worker does not serve", () => {
  const served = new Set(endpoints());
  for (const [, endpoint] of reference.matchAll(/^### `((?:GET|POST|PUT|PATCH|DELETE) \/[^`?]*)/gm)) {
    expect(served.has(endpoint as string), `${endpoint} is documented but not served`).toBe(true);
  }
});
