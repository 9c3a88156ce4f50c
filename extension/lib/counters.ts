import { CANDIDATE_SIGNALS, type CandidateSignal } from "../../shared/catalog/candidates";
import type { Day } from "../../shared/day";
import { EVENTS, type EventKind } from "../../shared/events";
import { GUARD_OUTCOMES, GUARD_SUBJECTS, type GuardOutcome, type GuardSubject } from "../../shared/guard/outcomes";
import { LESSON_OUTCOMES, type LessonOutcome } from "../../shared/lessons/terms";
import { LIMITS } from "../../shared/limits";
import type {
  CandidateCount,
  GuardCount,
  JustificationCount,
  LessonCount,
  RefusedCount,
  ReportDay,
  ReportRequest,
} from "../../shared/protocol";
import {
  addToReport,
  type DiscoveryCount,
  discoveryCodec,
  refusedDiscovery,
  toolOfDiscovery,
} from "../background/discovery/counts";

/*
 * Counts kept on the device, as cumulative per-day values in one book:
 *   book[day][encoded count] = n
 * Each count is a typed record (`Count`): an event of a tool under a policy version, a
 * justification reason chosen, a visit to an unknown site that looks like AI (and, as
 * presences of value 1, the signals that said so that day), what became of
 * a paste the sensitive-data guard stopped (detector and outcome), or an outcome of a lesson
 * version (opened, completed, passed at the first try; never an answer). `countCodec`
 * is the one place that turns a record into its storage key and back.
 *
 * `counters` holds what happened, `sent` what the server has acknowledged. A report carries,
 * for each day, the full current value of every count that is above its acknowledged value.
 * The server keeps max(stored, received), so re-sending after a lost response, a crash or a
 * retry never counts twice, and the book needs no bookkeeping beyond `sent`.
 */

export type Count =
  | { kind: "event"; tool: string; event: EventKind; policyVersion: number }
  | { kind: "justification"; tool: string; reason: string; policyVersion: number }
  | { kind: "candidate"; domain: string; signal?: CandidateSignal }
  | { kind: "guard"; tool: string; detector: GuardSubject; outcome: GuardOutcome; policyVersion: number }
  | { kind: "discovery"; item: DiscoveryCount }
  | { kind: "lesson"; lesson: string; version: number; outcome: LessonOutcome };

export type CounterBook = Record<Day, Record<string, number>>;

export interface Entry {
  day: Day;
  count: Count;
  n: number;
}

const isEvent = (value: string): value is EventKind => (EVENTS as readonly string[]).includes(value);
const isVersion = (value: number) => Number.isInteger(value) && value >= 0;
const isGuardSubject = (value: string): value is GuardSubject => (GUARD_SUBJECTS as readonly string[]).includes(value);
const isGuardOutcome = (value: string): value is GuardOutcome => (GUARD_OUTCOMES as readonly string[]).includes(value);
const isOutcome = (value: string): value is LessonOutcome => (LESSON_OUTCOMES as readonly string[]).includes(value);
const isSignal = (value: string): value is CandidateSignal => (CANDIDATE_SIGNALS as readonly string[]).includes(value);

/** The storage key of a count and back; a key that does not decode is never reported. */
export const countCodec = {
  encode(count: Count): string {
    switch (count.kind) {
      case "event":
        return `c\t${count.tool}\t${count.event}\t${count.policyVersion}`;
      case "justification":
        return `j\t${count.tool}\t${count.reason}\t${count.policyVersion}`;
      case "candidate":
        return count.signal ? `d\t${count.domain}\t${count.signal}` : `d\t${count.domain}`;
      case "guard":
        return `g\t${count.tool}\t${count.detector}\t${count.outcome}\t${count.policyVersion}`;
      case "discovery":
        return `x\t${discoveryCodec.encode(count.item)}`;
      case "lesson":
        return `l\t${count.lesson}\t${count.version}\t${count.outcome}`;
    }
  },
  decode(key: string): Count | null {
    if (key.startsWith("g\t")) {
      const [, tool = "", detector = "", outcome = "", version = "", ...more] = key.split("\t");
      const policyVersion = Number(version);
      if (more.length > 0 || tool === "" || !isGuardSubject(detector) || !isGuardOutcome(outcome)) return null;
      return isVersion(policyVersion) && version !== ""
        ? { kind: "guard", tool, detector, outcome, policyVersion }
        : null;
    }
    if (key.startsWith("x\t")) {
      const item = discoveryCodec.decode(key.split("\t").slice(1));
      return item ? { kind: "discovery", item } : null;
    }
    const [kind, a = "", b = "", c = "", ...rest] = key.split("\t");
    if (rest.length > 0 || a === "") return null;
    const policyVersion = Number(c);
    if (kind === "c" && isEvent(b) && isVersion(policyVersion))
      return { kind: "event", tool: a, event: b, policyVersion };
    if (kind === "j" && b !== "" && isVersion(policyVersion)) {
      return { kind: "justification", tool: a, reason: b, policyVersion };
    }
    if (kind === "d" && b === "" && c === "") return { kind: "candidate", domain: a };
    if (kind === "d" && isSignal(b) && c === "") return { kind: "candidate", domain: a, signal: b };
    const version = Number(b);
    if (kind === "l" && isOutcome(c) && isVersion(version) && version > 0) {
      return { kind: "lesson", lesson: a, version, outcome: c };
    }
    return null;
  },
};

export const eventCount = (tool: string, event: EventKind, policyVersion: number): Count => ({
  kind: "event",
  tool,
  event,
  policyVersion,
});

/** Adds `by` to one count; returns a new book. */
export function addCount(book: CounterBook, day: Day, count: Count, by = 1): CounterBook {
  const key = countCodec.encode(count);
  const dayCounts = { ...(book[day] ?? {}) };
  dayCounts[key] = Math.min(LIMITS.maxCounterValue, (dayCounts[key] ?? 0) + by);
  return { ...book, [day]: dayCounts };
}

/** Every count of a book, decoded, oldest day first. */
export function entriesOf(book: CounterBook): Entry[] {
  const entries: Entry[] = [];
  for (const day of Object.keys(book).sort()) {
    for (const [key, n] of Object.entries(book[day] ?? {})) {
      const count = countCodec.decode(key);
      if (count) entries.push({ day, count, n });
    }
  }
  return entries;
}

/** The acknowledged value of one count. */
function sentValue(sent: CounterBook, day: Day, count: Count): number {
  return sent[day]?.[countCodec.encode(count)] ?? 0;
}

/** Every count the server has not acknowledged yet, oldest day first. */
export function pendingEntries(counters: CounterBook, sent: CounterBook): Entry[] {
  return entriesOf(counters).filter((entry) => entry.n > sentValue(sent, entry.day, entry.count));
}

/** The report body for a set of entries: exactly what goes over the wire. */
export function toReport(entries: Entry[]): ReportRequest {
  const days = new Map<Day, ReportDay["counters"]>();
  const justifications: JustificationCount[] = [];
  const candidates = new Map<string, { day: Day; domain: string; n: number; signals: Set<CandidateSignal> }>();
  const guard: GuardCount[] = [];
  const discovery: Array<[Day, DiscoveryCount, number]> = [];
  const lessons: LessonCount[] = [];
  for (const { day, count, n } of entries) {
    if (count.kind === "event") {
      const list = days.get(day) ?? [];
      list.push({ tool: count.tool, event: count.event, policyVersion: count.policyVersion, n });
      days.set(day, list);
    } else if (count.kind === "justification") {
      justifications.push({ day, tool: count.tool, reason: count.reason, policyVersion: count.policyVersion, n });
    } else if (count.kind === "guard") {
      const { tool, detector, outcome, policyVersion } = count;
      guard.push({ day, tool, detector, outcome, policyVersion, n });
    } else if (count.kind === "discovery") {
      discovery.push([day, count.item, n]);
    } else if (count.kind === "lesson") {
      lessons.push({ day, lesson: count.lesson, version: count.version, outcome: count.outcome, n });
    } else {
      // A site's visits and its signals travel as one entry; a signal without its visits (already
      // acknowledged) goes with n = 1, which the server's max-merge leaves as it is.
      const key = `${day}|${count.domain}`;
      const entry = candidates.get(key) ?? { day, domain: count.domain, n: 1, signals: new Set() };
      if (count.signal) entry.signals.add(count.signal);
      else entry.n = n;
      candidates.set(key, entry);
    }
  }
  const report: ReportRequest = { days: [...days].map(([day, counters]) => ({ day, counters })) };
  if (justifications.length) report.justifications = justifications;
  if (candidates.size) report.candidates = [...candidates.values()].map(candidateItem);
  if (guard.length) report.guard = guard;
  for (const [day, item, n] of discovery) addToReport(report, day, item, n);
  if (lessons.length) report.lessons = lessons;
  return report;
}

function candidateItem(entry: { day: Day; domain: string; n: number; signals: Set<CandidateSignal> }): CandidateCount {
  const item: CandidateCount = { day: entry.day, domain: entry.domain, n: entry.n };
  if (entry.signals.size) item.signals = CANDIDATE_SIGNALS.filter((signal) => entry.signals.has(signal));
  return item;
}

/** The count a refusal of `count` names: a candidate's signals are refused with its visits. */
export function refusalSubject(count: Count): Count {
  return count.kind === "candidate" ? { kind: "candidate", domain: count.domain } : count;
}

/** The pending entries that fit in one report: the oldest days first, within the limits. */
export function nextBatch(entries: Entry[]): Entry[] {
  const days = [...new Set(entries.map((e) => e.day))].slice(0, LIMITS.maxDaysPerReport);
  const allowed = new Set(days);
  const batch: Entry[] = [];
  const perDay = new Map<Day, number>();
  let justifications = 0;
  const candidates = new Set<string>();
  let guard = 0;
  const sections = new Map<string, number>();
  let lessons = 0;
  for (const entry of entries) {
    if (!allowed.has(entry.day)) continue;
    if (entry.count.kind === "event") {
      const used = perDay.get(entry.day) ?? 0;
      if (used >= LIMITS.maxCountersPerDay) continue;
      perDay.set(entry.day, used + 1);
    } else if (entry.count.kind === "justification") {
      if (justifications++ >= LIMITS.maxCountersPerDay) continue;
    } else if (entry.count.kind === "guard") {
      if (guard++ >= LIMITS.maxCountersPerDay) continue;
    } else if (entry.count.kind === "discovery") {
      // Each section has its own cap; a day-keyed one (unknownExtensions, browsers) has one a day.
      const used = sections.get(entry.count.item.section) ?? 0;
      if (used >= LIMITS.maxCountersPerDay) continue;
      sections.set(entry.count.item.section, used + 1);
    } else if (entry.count.kind === "lesson") {
      if (lessons++ >= LIMITS.maxCountersPerDay) continue;
    } else {
      // One report entry per site and day, however many of its signals are pending.
      const key = `${entry.day}|${entry.count.domain}`;
      if (!candidates.has(key) && candidates.size >= LIMITS.maxCountersPerDay) continue;
      candidates.add(key);
    }
    batch.push(entry);
  }
  return batch;
}

/** Records what the server acknowledged, keeping the larger value. */
export function markSent(sent: CounterBook, entries: Entry[]): CounterBook {
  const next: CounterBook = { ...sent };
  for (const { day, count, n } of entries) {
    const key = countCodec.encode(count);
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
    .reduce((sum, e) => sum + e.n - sentValue(sent, e.day, e.count), 0);
  return { counters: kept, sent: keptSent, expired };
}

/**
 * Whether a new candidate domain still fits in a day's book: distinct unknown domains are
 * bounded (LIMITS.maxCandidatesPerDay), so a flood of look-alike sites cannot grow storage.
 */
export function candidateFits(book: CounterBook, day: Day, count: Count): boolean {
  const values = book[day] ?? {};
  if (countCodec.encode(count) in values) return true;
  let domains = 0;
  for (const key of Object.keys(values)) {
    const decoded = countCodec.decode(key);
    if (decoded?.kind === "candidate" && !decoded.signal) domains++;
  }
  return domains < LIMITS.maxCandidatesPerDay;
}

/**
 * Sets aside the unacknowledged part of the chosen counts: each goes back to the value the
 * server acknowledged (or away, when it acknowledged none), so the queue moves on without
 * them and nothing the server already holds is forgotten. Returns what was set aside.
 */
export function setAside(
  counters: CounterBook,
  sent: CounterBook,
  chosen: (day: Day, count: Count) => boolean,
): { counters: CounterBook; removed: Entry[] } {
  const next: CounterBook = {};
  const removed: Entry[] = [];
  for (const [day, values] of Object.entries(counters)) {
    const kept: Record<string, number> = {};
    for (const [key, n] of Object.entries(values)) {
      const count = countCodec.decode(key);
      const acknowledged = sent[day]?.[key] ?? 0;
      if (count && n > acknowledged && chosen(day, count)) {
        removed.push({ day, count, n: n - acknowledged });
        if (acknowledged > 0) kept[key] = acknowledged;
      } else kept[key] = n;
    }
    next[day] = kept;
  }
  return { counters: next, removed };
}

/**
 * The book a new device pseudonym starts from: only what the old one never delivered. The
 * server keeps per-device maxima, so sending a day's full value again under a new pseudonym
 * would count the delivered part twice.
 */
export function rebase(counters: CounterBook, sent: CounterBook): CounterBook {
  let next: CounterBook = {};
  for (const { day, count, n } of pendingEntries(counters, sent)) {
    next = addCount(next, day, count, n - sentValue(sent, day, count));
  }
  return next;
}

/** The count a refusal names, as the device keeps it. */
export function countOfRefusal(refused: RefusedCount): { day: Day; count: Count } | null {
  switch (refused.kind) {
    case "counter":
      return isEvent(refused.event)
        ? { day: refused.day, count: eventCount(refused.tool, refused.event, refused.policyVersion) }
        : null;
    case "justification":
      return {
        day: refused.day,
        count: {
          kind: "justification",
          tool: refused.tool,
          reason: refused.justification,
          policyVersion: refused.policyVersion,
        },
      };
    case "candidate":
      return { day: refused.day, count: { kind: "candidate", domain: refused.domain } };
    case "guard": {
      const { tool, detector, outcome, policyVersion } = refused;
      return isGuardSubject(detector) && isGuardOutcome(outcome)
        ? { day: refused.day, count: { kind: "guard", tool, detector, outcome, policyVersion } }
        : null;
    }
    case "lesson":
      return isOutcome(refused.outcome)
        ? {
            day: refused.day,
            count: { kind: "lesson", lesson: refused.lesson, version: refused.version, outcome: refused.outcome },
          }
        : null;
    default: {
      const item = refusedDiscovery(refused);
      return item ? { day: refused.day, count: { kind: "discovery", item } } : null;
    }
  }
}

/** Whether a count belongs to one of the given tools (a lesson outcome names no tool). */
export function ofTools(tools: ReadonlySet<string>): (day: Day, count: Count) => boolean {
  return (_day, count) => {
    if (count.kind === "candidate" || count.kind === "lesson") return false;
    if (count.kind === "discovery") return tools.has(toolOfDiscovery(count.item) ?? "");
    return tools.has(count.tool);
  };
}
