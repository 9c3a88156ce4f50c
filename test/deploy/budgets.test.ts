import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUDGETS } from "../../shared/limits";
import { dashboardInitialJs, extensionParts, newest, ROOT, SOURCES } from "../support/builds";

/*
 * The size budgets of shared/limits.ts as gates: measured on the build `npm test` makes just
 * before it runs the tests (`npm run build`). A build older than its sources is refused, so a
 * budget is never checked against yesterday's output. Time budgets stay in `npm run bench`,
 * whose figures depend on the machine.
 */

/** Fails with the reason when `built` is missing or older than what it is built from. */
function fresh(built: string, sources: readonly string[]): string {
  const path = join(ROOT, built);
  if (!existsSync(path)) throw new Error(`${built} is missing: run \`npm run build\` (npm test does)`);
  const changed = newest([...sources]);
  if (statSync(path).mtimeMs < changed) {
    throw new Error(`${built} is older than its sources: run \`npm run build\` (npm test does)`);
  }
  return path;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

describe("size budgets, on the build just made", () => {
  for (const build of ["chrome-mv3", "firefox-mv2"]) {
    it(`${build}: the content script, the nudge's UI, the guard's listener and UI, and the background`, () => {
      fresh(`.output/${build}/manifest.json`, SOURCES.extension);
      const { content, guard, background, ui, guardUi } = extensionParts(join(ROOT, ".output", build));
      if (build === "chrome-mv3") {
        // Chromium gets the nudge's UI injected only where a nudge is due, and the guard's
        // detectors and warning only on a page's first paste: budgets of their own.
        if (!ui) throw new Error("the Chrome build has no nudge UI file");
        if (!guardUi) throw new Error("the Chrome build has no guard UI file");
        expect(ui.bytes, `nudge UI ${kb(ui.bytes)}`).toBeLessThanOrEqual(BUDGETS.nudgeUiBytes);
        expect(guardUi.bytes, `guard UI ${kb(guardUi.bytes)}`).toBeLessThanOrEqual(BUDGETS.guardUiBytes);
      }
      // Firefox names no document to inject into later, so its content scripts carry the UIs.
      const contentBudget = ui ? BUDGETS.contentScriptBytes : BUDGETS.contentScriptBytes + BUDGETS.nudgeUiBytes;
      const guardBudget = guardUi ? BUDGETS.guardListenerBytes : BUDGETS.guardListenerBytes + BUDGETS.guardUiBytes;
      expect(content.bytes, `content script ${kb(content.bytes)}`).toBeLessThanOrEqual(contentBudget);
      expect(guard.bytes, `guard content script ${kb(guard.bytes)}`).toBeLessThanOrEqual(guardBudget);
      expect(background.bytes, `background ${kb(background.bytes)}`).toBeLessThanOrEqual(BUDGETS.backgroundBytes);
    });
  }

  it("the compiled catalog index", () => {
    const index = fresh("policies/dist/index.json", SOURCES.policies);
    const bytes = statSync(index).size;
    expect(bytes, `index ${kb(bytes)}`).toBeLessThanOrEqual(BUDGETS.compiledIndexBytes);
  });

  it("the JavaScript the dashboard loads before it first renders, gzipped", () => {
    fresh("worker/dashboard/dist/index.html", SOURCES.dashboard);
    const { gzipBytes, initial } = dashboardInitialJs(join(ROOT, "worker/dashboard/dist"));
    expect(initial.length).toBeGreaterThan(0);
    expect(gzipBytes, `initial JS ${kb(gzipBytes)} gzip`).toBeLessThanOrEqual(BUDGETS.dashboardInitialJsGzipBytes);
  });
});
