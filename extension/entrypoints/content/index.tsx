import { render } from "preact";
import { browser } from "wxt/browser";
import type { ContentScriptContext } from "wxt/utils/content-script-context";
import { createShadowRootUi } from "wxt/utils/content-script-ui/shadow-root";
import { defineContentScript } from "wxt/utils/define-content-script";
import { NUDGE_INBOX, type ServedNudge, send } from "../../lib/messages";
import styles from "../../nudge/nudge.css?inline";
import { Nudge } from "./Nudge";
import { watchNudge } from "./watch";

/** How often a nudge the page removed is put back before the extension gives up on that page. */
const MAX_REMOUNTS = 5;

/**
 * The nudge the background decided for this document: pushed into this isolated world at
 * navigation commit (background/handover.ts), already here or arriving; asked for as well,
 * in case no push comes (Firefox, a failed push). Both answers are the same decision.
 */
function servedNudge(): Promise<ServedNudge | null> {
  return new Promise((resolve) => {
    const scope = globalThis as unknown as Record<string, unknown>;
    const pushed = scope[NUDGE_INBOX];
    if (pushed && typeof pushed === "object") return resolve(pushed as ServedNudge);
    scope[NUDGE_INBOX] = resolve;
    send("nudge:get", {}).then(resolve, () => resolve(null));
  });
}

/**
 * Where the nudge goes: the document element, which exists from document_start on (the body
 * may not be parsed yet). Always there, so whatever the page does to its body, the nudge is
 * a sibling of it, not a part.
 */
const anchor = () => document.documentElement;

/**
 * What the nudge's UI lives by: the extension, not the framework's content script context.
 * That context stops itself (and removes its UI) when a DOM event named after the extension's
 * id announces a newer copy of the script, and any page can dispatch that event. The UI
 * reads only the context's options and its invalidation, which here never comes from the page.
 */
function lasting(ctx: ContentScriptContext): ContentScriptContext {
  const lifetime: Pick<ContentScriptContext, "options" | "onInvalidated"> = {
    options: ctx.options,
    onInvalidated: () => () => {},
  };
  return lifetime as ContentScriptContext;
}

/*
 * Injected only on catalog pages (the matches are generated from the catalog), at
 * document_start. It takes the background's decision for this page and, only when a nudge is
 * due, renders it with Preact in a closed shadow root, before the page is usable: the page's
 * CSS cannot reach it, and the page's scripts cannot find, read or press anything inside it.
 */
export default defineContentScript({
  // Replaced at build time by the catalog's match patterns (wxt.config.ts, CATALOG_MATCHES).
  matches: ["*://catalog.shadowlight.invalid/*"],
  // Before the page's own scripts: the nudge should be there before the person can type.
  runAt: "document_start",
  // The styles go into the shadow root inline: no web-accessible resource a page could probe.
  cssInjectionMode: "manual",
  // No "content script started" message to the page's window: it told every catalog page that
  // the extension is installed, and under which id.
  noScriptStartedPostMessage: true,
  async main(ctx) {
    const served = await servedNudge();
    // Nothing to show, or the extension was updated or removed meanwhile.
    if (!served || browser.runtime?.id === undefined) return;
    const banner = served.view.decision.action === "inform";
    let closed = false;
    let stopWatching = () => {};
    const ui = await createShadowRootUi(lasting(ctx), {
      name: "shadowlight-nudge",
      mode: "closed",
      position: banner ? "overlay" : "modal",
      zIndex: 2147483647,
      anchor,
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
        if (remounts++ < MAX_REMOUNTS) anchor().append(ui.shadowHost);
        else stopWatching();
      },
      hidden: tampered,
    });
  },
});
