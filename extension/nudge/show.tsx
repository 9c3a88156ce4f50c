import { render } from "preact";
import { browser } from "wxt/browser";
import { createShadowRootUi } from "wxt/utils/content-script-ui/shadow-root";
import { lifetime } from "../lib/lifetime";
import { type ServedNudge, send } from "../lib/messages";
import { Nudge } from "./Nudge";
import styles from "./nudge.css?inline";
import { watchNudge } from "./watch";

/** How often a nudge the page removed is put back before the extension gives up on that page. */
const MAX_REMOUNTS = 5;

/**
 * Where the nudge goes: the document element, which exists from document_start on (the body
 * may not be parsed yet). Always there, so whatever the page does to its body, the nudge is
 * a sibling of it, not a part.
 */
const anchor = () => document.documentElement;

/**
 * Shows a served nudge with Preact in a closed shadow root: the page's CSS cannot reach it,
 * and the page's scripts cannot find, read or press anything inside it. Taking it away is
 * reported as tampering, and it is put back.
 */
export async function showNudge(served: ServedNudge): Promise<void> {
  // The extension was updated or removed meanwhile.
  if (browser.runtime?.id === undefined) return;
  const banner = served.view.decision.action === "inform";
  let closed = false;
  let stopWatching = () => {};
  const ui = await createShadowRootUi(lifetime, {
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
}
