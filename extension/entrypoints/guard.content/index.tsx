import { render } from "preact";
import { createShadowRootUi } from "wxt/utils/content-script-ui/shadow-root";
import { defineContentScript } from "wxt/utils/define-content-script";
import { LIMITS } from "../../../shared/limits";
import { Checker, type Choice } from "../../guard/checker";
import styles from "../../guard/guard.css?inline";
import { dropTransfer, fileInputTransfer, pasteTransfer, type Transfer } from "../../guard/transfer";
import type { GuardView } from "../../guard/view";
import { type GuardPage, send } from "../../lib/messages";
import { GuardDialog } from "./GuardDialog";

/*
 * The sensitive-data guard on pages of catalog AI tools (the matches are generated from the
 * catalog; the background answers only for a tool's own product hosts). Its own content
 * script, apart from the nudge's, so neither grows the other.
 *
 * From the first moment of the page it listens at the window, in the capture phase, for
 * pastes, drops and file choices: ahead of the tool's own handlers and whatever its editor's
 * DOM becomes. Only the person's own actions count (`isTrusted`): a page script can fire
 * paste or drop events at will, but they carry nothing the person brought, and they neither
 * start a check nor answer a warning. What was pasted is read here and nowhere else.
 */

/** Hands the page back for a moment: scheduler.yield where the browser has it, else a message. */
function pause(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (scheduler?.yield) return scheduler.yield();
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

export default defineContentScript({
  // Replaced at build time by the catalog's match patterns (wxt.config.ts, CATALOG_MATCHES).
  matches: ["*://catalog.shadowlight.invalid/*"],
  // Before the page's own scripts, so its listeners come first.
  runAt: "document_start",
  cssInjectionMode: "manual",
  // No "content script started" message to the page's window: it would tell every catalog page
  // that the extension is installed, and under which id.
  noScriptStartedPostMessage: true,
  main(ctx) {
    let page: GuardPage | null | undefined;
    let askedAt = 0;
    const load = (): Promise<GuardPage | null> => {
      askedAt = Date.now();
      return send("guard:get", {}).then(
        (answer) => {
          page = answer;
          return answer;
        },
        () => {
          page ??= null;
          return page;
        },
      );
    };
    let settled = load();
    // A page open for long picks up a changed policy when the person comes back to it.
    ctx.addEventListener(document, "visibilitychange", () => {
      if (document.visibilityState === "visible" && Date.now() - askedAt > LIMITS.guardRefreshMs) settled = load();
    });

    let host: Element | null = null;
    const ask = async (view: GuardView): Promise<Choice> => {
      let choose: (choice: Choice) => void = () => {};
      const chosen = new Promise<Choice>((resolve) => {
        choose = resolve;
      });
      const ui = await createShadowRootUi(ctx, {
        name: "shadowlight-guard",
        mode: "closed",
        position: "inline",
        anchor: () => document.body ?? document.documentElement,
        isolateEvents: true,
        css: styles,
        onMount(container) {
          render(<GuardDialog view={view} onChoose={choose} />, container);
          return container;
        },
        onRemove(container) {
          if (container) render(null, container);
        },
      });
      host = ui.shadowHost;
      ui.mount();
      const choice = await chosen;
      ui.remove();
      host = null;
      return choice;
    };

    const checker = new Checker({
      page: () => page,
      settled: () => settled,
      report: (report) => void send("guard:outcome", report).catch(() => false),
      ask,
      now: () => performance.now(),
      pause,
      newId: () => crypto.randomUUID(),
    });

    void settled.then(() => setTimeout(() => checker.warm(), 0));

    const ownUi = (event: Event) => host !== null && event.composedPath().includes(host);
    const decide = (event: Event, transfer: Transfer | null) => {
      if (transfer && checker.check(transfer) === "hold") {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    };
    ctx.addEventListener(
      window,
      "paste",
      (event) => {
        if (event.isTrusted && !ownUi(event)) decide(event, pasteTransfer(event));
      },
      { capture: true },
    );
    ctx.addEventListener(
      window,
      "drop",
      (event) => {
        if (event.isTrusted && !ownUi(event)) decide(event, dropTransfer(event));
      },
      { capture: true },
    );
    // A file choice fires `input`, then `change`: the first decides, the second follows it.
    const holding = new WeakSet<HTMLInputElement>();
    const onFiles = (event: Event) => {
      const input = event.target;
      if (!event.isTrusted || !(input instanceof HTMLInputElement) || input.type !== "file") return;
      if (holding.has(input)) {
        event.stopImmediatePropagation();
        return;
      }
      if (checker.check(fileInputTransfer(input)) === "hold") {
        event.stopImmediatePropagation();
        holding.add(input);
        setTimeout(() => holding.delete(input), 0);
      }
    };
    ctx.addEventListener(window, "input", onFiles, { capture: true });
    ctx.addEventListener(window, "change", onFiles, { capture: true });
  },
});
