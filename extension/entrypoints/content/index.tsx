import { render } from "preact";
import { createShadowRootUi } from "wxt/utils/content-script-ui/shadow-root";
import { defineContentScript } from "wxt/utils/define-content-script";
import { send } from "../../lib/messages";
import styles from "../../nudge/nudge.css?inline";
import { Nudge } from "./Nudge";
import { watchNudge } from "./watch";

/** How often a nudge the page removed is put back before the extension gives up on that page. */
const MAX_REMOUNTS = 5;

/*
 * Injected only on catalog pages (the matches are generated from the catalog). It asks the
 * background whether a nudge is due for this page and, only then, renders it with Preact in a
 * closed shadow root: the page's CSS cannot reach it, and the page's scripts cannot find,
 * read or press anything inside it.
 */
export default defineContentScript({
  // Replaced at build time by the catalog's match patterns (wxt.config.ts, CATALOG_MATCHES).
  matches: ["*://catalog.shadowlight.invalid/*"],
  // As soon as the document is parsed: the nudge should be there before the person types.
  runAt: "document_end",
  // The styles go into the shadow root inline: no web-accessible resource a page could probe.
  cssInjectionMode: "manual",
  async main(ctx) {
    const served = await send("nudge:get", {});
    if (!served || ctx.isInvalid) return;
    const banner = served.view.decision.action === "inform";
    let closed = false;
    let stopWatching = () => {};
    const ui = await createShadowRootUi(ctx, {
      name: "shadowlight-nudge",
      mode: "closed",
      position: banner ? "overlay" : "modal",
      zIndex: 2147483647,
      isolateEvents: true,
      css: styles,
      onMount(container) {
        const close = () => {
          closed = true;
          stopWatching();
          ui.remove();
        };
        render(<Nudge served={served} onClose={close} />, container);
        return container;
      },
      onRemove(container) {
        if (container) render(null, container);
      },
    });
    ui.mount();
    let remounts = 0;
    const tampered = () => void send("nudge:tampered", { ticket: served.ticket });
    stopWatching = watchNudge(ui.shadowHost, () => ui.shadow.querySelector(".panel"), {
      removed() {
        if (closed) return;
        tampered();
        // Put the nudge back: the person still sees the policy, whatever the page does.
        if (remounts++ < MAX_REMOUNTS) (document.body ?? document.documentElement).append(ui.shadowHost);
        else stopWatching();
      },
      hidden: tampered,
    });
  },
});
