/**
 * `npm run bench:dashboard`: the JavaScript the dashboard loads before its first render, gzipped,
 * against BUDGETS.dashboardInitialJsGzipBytes.
 *
 * Builds the dashboard (skip with `--no-build`), reads dist/index.html for the entry script and
 * any modulepreload links, then follows the static imports of those chunks (`import ... from`,
 * `export ... from`; never `import()`, which is what lazy views use) to the full initial set.
 * Prints every initial file, the lazy chunks for context, then one JSON line. Exits non-zero
 * when the initial set is over budget: the figure is deterministic, so no flag is needed.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { BUDGETS } from "../../shared/limits";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DASHBOARD = join(ROOT, "worker/dashboard");
const DIST = join(DASHBOARD, "dist");

if (!process.argv.includes("--no-build")) {
  const { build } = await import("vite");
  await build({ configFile: join(DASHBOARD, "vite.config.ts"), logLevel: "warn" });
}

const html = readFileSync(join(DIST, "index.html"), "utf8");
const attribute = (tag: string, name: string) => new RegExp(`\\b${name}=["']([^"']+)["']`).exec(tag)?.[1] ?? null;
const entries = new Set<string>();
for (const tag of html.match(/<script\b[^>]*>/g) ?? []) {
  const src = attribute(tag, "src");
  if (src && /type=["']module["']/.test(tag)) entries.add(src);
}
for (const tag of html.match(/<link\b[^>]*>/g) ?? []) {
  const href = attribute(tag, "href");
  if (href && /rel=["']modulepreload["']/.test(tag)) entries.add(href);
}
if (entries.size === 0) throw new Error("dist/index.html names no module script");

// Static imports in minified output: `import{a as b}from"./x.js"`, `import"./x.js"`,
// `export{c}from"./x.js"`. A dynamic `import("./x.js")` has a parenthesis and does not match.
const STATIC_IMPORT = /\b(?:import|export)\s*(?:[\w$*{},\s]*?\s*from\s*)?["']([^"'()]+\.js)["']/g;

/** A URL path as served ("/assets/x.js") to a file under dist. */
const fileOf = (url: string) => join(DIST, url.replace(/^\//, ""));

const initial = new Map<string, number>();
const queue = [...entries].map((url) => posix.normalize(url));
while (queue.length > 0) {
  const url = queue.shift() as string;
  if (initial.has(url)) continue;
  const code = readFileSync(fileOf(url));
  initial.set(url, code.length);
  for (const match of code.toString("utf8").matchAll(STATIC_IMPORT)) {
    const target = match[1] as string;
    if (target.startsWith(".")) queue.push(posix.join(posix.dirname(url), target));
    else if (target.startsWith("/")) queue.push(target);
  }
}

const gzip = (url: string) => gzipSync(readFileSync(fileOf(url))).length;
const rows = [...initial.keys()].map((url) => ({ file: url, bytes: initial.get(url) as number, gzip: gzip(url) }));
const total = rows.reduce((sum, row) => sum + row.gzip, 0);
const budget = BUDGETS.dashboardInitialJsGzipBytes;

const lazy = readdirSync(join(DIST, "assets"))
  .filter((name) => name.endsWith(".js") && !initial.has(`/assets/${name}`))
  .map((name) => ({ file: `/assets/${name}`, gzip: gzip(`/assets/${name}`) }))
  .sort((a, b) => b.gzip - a.gzip);

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
console.log("Dashboard: JavaScript loaded before the first render");
for (const row of rows) console.log(`  ${row.file.padEnd(40)} ${kb(row.bytes).padStart(10)}  gzip ${kb(row.gzip)}`);
console.log(`  ${"total (gzip)".padEnd(40)} ${kb(total).padStart(21)}  budget ${kb(budget)}`);
console.log("Loaded later, on first visit of a view (gzip):");
for (const chunk of lazy) console.log(`  ${chunk.file.padEnd(40)} ${kb(chunk.gzip).padStart(21)}`);

const ok = total <= budget;
if (!ok) console.error(`over budget by ${kb(total - budget)}`);
console.log(
  JSON.stringify({
    bench: "dashboard",
    initialJsGzipBytes: total,
    budgetBytes: budget,
    ok,
    initialFiles: rows.length,
    lazyJsGzipBytes: lazy.reduce((sum, chunk) => sum + chunk.gzip, 0),
  }),
);
process.exitCode = ok ? 0 : 1;
