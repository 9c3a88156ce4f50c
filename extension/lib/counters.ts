import type { Day } from "../../shared/day";
import { EVENTS, type EventKind } from "../../shared/events";
import { LIMITS } from "../../shared/limits";
import type { CandidateCount, JustificationCount, ReportDay, ReportRequest } from "../../shared/protocol";

/*
 * Counts kept on the device, as cumulative per-day values in one book:
 *   book[day][key] = n
 * with three kinds of key, each a tab-separated tuple:
 *   "c\t<tool>\t<event>\t<policyVersion>"    a counter (visit, nudge_shown, acknowledged, ...)
 *   "j\t<tool>\t<reason>\t<policyVersion>"   a justification reason chosen
 *   "d\t<registrable domain>"               a visit to an unknown site that looks like AI
 * `counters` holds what happened, `sent` what the server has acknowledged. A report carries,
 * for each day, the full current value of every count that is above its acknowledged value.
 * The server keeps max(stored, received), so re-sending after a lost response, a crash or a
 * retry never counts twice, and the book needs no bookkeeping beyond `sent`.
 */

export type CounterBook = Record<Day, Record<string, number>>;

export interface Entry {
  day: Day;
  key: string;
  n: number;
}

export function counterKey(tool: string, event: EventKind, policyVersion: number): string {
  return `c\t${tool}\t${event}\t${policyVersion}`;
}

export function justificationKey(tool: string, reason: string, policyVersion: number): string {
  return `j\t${tool}\t${reason}\t${policyVersion}`;
}

export function candidateKey(domain: string): string {
  return `d\t${domain}`;
}

/** Adds `by` to one count; returns a new book. */
export function addCount(book: CounterBook, day: Day, key: string, by = 1): CounterBook {
  const dayCounts = { ...(book[day] ?? {}) };
  dayCounts[key] = Math.min(LIMITS.maxCounterValue, (dayCounts[key] ?? 0) + by);
  return { ...book, [day]: dayCounts };
}

/** Every count the server has not acknowledged yet, oldest day first. */
export function pendingEntries(counters: CounterBook, sent: CounterBook): Entry[] {
  const entries: Entry[] = [];
  for (const day of Object.keys(counters).sort()) {
    const acknowledged = sent[day] ?? {};
    for (const [key, n] of Object.entries(counters[day] ?? {})) {
      if (n > (acknowledged[key] ?? 0)) entries.push({ day, key, n });
    }
  }
  return entries;
}

/** The report body for a set of entries: exactly what goes over the wire. */
export function toReport(entries: Entry[]): ReportRequest {
  const days = new Map<Day, ReportDay["counters"]>();
  const justifications: JustificationCount[] = [];
  const candidates: CandidateCount[] = [];
  for (const { day, key, n } of entries) {
    const [kind, a = "", b = "", c = ""] = key.split("\t");
    if (kind === "c" && (EVENTS as readonly string[]).includes(b)) {
      const list = days.get(day) ?? [];
      list.push({ tool: a, event: b as EventKind, policyVersion: Number(c), n });
      days.set(day, list);
    } else if (kind === "j") {
      justifications.push({ day, tool: a, reason: b, policyVersion: Number(c), n });
    } else if (kind === "d") {
      candidates.push({ day, domain: a, n });
    }
  }
  const report: ReportRequest = { days: [...days].map(([day, counters]) => ({ day, counters })) };
  if (justifications.length) report.justifications = justifications;
  if (candidates.length) report.candidates = candidates;
  return report;
}

/** The pending entries that fit in one report: the oldest days first, within the limits. */
export function nextBatch(entries: Entry[]): Entry[] {
  const days = [...new Set(entries.map((e) => e.day))].slice(0, LIMITS.maxDaysPerReport);
  const allowed = new Set(days);
  const batch: Entry[] = [];
  const perDay = new Map<Day, number>();
  let justifications = 0;
  let candidates = 0;
  for (const entry of entries) {
    if (!allowed.has(entry.day)) continue;
    const kind = entry.key[0];
    if (kind === "c") {
      const used = perDay.get(entry.day) ?? 0;
      if (used >= LIMITS.maxCountersPerDay) continue;
      perDay.set(entry.day, used + 1);
    } else if (kind === "j") {
      if (justifications++ >= LIMITS.maxCountersPerDay) continue;
    } else if (candidates++ >= LIMITS.maxCountersPerDay) continue;
    batch.push(entry);
  }
  return batch;
}

/** Records what the server acknowledged, keeping the larger value. */
export function markSent(sent: CounterBook, entries: Entry[]): CounterBook {
  const next: CounterBook = { ...sent };
  for (const { day, key, n } of entries) {
    const dayCounts = { ...(next[day] ?? {}) };
    dayCounts[key] = Math.max(dayCounts[key] ?? 0, n);
    next[day] = dayCounts;
  }
  return next;
}

/**
 * Drops what no longer needs keeping: acknowledged days older than `keepFrom`, and any day
 * older than `hardFrom` (the server refuses such days anyway). Unsent counts in between stay
 * until they are delivered.
 */
export function compact(
  counters: CounterBook,
  sent: CounterBook,
  keepFrom: Day,
  hardFrom: Day,
): { counters: CounterBook; sent: CounterBook; expired: number } {
  const pending = pendingEntries(counters, sent);
  const unsent = new Set(pending.map((e) => e.day));
  const kept: CounterBook = {};
  for (const [day, values] of Object.entries(counters)) {
    if (day >= keepFrom || (unsent.has(day) && day >= hardFrom)) kept[day] = values;
  }
  const keptSent: CounterBook = {};
  for (const [day, values] of Object.entries(sent)) if (day in kept) keptSent[day] = values;
  // What was never delivered and is now gone: the part above the acknowledged value.
  const expired = pending
    .filter((e) => !(e.day in kept))
    .reduce((sum, e) => sum + e.n - (sent[e.day]?.[e.key] ?? 0), 0);
  return { counters: kept, sent: keptSent, expired };
}

/**
 * Whether a new candidate domain still fits in a day's book: distinct unknown domains are
 * bounded (LIMITS.maxCandidatesPerDay), so a flood of look-alike sites cannot grow storage.
 */
export function candidateFits(book: CounterBook, day: Day, key: string): boolean {
  const values = book[day] ?? {};
  if (key in values) return true;
  let domains = 0;
  for (const existing of Object.keys(values)) if (existing[0] === "d") domains++;
  return domains < LIMITS.maxCandidatesPerDay;
}

/**
 * Removes every count of the given tools (a server that does not know a tool refuses the
 * whole report, so its counts would block the queue forever); returns how many were removed.
 */
export function dropTools(book: CounterBook, tools: Set<string>): { book: CounterBook; dropped: number } {
  const next: CounterBook = {};
  let dropped = 0;
  for (const [day, values] of Object.entries(book)) {
    const kept: Record<string, number> = {};
    for (const [key, n] of Object.entries(values)) {
      const tool = key.split("\t")[1] ?? "";
      if ((key[0] === "c" || key[0] === "j") && tools.has(tool)) dropped += n;
      else kept[key] = n;
    }
    next[day] = kept;
  }
  return { book: next, dropped };
}
