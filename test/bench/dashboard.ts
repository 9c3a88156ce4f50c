/**
 * `npm run bench:dashboard`: the JavaScript the dashboard loads before its first render, gzipped,
 * against BUDGETS.dashboardInitialJsGzipBytes.
 *
 * Builds the dashboard (skip with `--no-build`), then measures the initial set as
 * test/support/builds.ts defines it (the entry, its modulepreloads and their static imports;
 * lazy views come later through `import()`). Prints every initial file, the lazy chunks for
 * context, the figure with its target, then one JSON line; exits non-zero when over budget.
 */
import { join } from "node:path";
import { BUDGETS } from "../../shared/limits";
import { dashboardInitialJs, ROOT } from "../support/builds";
import { describeTarget, met, type Target } from "./support";

const DASHBOARD = join(ROOT, "worker/dashboard");

if (!process.argv.includes("--no-build")) {
  const { build } = await import("vite");
  await build({ configFile: join(DASHBOARD, "vite.config.ts"), logLevel: "warn" });
}

const { initial, lazy, gzipBytes } = dashboardInitialJs(join(DASHBOARD, "dist"));
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
console.log("Dashboard: JavaScript loaded before the first render");
for (const row of initial) console.log(`  ${row.file.padEnd(40)} ${kb(row.bytes).padStart(10)}  gzip ${kb(row.gzip)}`);
console.log("Loaded later, on first visit of a view (gzip):");
for (const chunk of lazy) console.log(`  ${chunk.file.padEnd(40)} ${kb(chunk.gzip).padStart(21)}`);
const target: Target = {
  name: "initial JavaScript (gzip)",
  value: gzipBytes,
  kind: "max",
  limit: BUDGETS.dashboardInitialJsGzipBytes,
  unit: "bytes",
};
console.log(describeTarget(target));
console.log(
  JSON.stringify({
    bench: "dashboard",
    initialJsGzipBytes: gzipBytes,
    budgetBytes: BUDGETS.dashboardInitialJsGzipBytes,
    ok: met(target),
    initialFiles: initial.length,
    lazyJsGzipBytes: lazy.reduce((sum, chunk) => sum + chunk.gzip, 0),
  }),
);
process.exitCode = met(target) ? 0 : 1;
