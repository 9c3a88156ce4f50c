import { browser } from "wxt/browser";
import { storage } from "wxt/utils/storage";
import { type Day, dayOf } from "../../shared/day";
import type { GuardOutcome, GuardSubject } from "../../shared/guard/outcomes";
import { LIMITS } from "../../shared/limits";
import { guardSettingsOf, guardTable } from "../../shared/policy/guard";
import { decideGuard, type GuardTable } from "../../shared/policy/guard-table";
import { catalog } from "../lib/catalog";
import { GUARD_UI_FILE } from "../lib/files";
import type { GuardPage, GuardReport } from "../lib/messages";
import { policyInForce } from "../lib/policy-cache";
import { update } from "../lib/state";
import { countOn } from "./counting";
import { place, type TabSender } from "./nudges";

/*
 * The sensitive-data guard's side in the background. A page of a catalog AI tool (its `web`
 * hosts only, never its API or docs) asks once for what to look for; the background answers
 * with the policy's decision per detector and opens a session bound to that tab and
 * document. The page scans pastes, drops and chosen files itself and reports only what
 * became of one it stopped: which detectors, which outcome. The background counts an
 * outcome only when it fits the session's own decisions (a warning where the policy warns,
 * a block where it blocks) and an answer only once, for a warning it counted, on the day
 * and policy version of that warning. Nothing of the text ever reaches the background.
 */

interface Warning {
  day: Day;
  counted: GuardSubject[];
  /** Answered (or a block, which needs no answer): nothing more counts for it. */
  closed: boolean;
}

export interface GuardSession {
  id: string;
  tool: string;
  tabId: number;
  document: string;
  policyVersion: number;
  table: GuardTable;
  /** Checks counted so far, by the page's check id, the oldest first. */
  checks: Record<string, Warning>;
}

/** One session per tab (a new page replaces it); storage.session, so gone with the browser. */
export const guardSessions = storage.defineItem<Record<string, GuardSession>>("session:guardSessions", {
  fallback: {},
});

const ANSWERS: readonly GuardOutcome[] = ["pasted_anyway", "removed"];

/** The guard's settings for the sender's page, or null where it has nothing to do. */
export async function serveGuard(sender: TabSender): Promise<GuardPage | null> {
  const where = place(sender);
  const match = sender.url ? catalog().matcher.match(sender.url) : null;
  if (!where || !match || match.kind !== "web") return null;
  const { response } = await policyInForce();
  const { policy } = response;
  const settings = guardSettingsOf(policy);
  if (!settings || !policy.guard) return null;
  const table = guardTable(policy, match.tool, response.reviews[match.tool.id]);
  // Where the policy allows everything, the page is not even watched.
  if (Object.values(table).every((entry) => entry.action === "allow")) return null;
  const session: GuardSession = {
    id: crypto.randomUUID(),
    tool: match.tool.id,
    ...where,
    policyVersion: policy.version,
    table,
    checks: {},
  };
  await update(guardSessions, (sessions) => ({
    ...Object.fromEntries(Object.entries(sessions).filter(([, other]) => other.tabId !== where.tabId)),
    [session.id]: session,
  }));
  return {
    session: session.id,
    tool: { id: match.tool.id, name: match.tool.name },
    settings,
    table,
    patternLabels: Object.fromEntries(policy.guard.patterns.map((pattern) => [pattern.id, pattern.label])),
    reasons: policy.reasons.map(({ id, label }) => ({ id, label })),
    files: policy.guard.files ?? { read: true, maxBytes: LIMITS.guardFileDefaultBytes },
    policyVersion: policy.version,
    policyUrl: policy.policyUrl ?? null,
  };
}

/**
 * The page's first paste, drop or file choice (Chromium): its guard's engine, the detectors
 * and the warning, goes into the document that asked, in the content scripts' isolated world,
 * where the page cannot reach it (the file is not web-accessible either). Only into a document
 * the guard watches: one that was served its settings. Returns whether it was injected.
 */
export async function injectGuardEngine(sender: TabSender): Promise<boolean> {
  const where = place(sender);
  if (!where || !sender.documentId || !browser.scripting) return false;
  const sessions = await guardSessions.getValue();
  const watched = Object.values(sessions).some(
    (session) => session.tabId === where.tabId && session.document === where.document,
  );
  if (!watched) return false;
  try {
    await browser.scripting.executeScript({
      target: { tabId: where.tabId, documentIds: [where.document] },
      injectImmediately: true,
      files: [GUARD_UI_FILE],
    });
    return true;
  } catch {
    // The document is gone, or not scriptable any more.
    return false;
  }
}

/** Keeps the newest checks, so a session stays small however long the page stays open. */
function recent(checks: Record<string, Warning>): Record<string, Warning> {
  const entries = Object.entries(checks);
  return Object.fromEntries(entries.slice(Math.max(0, entries.length - LIMITS.guardOpenWarnings)));
}

/**
 * What became of a paste the page stopped. Returns whether it was counted: a warning or a
 * block where the session's table decides so, or the answer to a warning counted before.
 */
export async function guardOutcome(request: GuardReport, sender: TabSender, now = Date.now()): Promise<boolean> {
  const where = place(sender);
  if (!where) return false;
  const { outcome, check } = request;
  let counted: { day: Day; subjects: GuardSubject[]; session: GuardSession } | null = null;
  await update(guardSessions, (sessions) => {
    const session = sessions[request.session];
    if (!session || session.tabId !== where.tabId || session.document !== where.document) return sessions;
    const earlier = session.checks[check];
    let warning: Warning;
    if (ANSWERS.includes(outcome)) {
      if (!earlier || earlier.closed) return sessions;
      warning = { ...earlier, closed: true };
    } else {
      if (earlier) return sessions;
      const detectors = request.detectors.filter((subject) => subject !== "unscanned");
      const decision = decideGuard(session.table, {
        detectors,
        complete: !request.detectors.includes("unscanned"),
      });
      if (decision.action !== (outcome === "warned" ? "warn" : "block") || decision.counted.length === 0) {
        return sessions;
      }
      warning = { day: dayOf(now), counted: decision.counted, closed: outcome === "blocked" };
    }
    counted = { day: warning.day, subjects: warning.counted, session };
    return { ...sessions, [session.id]: { ...session, checks: recent({ ...session.checks, [check]: warning }) } };
  });
  if (!counted) return false;
  const { day, subjects, session } = counted as { day: Day; subjects: GuardSubject[]; session: GuardSession };
  for (const detector of subjects) {
    await countOn(day, { kind: "guard", tool: session.tool, detector, outcome, policyVersion: session.policyVersion });
  }
  return true;
}
