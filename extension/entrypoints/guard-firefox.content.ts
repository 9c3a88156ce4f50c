import { defineContentScript } from "wxt/utils/define-content-script";
import { startGuardEngine } from "../guard/engine";
import { listenForTransfers } from "../guard/listen";
import { CATALOG_PAGES } from "../lib/catalog-pages";

/*
 * The sensitive-data guard's content script in Firefox: the same listener, with the detectors
 * and the warning in the same file. Firefox names no document to inject them into later (as
 * for the nudge's UI, firefox.content.ts), so the content script carries them.
 */
export default defineContentScript({
  ...CATALOG_PAGES,
  include: ["firefox"],
  main() {
    listenForTransfers({ start: startGuardEngine });
  },
});
