/**
 * `npm run bench:extension`: the size of what the browser loads, against the budgets.
 *
 * Reuses `.output/chrome-mv3` when it is newer than every source it is built from; otherwise
 * builds the Chrome extension into a temporary directory (so a dev server or an end-to-end run
 * reading `.output` is not disturbed). The content script, the guard's content script and the
 * background service worker are found through the built manifest, so renamed files are still
 * measured, and the nudge's UI is the file the background injects into a page that gets a
 * nudge. Prints a table,
 * every figure with its target, then one JSON line; exits non-zero when a budget is missed
 * (`npm test` holds the same budgets on the build it makes: test/deploy/budgets.test.ts).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { BUDGETS } from "../../shared/limits";
import { extensionParts, newest, ROOT, SOURCES } from "../support/builds";
import { printTable } from "../support/table";
import { describeTarget, met, type Target } from "./support";

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const result = spawnSync(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} failed:\n${result.stdout}${result.stderr}`);
  }
}

/** The built Chrome extension to measure, and a way to clean up after it. */
function chromeBuild(): { dir: string; origin: string; cleanup: () => void } {
  const manifest = join(ROOT, ".output/chrome-mv3/manifest.json");
  const index = join(ROOT, "policies/dist/index.json");
  const policiesFresh = existsSync(index) && statSync(index).mtimeMs > newest([...SOURCES.policies]);
  if (policiesFresh && existsSync(manifest) && statSync(manifest).mtimeMs > newest([...SOURCES.extension])) {
    return { dir: join(ROOT, ".output/chrome-mv3"), origin: "reused .output/chrome-mv3", cleanup: () => {} };
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

const build = chromeBuild();
try {
  const { content, guard, background, ui, guardUi } = extensionParts(build.dir);
  if (!ui) throw new Error("the Chrome build has no nudge UI file");
  if (!guardUi) throw new Error("the Chrome build has no guard UI file");
  const where = build.dir.startsWith(ROOT) ? relative(ROOT, build.dir) : build.dir;
  console.log(`extension bench: Chrome MV3 build (${build.origin}) at ${where}`);
  // The guard has a listener of its own on every catalog page, and its UI comes with a first paste.
  const targets: Target[] = [
    { name: "content script", value: content.bytes, kind: "max", limit: BUDGETS.contentScriptBytes, unit: "bytes" },
    {
      name: "guard listener",
      value: guard.bytes,
      kind: "max",
      limit: BUDGETS.guardListenerBytes,
      unit: "bytes",
    },
    { name: "background", value: background.bytes, kind: "max", limit: BUDGETS.backgroundBytes, unit: "bytes" },
    { name: "nudge UI (nudged pages only)", value: ui.bytes, kind: "max", limit: BUDGETS.nudgeUiBytes, unit: "bytes" },
    { name: "guard UI (first paste)", value: guardUi.bytes, kind: "max", limit: BUDGETS.guardUiBytes, unit: "bytes" },
  ];
  printTable(
    [
      ["part", "files", "bytes", "gzipped", "budget", ""],
      ...[content, guard, background, ui, guardUi].map((part, i) => [
        part.name,
        part.files.join(" "),
        String(part.bytes),
        String(part.gzipBytes),
        String((targets[i] as Target).limit),
        met(targets[i] as Target) ? "met" : "MISSED",
      ]),
    ],
    2,
  );
  for (const target of targets) console.log(describeTarget(target));
  console.log("budgets apply to the uncompressed bytes the browser parses; gzip shows what the store download costs");
  const allMet = targets.every(met);
  console.log(
    JSON.stringify({
      bench: "extension",
      contentScriptBytes: content.bytes,
      contentScriptGzipBytes: content.gzipBytes,
      guardListenerBytes: guard.bytes,
      guardListenerGzipBytes: guard.gzipBytes,
      guardUiBytes: guardUi.bytes,
      guardUiGzipBytes: guardUi.gzipBytes,
      backgroundBytes: background.bytes,
      backgroundGzipBytes: background.gzipBytes,
      nudgeUiBytes: ui.bytes,
      nudgeUiGzipBytes: ui.gzipBytes,
      budgets: {
        contentScriptBytes: BUDGETS.contentScriptBytes,
        guardListenerBytes: BUDGETS.guardListenerBytes,
        guardUiBytes: BUDGETS.guardUiBytes,
        backgroundBytes: BUDGETS.backgroundBytes,
        nudgeUiBytes: BUDGETS.nudgeUiBytes,
      },
      allTargetsMet: allMet,
    }),
  );
  if (!allMet) process.exitCode = 1;
} finally {
  build.cleanup();
}
