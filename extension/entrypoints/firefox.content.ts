import { defineContentScript } from "wxt/utils/define-content-script";
import { CATALOG_PAGES } from "../lib/catalog-pages";
import { servedNudge } from "../nudge/served";
import { showNudge } from "../nudge/show";

/*
 * Firefox's content script: the same decision, asked of the background, and the nudge's UI in
 * the same file. Firefox names no document at navigation commit, so its background cannot
 * inject the UI into exactly the document that gets the nudge; the content script carries it.
 */
export default defineContentScript({
  ...CATALOG_PAGES,
  include: ["firefox"],
  async main() {
    const served = await servedNudge();
    if (served) await showNudge(served);
  },
});
