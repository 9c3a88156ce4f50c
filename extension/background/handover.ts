import { browser } from "wxt/browser";
import { NUDGE_UI_FILE } from "../lib/files";
import { DECIDED_MARK, markNow, UI_SENT_MARK } from "../lib/marks";
import { NUDGE_INBOX, type ServedNudge } from "../lib/messages";
import { decideNudge, type Place, place, type TabSender } from "./nudges";

/*
 * Handing the nudge decision to the page, before the page is usable.
 *
 * The background decides at navigation commit (webNavigation.onCommitted, the moment the
 * browser knows which document will show the page), not when the page asks: by the time the
 * content script runs at document_start the decision is under way or made. Chromium names
 * the committed document (`documentId`), so the decision is pushed into exactly that
 * document with scripting.executeScript (`injectImmediately`), into the content script's
 * isolated world, where the page's own scripts cannot read or forge it. No round trip.
 *
 *   commit ──> decideNudge (catalog, policy, nudge memory) ──> ticket recorded (session)
 *                  │
 *                  └──> push ServedNudge into the document's isolated world,
 *                       then the nudge's UI (nudge-ui.js), only when a nudge is due
 *   document_start: content script ──> takes the pushed nudge, or waits for it
 *                                  └──> asks "nudge:get" (the pull) as a fallback
 *
 * The content script that runs on every catalog page is small (nudge/served.ts); the UI, with
 * Preact, is compiled only by a page that gets a nudge. A nudge served by the pull brings the
 * UI along the same way, once per document.
 *
 * The pull answers from the same decision (one per tab and document, kept here), so a page
 * gets one ticket whichever arrives first; a second ask from the same document (a content
 * script run again) is decided again. It covers what the push cannot: Firefox (no
 * document ids at commit: it decides when the page asks, as before), a push that failed,
 * or a service worker that restarted between commit and document_start.
 *
 * Everything else about tickets (answers, tampering, counting) is in nudges.ts; the
 * content script's side is nudge/served.ts.
 */

type Asker = "commit" | "page";

/**
 * The decision for each tab's current document, and who has taken it: the commit (to push it)
 * and the page (its ask). Each takes it once; a second ask of the same kind decides again.
 */
const decisions = new Map<number, { document: string; served: Promise<ServedNudge | null>; takenBy: Set<Asker> }>();

function decisionFor(where: Place, url: string, asker: Asker): Promise<ServedNudge | null> {
  // A tab without document ids (Firefox) is decided at each ask: its pages share one name.
  if (where.document.startsWith("tab-")) return decided(where, url);
  const known = decisions.get(where.tabId);
  if (known?.document === where.document && !known.takenBy.has(asker)) {
    known.takenBy.add(asker);
    return known.served;
  }
  const served = decided(where, url, asker === "commit");
  decisions.set(where.tabId, { document: where.document, served, takenBy: new Set([asker]) });
  // A failed decision is decided again by the next ask.
  served.catch(() => {
    if (decisions.get(where.tabId)?.served === served) decisions.delete(where.tabId);
  });
  return served;
}

/** Decides, pushes the nudge at once when asked to, and resolves once the ticket is recorded. */
async function decided(where: Place, url: string, pushNow = false): Promise<ServedNudge | null> {
  const { served, recorded } = await decideNudge(where, url);
  if (pushNow) markNow(DECIDED_MARK);
  if (served && pushNow) void push(where, served);
  await recorded;
  return served;
}

/**
 * The page's document knows its nudge: delivered into the content script's world, and its UI
 * beside it. Both at once: the nudge and the UI meet in that world whichever lands first
 * (nudge/served.ts).
 */
async function push(where: Place, served: ServedNudge): Promise<void> {
  const delivered = browser.scripting
    .executeScript({
      target: { tabId: where.tabId, documentIds: [where.document] },
      injectImmediately: true,
      func: deliver,
      args: [NUDGE_INBOX, served],
    })
    // The document is gone, or not yet scriptable: the content script's pull gets the nudge.
    .catch(() => undefined);
  await Promise.all([delivered, sendUi(where)]);
}

/** The document each tab was sent the nudge's UI into (or is being sent): once per document. */
const uiSent = new Map<number, string>();

/** Injects the nudge's UI into the document that gets a nudge, unless it was sent there already. */
async function sendUi(where: Place): Promise<void> {
  if (uiSent.get(where.tabId) === where.document) return;
  uiSent.set(where.tabId, where.document);
  try {
    await browser.scripting.executeScript({
      target: { tabId: where.tabId, documentIds: [where.document] },
      injectImmediately: true,
      files: [NUDGE_UI_FILE],
    });
    markNow(UI_SENT_MARK);
  } catch {
    // Gone, or not yet scriptable: a later ask from this document sends it again.
    if (uiSent.get(where.tabId) === where.document) uiSent.delete(where.tabId);
  }
}

/**
 * Runs in the page's isolated world (serialized by the browser: it uses nothing outside
 * itself). The content script left a receiver, or has not run yet and finds the nudge here.
 */
function deliver(inbox: string, served: unknown): void {
  const scope = globalThis as unknown as Record<string, unknown>;
  const waiting = scope[inbox];
  if (typeof waiting === "function") waiting(served);
  else scope[inbox] = served;
}

/** A main-frame navigation committed on a catalog page: decide and hand the nudge over. */
export function decideAtCommit(details: { tabId: number; frameId: number; documentId?: string; url: string }): void {
  if (details.frameId !== 0 || !details.documentId) return;
  void decisionFor({ tabId: details.tabId, document: details.documentId }, details.url, "commit").catch(
    (error: unknown) => console.error("Shadowlight: no nudge decision:", error),
  );
}

/** The content script's ask ("nudge:get"): the decision made at commit, or one made now. */
export async function nudgeForSender(sender: TabSender): Promise<ServedNudge | null> {
  const where = place(sender);
  if (!where || !sender.url) return null;
  const served = await decisionFor(where, sender.url, "page");
  // Chromium names the document: the UI goes to it, unless the commit's push brought it. Firefox
  // names none; its content script carries the UI.
  if (served && sender.documentId) void sendUi(where);
  return served;
}

/** A closed tab's decision is forgotten. */
export function forgetTabDecision(tabId: number): void {
  decisions.delete(tabId);
  uiSent.delete(tabId);
}
