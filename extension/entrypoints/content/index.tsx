import { render } from "preact";
import { browser } from "wxt/browser";
import { createShadowRootUi } from "wxt/utils/content-script-ui/shadow-root";
import { defineContentScript } from "wxt/utils/define-content-script";
import type { NudgeView } from "../../lib/messages";
import { Nudge } from "./Nudge";
import styles from "./style.css?inline";

/*
 * Injected only on catalog pages (the matches are generated from the catalog). It asks the
 * background whether a nudge is due for this page and, only then, renders it with Preact in a
 * shadow root, so the page's CSS cannot reach it and it cannot reach the page's.
 */
export default defineContentScript({
  // Replaced at build time by the catalog's match patterns (wxt.config.ts, CATALOG_MATCHES).
  matches: ["*://catalog.shadowlight.invalid/*"],
  // As soon as the document is parsed: the nudge should be there before the person types.
  runAt: "document_end",
  // The styles go into the shadow root inline: no web-accessible resource a page could probe.
  cssInjectionMode: "manual",
  async main(ctx) {
    const view = (await browser.runtime.sendMessage({ type: "nudge:get" })) as NudgeView | null;
    if (!view || ctx.isInvalid) return;
    const banner = view.decision.action === "inform";
    const ui = await createShadowRootUi(ctx, {
      name: "shadowlight-nudge",
      position: banner ? "overlay" : "modal",
      zIndex: 2147483647,
      isolateEvents: true,
      css: styles,
      onMount(container) {
        render(<Nudge view={view} onClose={() => ui.remove()} />, container);
        return container;
      },
      onRemove(container) {
        if (container) render(null, container);
      },
    });
    ui.mount();
  },
});
