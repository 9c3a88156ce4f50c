import type { Day } from "../../shared/day";
import { EVENTS, type EventKind } from "../../shared/events";
import type { ReportDay } from "../../shared/protocol";

/*
 * Counters kept on the device, as cumulative per-day values:
 *   book[day]["tool\tevent\tpolicyVersion"] = n
 * `counters` holds what happened, `sent` what the server has acknowledged. A report carries,
 * for each day, the full current value of every counter that is above its acknowledged value.
 * The server keeps max(stored, received), so re-sending after a lost response, a crash or a
 * retry never counts twice, and the book needs no per-report bookkeeping beyond `sent`.
 */

export type CounterBook = Record<Day, Record<string, number>>;

export function counterKey(tool: string, event: EventKind, policyVersion: number): string {
  return `${tool}\t${event}\t${policyVersion}`;
}

export function parseCounterKey(key: string): { tool: string; event: EventKind; policyVersion: number } | null {
  const [tool, event, version] = key.split("\t");
  if (!tool || !event || version === undefined || !(EVENTS as readonly string[]).includes(event)) return null;
  return { tool, event: event as EventKind, policyVersion: Number(version) };
}

/** Adds `by` to one counter; returns a new book. */
export function addCount(book: CounterBook, day: Day, key: string, by = 1): CounterBook {
  const dayCounters = { ...(book[day] ?? {}) };
  dayCounters[key] = (dayCounters[key] ?? 0) + by;
  return { ...book, [day]: dayCounters };
}

/** The days and counters the server has not acknowledged yet, oldest day first. */
export function pendingDays(counters: CounterBook, sent: CounterBook): ReportDay[] {
  const days: ReportDay[] = [];
  for (const day of Object.keys(counters).sort()) {
    const acknowledged = sent[day] ?? {};
    const entries: ReportDay["counters"] = [];
    for (const [key, n] of Object.entries(counters[day] ?? {})) {
      if (n <= (acknowledged[key] ?? 0)) continue;
      const parsed = parseCounterKey(key);
      if (parsed) entries.push({ ...parsed, n });
    }
    if (entries.length) days.push({ day, counters: entries });
  }
  return days;
}

/** Records what the server acknowledged, keeping the larger value. */
export function markSent(sent: CounterBook, days: ReportDay[]): CounterBook {
  const next: CounterBook = { ...sent };
  for (const { day, counters } of days) {
    const dayCounters = { ...(next[day] ?? {}) };
    for (const c of counters) {
      const key = counterKey(c.tool, c.event, c.policyVersion);
      dayCounters[key] = Math.max(dayCounters[key] ?? 0, c.n);
    }
    next[day] = dayCounters;
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
): { counters: CounterBook; sent: CounterBook } {
  const unsent = new Set(pendingDays(counters, sent).map((d) => d.day));
  const kept: CounterBook = {};
  for (const [day, values] of Object.entries(counters)) {
    if (day >= keepFrom || (unsent.has(day) && day >= hardFrom)) kept[day] = values;
  }
  const keptSent: CounterBook = {};
  for (const [day, values] of Object.entries(sent)) if (day in kept) keptSent[day] = values;
  return { counters: kept, sent: keptSent };
}
