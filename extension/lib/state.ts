import { browser } from "wxt/browser";
import { storage } from "wxt/utils/storage";
import type { CompiledIndex } from "../../shared/catalog/compile";
import type { Day } from "../../shared/day";
import type { ReviewQueueState, ReviewStatus } from "../../shared/events";
import type { NudgeMemory } from "../../shared/policy/evaluate";
import type { LessonMemory } from "../../shared/policy/lessons";
import type { PolicyAction } from "../../shared/policy/schema";
import type { PolicyResponse, RefusalReason, ReportRequest } from "../../shared/protocol";
import type { CounterBook } from "./counters";

/*
 * Everything the extension keeps, as typed storage items. `storage.local` holds what must
 * survive a browser restart and is readable by the extension's own pages and service worker
 * only (see `restrictToTrustedContexts`); `storage.session` holds what belongs to open tabs.
 */

/** The device pseudonym the server issued, and what it was issued for. */
export interface DeviceRecord {
  serverUrl: string;
  deviceId: string;
  deviceToken: string;
  /** The group the server put this device in (the enrollment token's, or one it knows). */
  group: string | null;
  /**
   * What the device enrolled with: a digest of the enrollment token and the group it asked
   * for (null: enrolled by an earlier version that did not record it).
   */
  enrolledWith: { tokenDigest: string; group: string } | null;
}

/** The server revoked this device: nothing is reported until an admin re-admits it or a new token is set. */
export interface Revocation {
  at: number;
  serverUrl: string;
  tokenDigest: string;
}

/** Why the device could not enroll, as the server's stable code (or `unreachable`). */
export interface EnrollmentProblem {
  code: string;
  at: number;
  /** The group the device asked for, when the server did not know it. */
  group?: string;
  retryAt: number | null;
}

/** Why the last delivery failed: the server's stable code, or `unreachable`, and details for people. */
export interface DeliveryFailure {
  code: string;
  detail: string;
}

export interface Delivery {
  failures: number;
  lastError: DeliveryFailure | null;
  lastAttemptAt: number | null;
  nextAttemptAt: number | null;
}

/**
 * What the device could not keep or send, so totals stay honest: counts the server refused
 * (by its reason), unsent days past retention, and candidate visits beyond the per-day bound.
 */
export interface NotKept {
  refused: Partial<Record<RefusalReason, number>>;
  expired: number;
  candidateOverflow: number;
}

/** The settings in force (built in, then the options page, then managed storage: lib/settings.ts). */
export interface Settings {
  serverUrl: string;
  enrollmentToken: string;
  group: string;
  reporting: boolean;
  /** Whether the extension lists installed extensions to count AI ones (the `management` permission). */
  extensionCensus: boolean;
  /**
   * The organization's key for nominating unknown AI-looking extensions by keyed hash; empty:
   * they are counted as a number only. Never sent to the server.
   */
  censusKey: string;
}

export type Options = Partial<Settings>;

/** When the discovery signals last ran (their day), the AI browser recognized, and whether the census was off. */
export interface DiscoveryRuns {
  censusDay: string | null;
  browserDay: string | null;
  browser?: string | null;
  censusOff?: boolean;
}

/** A nudge the background served to one document of one tab: answers count against it once. */
export interface NudgeTicket {
  id: string;
  tool: string;
  tabId: number;
  document: string;
  action: PolicyAction;
  /** What the nudge says (background/nudges.ts `decisionKey`), remembered for its cooldown. */
  decision: string;
  /** The day and policy version the nudge was shown under: its answers count there. */
  day: Day;
  policyVersion: number;
  reasons: string[];
  servedAt: number;
  shown: boolean;
  answered: boolean;
  tampered: boolean;
  /** The lesson the nudge offers or requires (absent: none). */
  lesson?: TicketLesson;
}

/**
 * A lesson served with a nudge, as the background grades it: the answers are checked here
 * against the lesson it served, never taken from the page's word.
 */
export interface TicketLesson {
  id: string;
  version: number;
  /** The nudge's answer counts only once the lesson is completed. */
  required: boolean;
  /** Per question: the index of its correct option, and how many options it has. */
  correct: number[];
  options: number[];
  opened: boolean;
  /** Per question: answered correctly. */
  solved: boolean[];
  /** A wrong answer was given to some question: not passed at the first try. */
  missed: boolean;
  completed: boolean;
}

/** The last decision for a tab's page: which tool, and the nudge served (null: none was due). */
export interface TabDecision {
  tool: string;
  ticket: string | null;
  at: number;
}

const NOT_KEPT: NotKept = { refused: {}, expired: 0, candidateOverflow: 0 };
const DELIVERY: Delivery = { failures: 0, lastError: null, lastAttemptAt: null, nextAttemptAt: null };

/** A review this device asked for from the blocked page, and what the server last said of it. */
export interface ReviewRequestRecord {
  /** The day it was asked (the last time, when asked again). */
  day: Day;
  /** The queue's state, once the server knows of the request (absent: not yet sent or not yet asked). */
  state?: ReviewQueueState;
  /** The tool's review status when the server last answered (null: not reviewed). */
  review?: ReviewStatus | null;
}

export const local = {
  counters: storage.defineItem<CounterBook>("local:counters", { fallback: {} }),
  sent: storage.defineItem<CounterBook>("local:sent", { fallback: {} }),
  device: storage.defineItem<DeviceRecord | null>("local:device", {
    fallback: null,
    version: 2,
    migrations: {
      // Records from before server-decided groups: the group is learned at the next enrollment.
      // Every migration here looks at the shape, not only the version: a page and the service
      // worker may run it at once, and it must leave a current record as it is.
      2: (old: DeviceRecord | Omit<DeviceRecord, "group" | "enrolledWith"> | null) =>
        old && !("enrolledWith" in old) ? { ...old, group: null, enrolledWith: null } : old,
    },
  }),
  revoked: storage.defineItem<Revocation | null>("local:revoked", { fallback: null }),
  enrollment: storage.defineItem<EnrollmentProblem | null>("local:enrollment", { fallback: null }),
  /** The last good catalog index from the server, with its ETag. */
  catalog: storage.defineItem<{ etag: string | null; index: CompiledIndex; fetchedAt: number } | null>(
    "local:catalog",
    { fallback: null },
  ),
  /** The last good policy from the server, with its ETag. */
  policy: storage.defineItem<{ etag: string | null; response: PolicyResponse; fetchedAt: number } | null>(
    "local:policy",
    { fallback: null },
  ),
  /** Nudge memory per tool (shown, answered, and what the nudge said): never leaves the device. */
  nudges: storage.defineItem<Record<string, NudgeMemory & { decision?: string }>>("local:nudges", { fallback: {} }),
  /** Which lesson versions this device completed and when one was last required: never leaves the device. */
  lessons: storage.defineItem<LessonMemory>("local:lessons", { fallback: {} }),
  /** The last report the server accepted, exactly as sent, for the transparency view. */
  lastReport: storage.defineItem<{ at: number; report: ReportRequest } | null>("local:lastReport", {
    fallback: null,
  }),
  delivery: storage.defineItem<Delivery>("local:delivery", {
    fallback: DELIVERY,
    version: 2,
    migrations: {
      2: (old: Omit<Delivery, "lastError"> & { lastError: DeliveryFailure | string | null }) => ({
        ...old,
        lastError: typeof old.lastError === "string" ? { code: "unreachable", detail: old.lastError } : old.lastError,
      }),
    },
  }),
  /** The last managed settings the browser reported (enterprise policy). */
  managedSnapshot: storage.defineItem<Record<string, unknown>>("local:managedSnapshot", { fallback: {} }),
  notKept: storage.defineItem<NotKept>("local:notKept", {
    fallback: NOT_KEPT,
    version: 2,
    migrations: {
      2: (old: NotKept | { unknownTools?: number; expired?: number; candidateOverflow?: number }) =>
        "refused" in old
          ? old
          : {
              refused: old.unknownTools ? { unknown_tool: old.unknownTools } : {},
              expired: old.expired ?? 0,
              candidateOverflow: old.candidateOverflow ?? 0,
            },
    },
  }),
  /** Settings entered on the options page (managed settings win over them). */
  options: storage.defineItem<Options>("local:options", { fallback: {} }),
  reviewRequests: storage.defineItem<Record<string, ReviewRequestRecord>>("local:reviewRequests", { fallback: {} }),
  /** When the discovery signals last ran: their day, so each runs once a day (and on changes). */
  /**
   * Sites people signed in to through an identity provider today that no other signal named
   * yet (registrable domains, at most LIMITS.maxCandidatesPerDay): never leaves the device;
   * a sign-in joins a candidate only when another signal names the same site that day.
   */
  signIns: storage.defineItem<{ day: Day; domains: string[] }>("local:signIns", {
    fallback: { day: "", domains: [] },
  }),
  /**
   * The webRequest patterns of the AI API hosts the catalog in force adds to the bundled one
   * (the server's catalog, the organization's entries), kept so a restarted service worker
   * watches them again before it has loaded either.
   */
  embedHosts: storage.defineItem<string[]>("local:embedHosts", { fallback: [] }),
  discovery: storage.defineItem<DiscoveryRuns>("local:discovery", {
    fallback: { censusDay: null, browserDay: null, browser: null },
  }),
};

export const session = {
  tickets: storage.defineItem<Record<string, NudgeTicket>>("session:tickets", { fallback: {} }),
  decisions: storage.defineItem<Record<string, TabDecision>>("session:decisions", { fallback: {} }),
};

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs read-modify-write sequences one at a time, so two events arriving together never
 * overwrite each other's counts.
 */
export function serialized<T>(task: () => Promise<T>): Promise<T> {
  const run = queue.then(task, task);
  queue = run.catch(() => undefined);
  return run;
}

/** Replaces an item's value with a function of it, one change at a time. */
export function update<T>(
  item: { getValue(): Promise<T>; setValue(value: T): Promise<void> },
  change: (value: T) => T,
): Promise<T> {
  return serialized(async () => {
    const next = change(await item.getValue());
    await item.setValue(next);
    return next;
  });
}

/** Adds to the "not kept" figures; runs inside `serialized`, as every change of the counts does. */
export async function addNotKept(change: {
  refused?: NotKept["refused"];
  expired?: number;
  candidateOverflow?: number;
}): Promise<void> {
  const notKept = await local.notKept.getValue();
  const refused = { ...notKept.refused };
  for (const [reason, n] of Object.entries(change.refused ?? {}) as Array<[RefusalReason, number]>) {
    refused[reason] = (refused[reason] ?? 0) + n;
  }
  await local.notKept.setValue({
    refused,
    expired: notKept.expired + (change.expired ?? 0),
    candidateOverflow: notKept.candidateOverflow + (change.candidateOverflow ?? 0),
  });
}

/**
 * Makes `storage.local` readable by the extension's own pages and service worker only, where
 * the browser supports it (Chromium), so a content script in a compromised page cannot read
 * the device token or the counts. Firefox has no such setting for `storage.local`.
 */
export async function restrictToTrustedContexts(): Promise<boolean> {
  const area = browser.storage.local;
  if (typeof area.setAccessLevel !== "function") return false;
  try {
    await area.setAccessLevel({ accessLevel: "TRUSTED_CONTEXTS" });
    return true;
  } catch {
    return false;
  }
}
