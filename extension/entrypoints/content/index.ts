import { defineContentScript } from "wxt/utils/define-content-script";
import { CATALOG_PAGES } from "../../lib/catalog-pages";
import { offerNudge, servedNudge } from "../../nudge/served";

/*
 * Chromium's content script, injected only on catalog pages (the matches are generated from
 * the catalog) at document_start. It is small on purpose: it only takes the background's
 * decision for this page. The nudge's UI (Preact, the card, its styles) is a separate file
 * the background injects into this document only when a nudge is due (nudge-ui.ts), so an
 * allowed tool's page, or one within its nudge's cooldown, does not compile it at all.
 */
export default defineContentScript({
  ...CATALOG_PAGES,
  exclude: ["firefox"],
  async main() {
    const served = await servedNudge();
    if (served) offerNudge(served);
  },
});
