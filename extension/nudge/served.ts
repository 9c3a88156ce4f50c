import { NUDGE_INBOX, NUDGE_UI, type ServedNudge, send } from "../lib/messages";

/*
 * The small part of the nudge that runs on every catalog page at document_start: it waits for
 * the background's decision and nothing more. Preact and the nudge's UI come only to a page
 * that gets a nudge (Chromium: injected by the background, background/handover.ts), so a visit
 * without one costs the page almost nothing before its DOMContentLoaded.
 *
 * Everything here lives in the extension's isolated world, which the page's scripts cannot
 * see: a page can neither read the decision nor offer one, nor stand in for the UI.
 */

const scope = globalThis as unknown as Record<string, unknown>;

/**
 * The nudge the background decided for this document: pushed into this isolated world at
 * navigation commit (background/handover.ts), already here or arriving; asked for as well,
 * in case no push comes (Firefox, a failed push). Both answers are the same decision.
 */
export function servedNudge(): Promise<ServedNudge | null> {
  return new Promise((resolve) => {
    const pushed = scope[NUDGE_INBOX];
    if (pushed && typeof pushed === "object") return resolve(pushed as ServedNudge);
    scope[NUDGE_INBOX] = resolve;
    send("nudge:get", {}).then(resolve, () => resolve(null));
  });
}

/** What shows a nudge: the UI's entry point, once it is loaded. */
type Show = (served: ServedNudge) => unknown;

/** Set in NUDGE_UI once a nudge went to the UI: a second nudge or a second copy of the UI is ignored. */
const SHOWN = "shown";

/**
 * Where the served nudge and the UI meet, whichever arrives first: the background may inject
 * the UI before or after this script ran and the decision arrived.
 */
export function offerNudge(served: ServedNudge): void {
  const waiting = scope[NUDGE_UI];
  if (typeof waiting === "function") {
    scope[NUDGE_UI] = SHOWN;
    (waiting as Show)(served);
  } else if (waiting === undefined) scope[NUDGE_UI] = served;
}

/** The UI arrived: it shows the nudge waiting for it, or waits for one. */
export function offerUi(show: Show): void {
  const waiting = scope[NUDGE_UI];
  if (waiting !== null && typeof waiting === "object") {
    scope[NUDGE_UI] = SHOWN;
    show(waiting as ServedNudge);
  } else if (waiting === undefined) scope[NUDGE_UI] = show;
}
