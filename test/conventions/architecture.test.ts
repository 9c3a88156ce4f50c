import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/*
 * The rules that keep each part of the codebase in its place (the README's map of the code
 * names each part's home), checked on every TypeScript file git knows by the imports the
 * TypeScript compiler itself finds in it (static, dynamic and re-exports):
 *   shared/             imports no other part of the repository, and no browser, Worker or UI library
 *   extension/          never imports the worker (its deploy scripts, which run in Node, may use
 *                       the worker's development helpers)
 *   worker/dashboard/   never imports the worker's database, routes or middleware
 *   worker/db/          never imports routes, middleware or Hono
 *   worker/routes/      holds no SQL: queries live in worker/db/, one module per resource
 */

const ROOT = join(dirname(new URL(import.meta.url).pathname), "../..");
const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: ROOT })
  .toString()
  .split("\n")
  .filter((file) => /\.(?:ts|tsx)$/.test(file) && !file.endsWith(".d.ts") && !file.startsWith("node_modules/"))
  .filter((file) => existsSync(join(ROOT, file)));

/** Every module a file imports: repository paths for relative specifiers, package names otherwise. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles.map(({ fileName }) =>
    fileName.startsWith(".") ? normalize(join(dirname(file), fileName)) : fileName,
  );
}

interface Rule {
  name: string;
  applies: (file: string) => boolean;
  forbidden: (target: string) => boolean;
}

const under = (target: string, ...prefixes: string[]) => prefixes.some((prefix) => target.startsWith(prefix));

const RULES: Rule[] = [
  {
    name: "shared/ imports nothing of the extension, the worker, the policies or the tests",
    applies: (file) => file.startsWith("shared/"),
    forbidden: (target) => under(target, "extension/", "worker/", "policies/", "test/"),
  },
  {
    name: "shared/ uses no browser, Worker or UI library",
    applies: (file) => file.startsWith("shared/"),
    forbidden: (target) =>
      /^(?:wxt|@wxt-dev|webextension-polyfill|hono|drizzle-orm|preact|cloudflare:|uplot)(?:\/|$)/.test(target),
  },
  {
    name: "the extension never imports the worker",
    applies: (file) => file.startsWith("extension/") && !file.startsWith("extension/deploy/"),
    forbidden: (target) => under(target, "worker/"),
  },
  {
    name: "the dashboard never imports the worker's database, routes or middleware",
    applies: (file) => file.startsWith("worker/dashboard/"),
    forbidden: (target) => under(target, "worker/db", "worker/routes", "worker/middleware", "worker/index"),
  },
  {
    name: "the worker's database modules never import routes, middleware or Hono",
    applies: (file) => file.startsWith("worker/db/"),
    forbidden: (target) => under(target, "worker/routes", "worker/middleware") || /^hono(?:\/|$)/.test(target),
  },
  {
    name: "the worker's routes hold no query: they never import the query builder",
    applies: (file) => file.startsWith("worker/routes/"),
    forbidden: (target) => /^drizzle-orm(?:\/|$)/.test(target),
  },
];

describe("the parts of the codebase", () => {
  it("reads the imports of the files it checks", () => {
    expect(files.filter((file) => file.startsWith("shared/")).length).toBeGreaterThan(20);
    expect(files.filter((file) => file.startsWith("worker/db/")).length).toBeGreaterThan(5);
    expect(importsOf("worker/index.ts")).toContain("hono");
    expect(importsOf("worker/index.ts")).toContain("worker/routes/reports");
    // A dynamic import counts too: the dashboard's views are loaded that way.
    expect(importsOf("worker/dashboard/src/main.tsx")).toContain("worker/dashboard/src/views/Overview");
  });

  it("the worker's routes write no SQL of their own", () => {
    const routes = files.filter((file) => file.startsWith("worker/routes/"));
    expect(routes.length).toBeGreaterThan(10);
    const withSql = routes.filter((file) => /\.prepare\(|\bsql`/.test(readFileSync(join(ROOT, file), "utf8")));
    expect(withSql).toEqual([]);
  });

  for (const rule of RULES) {
    it(rule.name, () => {
      const broken = files.filter(rule.applies).flatMap((file) =>
        importsOf(file)
          .filter(rule.forbidden)
          .map((target) => `${file} imports ${target}`),
      );
      expect(broken).toEqual([]);
    });
  }
});
