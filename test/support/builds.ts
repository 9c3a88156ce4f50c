/**
 * Measuring what the build made, for the size budgets (BUDGETS in shared/limits.ts): the
 * extension's content script and background, the compiled catalog index, the JavaScript the
 * dashboard loads before its first render. Used by the budget test in `npm test` (on the build
 * it just made) and by the size benchmarks, so both measure the same way.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { GUARD_UI_FILE, NUDGE_UI_FILE } from "../../extension/lib/files";

const UI_FILE = NUDGE_UI_FILE.replace(/^\//, "");
const GUARD_UI = GUARD_UI_FILE.replace(/^\//, "");

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The newest modification time under `paths` (files and folders, recursively), 0 when none exist. */
export function newest(paths: string[]): number {
  const walk = (path: string): number => {
    if (!existsSync(path)) return 0;
    const stat = statSync(path);
    if (!stat.isDirectory()) return stat.mtimeMs;
    return readdirSync(path).reduce((latest, name) => Math.max(latest, walk(join(path, name))), stat.mtimeMs);
  };
  return Math.max(0, ...paths.map((path) => walk(join(ROOT, path))));
}

/** What each build is made from: a source newer than the build makes it stale. */
export const SOURCES = {
  policies: ["policies/tools", "policies/vendors", "policies/categories", "policies/default-policy.json"],
  extension: [
    "extension",
    "shared",
    "policies/dist/index.json",
    "policies/dist/patterns.json",
    "policies/dist/default-policy.json",
    "wxt.config.ts",
  ],
  dashboard: ["worker/dashboard/src", "worker/dashboard/index.html", "worker/dashboard/vite.config.ts", "shared"],
} as const;

export interface Part {
  name: string;
  files: string[];
  bytes: number;
  gzipBytes: number;
}

function measure(dir: string, name: string, files: string[]): Part {
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    const content = readFileSync(join(dir, file));
    bytes += content.length;
    gzipBytes += gzipSync(content, { level: 9 }).length;
  }
  return { name, files, bytes, gzipBytes };
}

/**
 * The content script (with its CSS), the sensitive-data guard's content script (a budget of its
 * own) and the background of a built extension, found through its manifest, and what the
 * background injects into pages later (Chromium builds only: null when the build has none):
 * the nudge's UI into a page that gets a nudge, the guard's detectors and warning into a page
 * on its first paste, drop or file choice.
 */
export function extensionParts(dir: string): {
  content: Part;
  guard: Part;
  background: Part;
  ui: Part | null;
  guardUi: Part | null;
} {
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as {
    background?: { service_worker?: string; scripts?: string[] };
    content_scripts?: Array<{ js?: string[]; css?: string[] }>;
  };
  // The build may list both scripts in one manifest entry (same pages, same timing): the
  // guard's files are told apart by their name.
  const scriptFiles = [
    ...new Set((manifest.content_scripts ?? []).flatMap((script) => [...(script.js ?? []), ...(script.css ?? [])])),
  ];
  const isGuard = (file: string) => file.split("/").at(-1)?.startsWith("guard") ?? false;
  const contentFiles = scriptFiles.filter((file) => !isGuard(file));
  const guardFiles = scriptFiles.filter(isGuard);
  const backgroundFiles = manifest.background?.service_worker
    ? [manifest.background.service_worker]
    : (manifest.background?.scripts ?? []);
  if (contentFiles.length === 0 || guardFiles.length === 0 || backgroundFiles.length === 0) {
    throw new Error(`${dir}: the manifest names no content script, guard content script or background`);
  }
  return {
    content: measure(dir, "content script", contentFiles),
    guard: measure(dir, "guard content script", guardFiles),
    background: measure(dir, "background", backgroundFiles),
    ui: existsSync(join(dir, UI_FILE)) ? measure(dir, "nudge UI (nudged pages only)", [UI_FILE]) : null,
    guardUi: existsSync(join(dir, GUARD_UI)) ? measure(dir, "guard UI (on a page's first paste)", [GUARD_UI]) : null,
  };
}

// Static imports in minified output: `import{a as b}from"./x.js"`, `import"./x.js"`,
// `export{c}from"./x.js"`. A dynamic `import("./x.js")` has a parenthesis and does not match.
const STATIC_IMPORT = /\b(?:import|export)\s*(?:[\w$*{},\s]*?\s*from\s*)?["']([^"'()]+\.js)["']/g;

/**
 * The JavaScript a built dashboard (`dist`) loads before it first renders: the entry scripts and
 * modulepreloads of index.html and everything they import statically (lazy views use
 * `import()`, which is not followed). Also the lazy chunks, for context.
 */
export function dashboardInitialJs(dist: string): {
  initial: Array<{ file: string; bytes: number; gzip: number }>;
  lazy: Array<{ file: string; gzip: number }>;
  gzipBytes: number;
} {
  const html = readFileSync(join(dist, "index.html"), "utf8");
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
  if (entries.size === 0) throw new Error(`${dist}/index.html names no module script`);
  const fileOf = (url: string) => join(dist, url.replace(/^\//, ""));
  const seen = new Map<string, number>();
  const queue = [...entries].map((url) => posix.normalize(url));
  while (queue.length > 0) {
    const url = queue.shift() as string;
    if (seen.has(url)) continue;
    const code = readFileSync(fileOf(url));
    seen.set(url, code.length);
    for (const match of code.toString("utf8").matchAll(STATIC_IMPORT)) {
      const target = match[1] as string;
      if (target.startsWith(".")) queue.push(posix.join(posix.dirname(url), target));
      else if (target.startsWith("/")) queue.push(target);
    }
  }
  const gzip = (url: string) => gzipSync(readFileSync(fileOf(url))).length;
  const initial = [...seen].map(([file, bytes]) => ({ file, bytes, gzip: gzip(file) }));
  const lazy = readdirSync(join(dist, "assets"))
    .filter((name) => name.endsWith(".js") && !seen.has(`/assets/${name}`))
    .map((name) => ({ file: `/assets/${name}`, gzip: gzip(`/assets/${name}`) }))
    .sort((a, b) => b.gzip - a.gzip);
  return { initial, lazy, gzipBytes: initial.reduce((sum, row) => sum + row.gzip, 0) };
}
