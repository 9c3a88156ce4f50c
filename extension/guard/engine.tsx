import { render } from "preact";
import { createShadowRootUi } from "wxt/utils/content-script-ui/shadow-root";
import { lifetime } from "../lib/lifetime";
import { send } from "../lib/messages";
import { Checker, type Choice } from "./checker";
import { GuardDialog } from "./GuardDialog";
import styles from "./guard.css?inline";
import type { GuardEngine, GuardState } from "./listen";
import type { GuardView } from "./view";

/*
 * The guard's heavy part: the detectors and pattern engine (through the checker) and the
 * warning (Preact, the card, its styles). Chromium injects it into the page's isolated world
 * only when the person first pastes, drops or chooses a file there (entrypoints/guard-ui.ts);
 * Firefox's content script carries it. The listener (listen.ts) hands it what it knows.
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

/** Starts the checker and the warning for the page the listener watches. */
export function startGuardEngine(state: GuardState): GuardEngine {
  let host: Element | null = null;
  const ask = async (view: GuardView): Promise<Choice> => {
    let choose: (choice: Choice) => void = () => {};
    const chosen = new Promise<Choice>((resolve) => {
      choose = resolve;
    });
    const ui = await createShadowRootUi(lifetime, {
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
    page: state.page,
    settled: state.settled,
    report: (report) => void send("guard:outcome", report).catch(() => false),
    ask,
    now: () => performance.now(),
    pause,
    newId: () => crypto.randomUUID(),
  });
  return {
    check: (transfer) => checker.check(transfer),
    owns: (event) => host !== null && event.composedPath().includes(host),
    warm: () => checker.warm(),
  };
}
