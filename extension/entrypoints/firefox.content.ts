import { defineContentScript } from "wxt/utils/define-content-script";
import { servedNudge } from "../nudge/served";
import { showNudge } from "../nudge/show";

/*
 * Firefox's content script: the same decision, asked of the background, and the nudge's UI in
 * the same file. Firefox names no document at navigation commit, so its background cannot
 * inject the UI into exactly the document that gets the nudge; the content script carries it.
 */
export default defineContentScript({
  // Replaced at build time by the catalog's match patterns (wxt.config.ts, CATALOG_MATCHES).
  matches: ["*://catalog.shadowlight.invalid/*"],
  runAt: "document_start",
  // The styles go into the shadow root inline: no web-accessible resource a page could probe.
  cssInjectionMode: "manual",
  noScriptStartedPostMessage: true,
  include: ["firefox"],
  async main() {
    const served = await servedNudge();
    if (served) await showNudge(served);
  },
});
