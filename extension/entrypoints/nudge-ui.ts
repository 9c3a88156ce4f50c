import { defineUnlistedScript } from "wxt/utils/define-unlisted-script";
import { offerUi } from "../nudge/served";
import { showNudge } from "../nudge/show";

/*
 * The nudge's UI, injected by the background (scripting.executeScript) into the catalog page's
 * isolated world only when a nudge is due there (background/handover.ts). Not web-accessible:
 * a page cannot load it, or learn from it that the extension is installed.
 */
export default defineUnlistedScript({
  exclude: ["firefox"],
  main() {
    offerUi((served) => void showNudge(served));
  },
});
