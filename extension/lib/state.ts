import { browser } from "wxt/browser";
import type { CompiledIndex } from "../../shared/catalog/compile";
import type { Day } from "../../shared/day";
import type { NudgeMemory } from "../../shared/policy/evaluate";
import type { PolicyResponse, ReportRequest } from "../../shared/protocol";
import type { CounterBook } from "./counters";

/** Everything the extension keeps in `storage.local`, by key. */
export interface LocalState {
  counters: CounterBook;
  sent: CounterBook;
  /** The device pseudonym the server issued, and the server it belongs to. */
  device: { serverUrl: string; deviceId: string; deviceToken: string } | null;
  /** The last good catalog index from the server, with its ETag. */
  catalog: { etag: string | null; index: CompiledIndex; fetchedAt: number } | null;
  /** The last good policy from the server, with its ETag. */
  policy: { etag: string | null; response: PolicyResponse; fetchedAt: number } | null;
  /** Nudge memory per tool (shown, answered): never leaves the device. */
  nudges: Record<string, NudgeMemory>;
  /** The last report the server accepted, exactly as sent, for the transparency view. */
  lastReport: { at: number; report: ReportRequest } | null;
  /** Delivery state: consecutive failures and the last error, for backoff and the popup. */
  delivery: { failures: number; lastError: string | null; lastAttemptAt: number | null; nextAttemptAt: number | null };
  /** The last managed settings the browser reported (enterprise policy). */
  managedSnapshot: Record<string, unknown>;
  /**
   * What the device could not keep or send, counted so totals stay honest: counts of tools
   * the server does not know, unsent days past retention, and candidate visits beyond the
   * per-day bound on distinct domains.
   */
  notKept: NotKept;
  /** Settings entered on the options page (managed settings win over them). */
  options: Partial<{ serverUrl: string; enrollmentToken: string; group: string; reporting: boolean }>;
}

const DEFAULTS: LocalState = {
  counters: {},
  sent: {},
  device: null,
  catalog: null,
  policy: null,
  nudges: {},
  lastReport: null,
  delivery: { failures: 0, lastError: null, lastAttemptAt: null, nextAttemptAt: null },
  managedSnapshot: {},
  notKept: { unknownTools: 0, expired: 0, candidateOverflow: 0 },
  options: {},
};

export interface NotKept {
  unknownTools: number;
  expired: number;
  candidateOverflow: number;
}

export async function read<K extends keyof LocalState>(key: K): Promise<LocalState[K]> {
  const stored = await browser.storage.local.get(key);
  return (stored[key] as LocalState[K] | undefined) ?? structuredClone(DEFAULTS[key]);
}

export async function write<K extends keyof LocalState>(key: K, value: LocalState[K]): Promise<void> {
  await browser.storage.local.set({ [key]: value });
}

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

export type { Day };
