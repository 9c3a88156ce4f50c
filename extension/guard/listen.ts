import { readableAsText } from "../../shared/guard/files";
import { LIMITS } from "../../shared/limits";
import { type GuardPage, send } from "../lib/messages";
import { dropTransfer, fileInputTransfer, pasteTransfer, type Transfer } from "./transfer";

/*
 * The guard's listener on pages of catalog AI tools: small, so it costs a page that never
 * sees a paste almost nothing. It runs at document_start and listens at the window, in the
 * capture phase, for pastes, drops and file choices: ahead of the tool's own handlers and
 * whatever its editor's DOM becomes. Only the person's own actions count (`isTrusted`): a page
 * script can fire paste or drop events at will, but they carry nothing the person brought,
 * and they neither start a check nor answer a warning (nor load anything).
 *
 * The detectors and the warning (the engine, engine.tsx) come with the first transfer that
 * has something to check. That one is held (stopped before the page sees it, as the checker
 * holds a paste it must think about) until the engine is there and decided it: handed on as
 * the person made it, or warned about. Every later transfer is decided inside its own event.
 *
 *   paste/drop/file ──> guard off here: untouched
 *                   ──> engine here: engine.check (inside the event; "hold" stops the event)
 *                   ──> no engine yet: stop the event, keep the transfer, load the engine,
 *                                      then engine.check each kept transfer in order
 */

/** What the listener knows, handed to the engine. */
export interface GuardState {
  /** The page's guard settings: undefined while they are asked for, null when the guard is off here. */
  page(): GuardPage | null | undefined;
  /** Resolves once the settings are known. */
  settled(): Promise<GuardPage | null>;
}

/** The detectors and the warning, once loaded. */
export interface GuardEngine {
  /** Decides a transfer inside its event: "hold" when the event must be stopped (Checker.check). */
  check(transfer: Transfer): "pass" | "hold";
  /** Whether an event comes from the guard's own warning (typing in it, say). */
  owns(event: Event): boolean;
  /** Prepares the policy's detectors ahead of the next check. */
  warm(): void;
}

export type StartEngine = (state: GuardState) => GuardEngine;

/** The engine: carried by the script (`start`), or loaded on the first transfer (`load`, null when it failed). */
export type EngineSource = { start: StartEngine } | { load: () => Promise<StartEngine | null> };

/**
 * Decides each transfer inside its event: by the engine once it is there; before, it holds
 * what the engine must see and loads the engine, then hands the held transfers to it in order.
 */
export class TransferGate {
  private engine: GuardEngine | null = null;
  /** Transfers held until the engine is there, the oldest first. */
  private readonly kept: Transfer[] = [];
  private loading = false;

  constructor(
    private readonly source: EngineSource,
    private readonly state: GuardState,
  ) {
    if ("start" in source) {
      const engine = source.start(state);
      this.engine = engine;
      void state.settled().then(() => setTimeout(() => engine.warm(), 0));
    }
  }

  /** "hold" when the event must be stopped before the page sees it. */
  decide(transfer: Transfer): "pass" | "hold" {
    const page = this.state.page();
    if (page === null) return "pass";
    if (this.engine) return this.engine.check(transfer);
    // Nothing a detector could read: no need for the engine (the checker passes it too).
    const maxBytes = page?.files.maxBytes ?? 0;
    const readable = page?.files.read && transfer.files.some((file) => readableAsText(file, maxBytes));
    if (page && transfer.text === "" && !readable) return "pass";
    this.kept.push(transfer);
    if (!this.loading) {
      this.loading = true;
      void this.load();
    }
    return "hold";
  }

  /** Whether an event comes from the guard's own warning. */
  owns(event: Event): boolean {
    return this.engine?.owns(event) ?? false;
  }

  private async load(): Promise<void> {
    const known = await this.state.settled();
    const start = known && "load" in this.source ? await this.source.load() : null;
    if (start) this.engine ??= start(this.state);
    // Unchecked rather than lost: the person's paste is not swallowed by a guard that is not there.
    else if (known) console.error("Shadowlight guard: the guard could not be loaded; the transfer goes on unchecked");
    this.loading = false;
    for (const transfer of this.kept.splice(0)) {
      if (!this.engine || this.engine.check(transfer) === "pass") transfer.deliver();
    }
  }
}

/**
 * Listens for the page's whole life. Not through the framework's content script context: a
 * page that knows the extension's id could stop that context (lib/lifetime.ts), and with it
 * the guard.
 */
export function listenForTransfers(source: EngineSource): void {
  let page: GuardPage | null | undefined;
  let askedAt = 0;
  const ask = (): Promise<GuardPage | null> => {
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
  let settled = ask();
  // A page open for long picks up a changed policy when the person comes back to it.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && Date.now() - askedAt > LIMITS.guardRefreshMs) settled = ask();
  });
  const state: GuardState = { page: () => page, settled: () => settled };

  const gate = new TransferGate(source, state);
  const ownUi = (event: Event) => gate.owns(event);
  const stopIfHeld = (event: Event, transferOf: () => Transfer | null) => {
    if (page === null) return;
    const transfer = transferOf();
    if (transfer && gate.decide(transfer) === "hold") {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  };
  window.addEventListener(
    "paste",
    (event) => {
      if (event.isTrusted && !ownUi(event)) stopIfHeld(event, () => pasteTransfer(event));
    },
    { capture: true },
  );
  window.addEventListener(
    "drop",
    (event) => {
      if (event.isTrusted && !ownUi(event)) stopIfHeld(event, () => dropTransfer(event));
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
    if (gate.decide(fileInputTransfer(input)) === "hold") {
      event.stopImmediatePropagation();
      holding.add(input);
      setTimeout(() => holding.delete(input), 0);
    }
  };
  window.addEventListener("input", onFiles, { capture: true });
  window.addEventListener("change", onFiles, { capture: true });
}
