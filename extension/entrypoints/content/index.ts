import { defineContentScript } from "wxt/utils/define-content-script";
import { offerNudge, servedNudge } from "../../nudge/served";

/*
 * Chromium's content script, injected only on catalog pages (the matches are generated from
 * the catalog) at document_start. It is small on purpose: it only takes the background's
 * decision for this page. The nudge's UI (Preact, the card, its styles) is a separate file
 * the background injects into this document only when a nudge is due (nudge-ui.ts), so an
 * allowed tool's page, or one within its nudge's cooldown, does not compile it at all.
 */
export default defineContentScript({
  // Replaced at build time by the catalog's match patterns (wxt.config.ts, CATALOG_MATCHES).
  matches: ["*://catalog.shadowlight.invalid/*"],
  // Before the page's own scripts: the nudge should be there before the person can type.
  runAt: "document_start",
  cssInjectionMode: "manual",
  // No "content script started" message to the page's window: it told every catalog page that
  // the extension is installed, and under which id.
  noScriptStartedPostMessage: true,
  exclude: ["firefox"],
  async main() {
    const served = await servedNudge();
    if (served) offerNudge(served);
  },
});
