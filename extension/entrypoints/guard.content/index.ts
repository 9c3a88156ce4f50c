import { defineContentScript } from "wxt/utils/define-content-script";
import { type EngineSource, listenForTransfers, type StartEngine } from "../../guard/listen";
import { CATALOG_PAGES } from "../../lib/catalog-pages";
import { GUARD_ENGINE, send } from "../../lib/messages";

/*
 * The sensitive-data guard's content script in Chromium, on pages of catalog AI tools (the
 * matches are generated from the catalog; the background answers only for a tool's own
 * product hosts): only its listener (guard/listen.ts). The detectors and the warning are a
 * separate file (guard-ui.ts) the background injects into this document's isolated world on
 * its first paste, drop or file choice, so a page nobody pastes into never compiles them.
 */

const scope = globalThis as unknown as Record<string, unknown>;

/** Asks the background for the engine and resolves when it announces itself here (null: it will not come). */
function loadEngine(): Promise<StartEngine | null> {
  return new Promise((resolve) => {
    const arrived = scope[GUARD_ENGINE];
    if (arrived && typeof arrived === "object" && "start" in arrived) return resolve(arrived.start as StartEngine);
    scope[GUARD_ENGINE] = { receive: resolve };
    send("guard:engine", {}).then(
      (injected) => {
        if (!injected) resolve(null);
      },
      () => resolve(null),
    );
  });
}

const source: EngineSource = { load: loadEngine };

export default defineContentScript({
  ...CATALOG_PAGES,
  exclude: ["firefox"],
  main() {
    listenForTransfers(source);
  },
});
