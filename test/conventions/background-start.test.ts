import { existsSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/*
 * What the background's service worker evaluates at every start (the browser stops it after
 * 30 s idle and starts it again, often for a navigation that needs a nudge decision at once):
 * the modules it imports statically. The schemas of what the server answers are built only
 * when an answer is checked (extension/lib/wire.ts imports them dynamically, and the bundler
 * wraps them to be evaluated then): no module the background reaches statically may import
 * them with a value import, or they are built at every start again.
 */

const ROOT = join(dirname(new URL(import.meta.url).pathname), "../..");
const ENTRY = "extension/entrypoints/background.ts";
/** Modules built only when the server's answer is checked. */
const LAZY = ["shared/protocol.ts", "shared/policy/schema.ts", "shared/lessons/schema.ts", "shared/refusals.ts"];

function resolve(from: string, specifier: string): string | null {
  const base = normalize(join(dirname(from), specifier));
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts"), join(base, "index.tsx")]) {
    if (/\.tsx?$/.test(candidate) && existsSync(join(ROOT, candidate))) return candidate;
  }
  return null;
}

/** Relative modules a file imports for their values: type-only imports and `import()` are left out. */
function valueImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(join(ROOT, file), "utf8"), ts.ScriptTarget.Latest);
  const found: string[] = [];
  for (const statement of source.statements) {
    let specifier: ts.Expression | undefined;
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      const bindings = clause?.namedBindings;
      const onlyTypes =
        clause?.isTypeOnly ||
        (clause &&
          !clause.name &&
          bindings &&
          ts.isNamedImports(bindings) &&
          bindings.elements.every((e) => e.isTypeOnly));
      if (!onlyTypes) specifier = statement.moduleSpecifier;
    } else if (ts.isExportDeclaration(statement) && !statement.isTypeOnly) {
      specifier = statement.moduleSpecifier;
    }
    if (specifier && ts.isStringLiteral(specifier) && specifier.text.startsWith(".")) {
      const target = resolve(file, specifier.text);
      if (target) found.push(target);
    }
  }
  return found;
}

/** Every module reached from `entry` by value imports, with the chain that reached it. */
function reached(entry: string): Map<string, string[]> {
  const chains = new Map<string, string[]>([[entry, [entry]]]);
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    for (const target of valueImports(file)) {
      if (chains.has(target)) continue;
      chains.set(target, [...(chains.get(file) ?? []), target]);
      queue.push(target);
    }
  }
  return chains;
}

describe("what the background evaluates at every start", () => {
  const chains = reached(ENTRY);

  it("reaches the background's modules (the walk itself works)", () => {
    expect(chains.has("extension/background/router.ts")).toBe(true);
    expect(chains.has("extension/lib/wire.ts")).toBe(true);
    expect(chains.size).toBeGreaterThan(40);
  });

  it("does not build the schemas of the server's answers", () => {
    const eager = LAZY.filter((file) => chains.has(file)).map((file) => (chains.get(file) ?? []).join(" -> "));
    expect(eager).toEqual([]);
  });
});
