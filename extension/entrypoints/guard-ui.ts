import { defineUnlistedScript } from "wxt/utils/define-unlisted-script";
import { startGuardEngine } from "../guard/engine";
import { GUARD_ENGINE } from "../lib/messages";

/*
 * The guard's detectors and warning, injected by the background (scripting.executeScript) into
 * a catalog page's isolated world on its first paste, drop or file choice (background/guard.ts),
 * where the guard's listener waits for them (entrypoints/guard.content). Not web-accessible: a
 * page cannot load it, or learn from it that the extension is installed.
 */
export default defineUnlistedScript({
  exclude: ["firefox"],
  main() {
    const scope = globalThis as unknown as Record<string, unknown>;
    const waiting = scope[GUARD_ENGINE];
    if (waiting && typeof waiting === "object" && "receive" in waiting) {
      // Once: a second copy of this file finds the engine taken and does nothing.
      scope[GUARD_ENGINE] = "taken";
      (waiting.receive as (start: typeof startGuardEngine) => void)(startGuardEngine);
    } else if (waiting === undefined) scope[GUARD_ENGINE] = { start: startGuardEngine };
  },
});
