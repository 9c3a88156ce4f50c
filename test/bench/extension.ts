/**
 * `npm run bench:extension`: the size of what the browser loads, against the budgets.
 *
 * Reuses `.output/chrome-mv3` when it is newer than every source it is built from; otherwise
 * builds the Chrome extension into a temporary directory (so a dev server or an end-to-end run
 * reading `.output` is not disturbed). The content script and the background service worker
 * are found through the built manifest, so renamed files are still measured; the nudge's UI
 * is the file the background injects into a page that gets a nudge. Prints a table,
 * then one JSON line. Exits non-zero only when the build fails; with `--strict` also when a
 * budget is missed.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { NUDGE_UI_FILE } from "../../extension/lib/files";
import { BUDGETS } from "../../shared/limits";
import { printTable } from "../support/table";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const STRICT = process.argv.includes("--strict");
/** What the Chrome build is made from: a change to any of these makes a build stale. */
const SOURCES = [
  "extension",
  "shared",
  "policies/dist/index.json",
  "policies/dist/patterns.json",
  "policies/dist/default-policy.json",
  "wxt.config.ts",
  "package-lock.json",
];
/** What the policy build is made from, to know whether policies/dist itself is stale. */
const POLICY_SOURCES = ["policies/tools", "policies/vendors", "policies/categories", "policies/default-policy.json"];

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const name of readdirSync(path)) latest = Math.max(latest, newest(join(path, name)));
  return latest;
}

function newestOf(paths: string[]): number {
  return Math.max(...paths.map((path) => newest(join(ROOT, path))));
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const result = spawnSync(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed:\n${result.stdout}${result.stderr}`);
  }
}

/** The built Chrome extension to measure, and a way to clean up after it. */
function chromeBuild(): { dir: string; origin: string; cleanup: () => void } {
  const existing = join(ROOT, ".output/chrome-mv3");
  const manifest = join(existing, "manifest.json");
  const index = join(ROOT, "policies/dist/index.json");
  const policiesFresh = existsSync(index) && statSync(index).mtimeMs > newestOf(POLICY_SOURCES);
  if (policiesFresh && existsSync(manifest) && statSync(manifest).mtimeMs > newestOf(SOURCES)) {
    return { dir: existing, origin: "reused .output/chrome-mv3", cleanup: () => {} };
  }
  if (!policiesFresh) run("npm", ["run", "--silent", "build:policies"]);
  const out = mkdtempSync(join(tmpdir(), "shadowlight-bench-"));
  const started = performance.now();
  run("npx", ["wxt", "build"], { ...process.env, SHADOWLIGHT_OUT_DIR: out });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  return {
    dir: join(out, "chrome-mv3"),
    origin: `built in ${seconds} s`,
    cleanup: () => rmSync(out, { recursive: true, force: true }),
  };
}

interface Part {
  name: string;
  files: string[];
  bytes: number;
  gzipBytes: number;
  budget: number;
}

function measure(dir: string, name: string, files: string[], budget: number): Part {
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    const content = readFileSync(join(dir, file));
    bytes += content.length;
    gzipBytes += gzipSync(content, { level: 9 }).length;
  }
  return { name, files, bytes, gzipBytes, budget };
}

function main(): void {
  const build = chromeBuild();
  try {
    const manifest = JSON.parse(readFileSync(join(build.dir, "manifest.json"), "utf8")) as {
      background?: { service_worker?: string };
      content_scripts?: Array<{ js?: string[]; css?: string[] }>;
    };
    // The guard has a content script of its own, with a budget of its own. Scripts with the same
    // matches share one manifest entry, so they are told apart by file.
    const filesOf = (guard: boolean) => [
      ...new Set(
        (manifest.content_scripts ?? [])
          .flatMap((script) => [...(script.js ?? []), ...(script.css ?? [])])
          .filter((file) => file.includes("/guard") === guard),
      ),
    ];
    const contentFiles = filesOf(false);
    const guardFiles = filesOf(true);
    const backgroundFile = manifest.background?.service_worker;
    if (contentFiles.length === 0 || guardFiles.length === 0 || !backgroundFile)
      throw new Error("the manifest names no content script, guard content script or background");
    const uiFile = NUDGE_UI_FILE.replace(/^\//, "");
    if (!existsSync(join(build.dir, uiFile))) throw new Error(`the build has no ${uiFile}`);
    const parts = [
      measure(build.dir, "content script", contentFiles, BUDGETS.contentScriptBytes),
      measure(build.dir, "guard content script", guardFiles, BUDGETS.guardContentScriptBytes),
      measure(build.dir, "background", [backgroundFile], BUDGETS.backgroundBytes),
      measure(build.dir, "nudge UI (nudged pages only)", [uiFile], BUDGETS.nudgeUiBytes),
    ];

    const where = build.dir.startsWith(ROOT) ? relative(ROOT, build.dir) : build.dir;
    console.log(`extension bench: Chrome MV3 build (${build.origin}) at ${where}`);
    const rows = [
      ["part", "files", "bytes", "gzipped", "budget", ""],
      ...parts.map((part) => [
        part.name,
        part.files.join(" "),
        String(part.bytes),
        String(part.gzipBytes),
        String(part.budget),
        part.bytes <= part.budget ? "met" : `MISSED by ${part.bytes - part.budget}`,
      ]),
    ];
    printTable(rows, 2);
    console.log("budgets apply to the uncompressed bytes the browser parses; gzip shows what the store download costs");

    const [content, guard, background, ui] = parts as [Part, Part, Part, Part];
    const targets = {
      contentScriptBytes: content.bytes <= BUDGETS.contentScriptBytes,
      guardContentScriptBytes: guard.bytes <= BUDGETS.guardContentScriptBytes,
      backgroundBytes: background.bytes <= BUDGETS.backgroundBytes,
      nudgeUiBytes: ui.bytes <= BUDGETS.nudgeUiBytes,
    };
    const allMet = Object.values(targets).every(Boolean);
    console.log(
      JSON.stringify({
        bench: "extension",
        contentScriptBytes: content.bytes,
        contentScriptGzipBytes: content.gzipBytes,
        guardContentScriptBytes: guard.bytes,
        guardContentScriptGzipBytes: guard.gzipBytes,
        backgroundBytes: background.bytes,
        backgroundGzipBytes: background.gzipBytes,
        nudgeUiBytes: ui.bytes,
        nudgeUiGzipBytes: ui.gzipBytes,
        budgets: {
          contentScriptBytes: BUDGETS.contentScriptBytes,
          guardContentScriptBytes: BUDGETS.guardContentScriptBytes,
          backgroundBytes: BUDGETS.backgroundBytes,
          nudgeUiBytes: BUDGETS.nudgeUiBytes,
        },
        targets,
        allTargetsMet: allMet,
      }),
    );
    if (STRICT && !allMet) process.exitCode = 1;
  } finally {
    build.cleanup();
  }
}

main();
