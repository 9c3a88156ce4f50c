import { parse } from "tldts";
import { addDays } from "../shared/day";
import { ANSWER_EVENTS, type EventKind } from "../shared/events";
import { GUARD_ANSWERS } from "../shared/guard/outcomes";
import { LIMITS, PLAUSIBLE_GUARD_PER_DAY, PLAUSIBLE_PER_DAY } from "../shared/limits";
import type { GuardCount, JustificationCount, RefusalReason, RefusedCount, ReportRequest } from "../shared/protocol";
import { implausibleCandidates } from "./plausibility/candidates";
import { implausibleDiscovery } from "./plausibility/discovery";
import { implausibleLessons } from "./plausibility/lessons";

/*
 * Which counts of a report a device could not honestly have made. Counts are self-reported
 * and any employee can script the device API with the enrollment token, so the worker refuses
 * (and stores nothing of the report) when a count:
 *   - names a day outside the retention window, a tool the catalog lacks, or a justification
 *     reason its policy version does not have;
 *   - names a policy version never published, or a day before that version was published;
 *   - exceeds what one person could do in a day (PLAUSIBLE_PER_DAY);
 *   - makes the answers to nudges (acknowledged, dismissed, left, justified, redirected)
 *     outnumber the nudges shown that day for the tool and version, review requests
 *     outnumber blocks, or justification reasons outnumber justifications;
 *   - grows a device's day past LIMITS.maxCandidatesPerDay distinct candidate domains or
 *     LIMITS.maxCounterRowsPerDeviceDay counter rows, or is not a registrable domain, or
 *     names a candidate signal the server can tell is false (plausibility/candidates.ts);
 *   - names a lesson version no published policy carried, or a day before it was published,
 *     exceeds PLAUSIBLE_LESSON_OUTCOMES_PER_DAY, or makes a lesson's day hold more completions
 *     than openings, or more passes at the first try than completions;
 *   - (guard counts) exceeds PLAUSIBLE_GUARD_PER_DAY, grows a device's day past
 *     LIMITS.maxGuardRowsPerDeviceDay rows, or makes the answers to the guard's warnings
 *     (pasted anyway, removed) outnumber the warnings for that tool, detector, day and version.
 * Stored values take part: counters are cumulative and max-merged, so a check compares what
 * the day would hold after the merge. Everything here is pure; ingest/apply.ts reads the
 * stored state and the published versions first.
 *
 * Two kinds of check differ under a queue. A count on its own (window, tool, version, cap,
 * domain) and the per-day row and domain limits can only get worse as more counts arrive,
 * so checking a report against less than everything stored never lets a bad count through.
 * The relations between counts (answers and nudges shown, reasons and justifications, lessons
 * completed and opened, answers to the guard's warnings and warnings) can go either way: an honest report that carries only what grew
 * relies on an earlier report for its nudges or openings. `relations: false` skips them, for a check made before the device's
 * earlier reports are known to be stored (the queued path checks them again when it applies).
 */

export interface CheckOptions {
  /** Check answers against nudges shown, reasons against justifications and lesson outcomes in order (default true). */
  relations?: boolean;
  /** The catalog's AI vendor domains, for candidates with the `aiVendor` signal (default: none). */
  vendorDomains?: ReadonlySet<string>;
}

/** What the device already stored for the report's days, and what the server published. */
export interface StoredState {
  /** `day|tool|event|version` -> n */
  counters: Map<string, number>;
  /** `day|tool|reason|version` -> n */
  justifications: Map<string, number>;
  /** day -> candidate domains stored for the device */
  candidates: Map<string, Set<string>>;
  /** `day|tool|detector|outcome|version` -> n */
  guard: Map<string, number>;
  /** version -> day it was published (UTC) */
  published: Map<number, string>;
  /** version -> its justification reason ids (only versions the report's justifications name) */
  reasons: Map<number, Set<string>>;
  /** `day|lesson|version|outcome` -> n (read only when the report carries lesson outcomes) */
  lessons: Map<string, number>;
  /** `lesson|version` -> day it was first published (read only when the report carries lesson outcomes) */
  lessonVersions: Map<string, string>;
  /** day -> `site|tool` embeds stored for the device (absent: none) */
  embeds?: Map<string, Set<string>>;
  /** day -> the AI browser stored for the device that day (absent: none) */
  browsers?: Map<string, string>;
  /** day -> extension tokens stored for the device (absent: none) */
  extensionTokens?: Map<string, Set<string>>;
  /** day -> `store|id` of named extensions stored for the device (absent: none) */
  revealedExtensions?: Map<string, Set<string>>;
}

export interface Catalog {
  has(tool: string): boolean;
  /** The entry's kind: absent for a tool met in pages, "extension" or "browser" otherwise. */
  get(tool: string): { kind?: "extension" | "browser" } | undefined;
}

const counterKey = (day: string, tool: string, event: string, version: number) => `${day}|${tool}|${event}|${version}`;

/** Whether `domain` is exactly a registrable domain under an ICANN public suffix. */
export function isRegistrableDomain(domain: string): boolean {
  if (domain.split(".").some((label) => label.length > LIMITS.maxCandidateLabelLength)) return false;
  const parsed = parse(domain, { allowPrivateDomains: false });
  return parsed.isIcann === true && parsed.domain === domain;
}

export type Problem = [RefusalReason, string];

export function implausibleCounts(
  report: ReportRequest,
  stored: StoredState,
  tools: Catalog,
  today: string,
  options: CheckOptions = {},
): RefusedCount[] {
  const relations = options.relations ?? true;
  const refused: RefusedCount[] = [];
  const oldest = addDays(today, -LIMITS.retentionDays);
  const newest = addDays(today, 1);

  const dayProblem = (day: string): Problem | null => {
    if (day < oldest) return ["day_out_of_window", `${day} is older than the ${LIMITS.retentionDays}-day retention`];
    if (day > newest) return ["day_out_of_window", `${day} is in the future`];
    return null;
  };
  const toolProblem = (tool: string): Problem | null =>
    tools.has(tool) ? null : ["unknown_tool", `unknown tool "${tool}"`];
  const versionProblem = (day: string, version: number): Problem | null => {
    const published = stored.published.get(version);
    if (published === undefined) return ["unpublished_version", `policy v${version} was never published`];
    if (day < published)
      return ["before_publication", `policy v${version} was published on ${published}, after ${day}`];
    return null;
  };

  // Counters: each on its own, then the counts of one day, tool and version together.
  const accepted = new Map<string, number>();
  const counterRefusal = (
    day: string,
    counter: { tool: string; event: string; policyVersion: number },
    [reason, message]: Problem,
  ) => {
    const { tool, event, policyVersion } = counter;
    refused.push({ kind: "counter", day, tool, event, policyVersion, reason, message });
  };
  const rowsPerDay = new Map<string, Set<string>>();
  for (const entry of report.days) {
    const storedKeys = [...stored.counters.keys()].filter((key) => key.startsWith(`${entry.day}|`));
    const rows = new Set(storedKeys);
    rowsPerDay.set(entry.day, rows);
    for (const counter of entry.counters) {
      const key = counterKey(entry.day, counter.tool, counter.event, counter.policyVersion);
      const cap = PLAUSIBLE_PER_DAY[counter.event];
      const problem =
        dayProblem(entry.day) ??
        toolProblem(counter.tool) ??
        versionProblem(entry.day, counter.policyVersion) ??
        (counter.n > cap ? ([`over_cap`, `${counter.event} ${counter.n} > ${cap} in one day`] as Problem) : null) ??
        (!rows.has(key) && rows.size >= LIMITS.maxCounterRowsPerDeviceDay
          ? (["too_many", `more than ${LIMITS.maxCounterRowsPerDeviceDay} counters in one day`] as Problem)
          : null);
      if (problem) counterRefusal(entry.day, counter, problem);
      else {
        accepted.set(key, counter.n);
        rows.add(key);
      }
    }
  }
  /** The value a counter would hold after the merge (0 when it does not exist). */
  const merged = (day: string, tool: string, event: EventKind, version: number) => {
    const key = counterKey(day, tool, event, version);
    return Math.max(stored.counters.get(key) ?? 0, accepted.get(key) ?? 0);
  };
  const grew = (key: string) => (accepted.get(key) ?? 0) > (stored.counters.get(key) ?? 0);
  const groups = new Map<string, { day: string; tool: string; version: number }>();
  for (const key of accepted.keys()) {
    const [day = "", tool = "", , version = "0"] = key.split("|");
    groups.set(`${day}|${tool}|${version}`, { day, tool, version: Number(version) });
  }
  for (const { day, tool, version } of relations ? groups.values() : []) {
    const shown = merged(day, tool, "nudge_shown", version);
    const answers = ANSWER_EVENTS.reduce((sum, event) => sum + merged(day, tool, event, version), 0);
    if (answers > shown) {
      for (const event of ANSWER_EVENTS) {
        const key = counterKey(day, tool, event, version);
        if (!grew(key)) continue;
        accepted.delete(key);
        counterRefusal(day, { tool, event, policyVersion: version }, [
          "answer_without_nudge",
          `${answers} answers to ${shown} nudges shown`,
        ]);
      }
    }
    const requests = merged(day, tool, "review_requested", version);
    const blocks = merged(day, tool, "blocked", version);
    const requestKey = counterKey(day, tool, "review_requested", version);
    if (requests > blocks && grew(requestKey)) {
      accepted.delete(requestKey);
      counterRefusal(day, { tool, event: "review_requested", policyVersion: version }, [
        "answer_without_nudge",
        `${requests} review requests to ${blocks} blocked visits`,
      ]);
    }
  }

  // Justification reasons: each on its own, then all reasons of one day, tool and version
  // against the justifications counted.
  const reasonTotals = new Map<string, { total: number; grown: JustificationCount[] }>();
  for (const j of report.justifications ?? []) {
    const reasons = stored.reasons.get(j.policyVersion);
    const problem =
      dayProblem(j.day) ??
      toolProblem(j.tool) ??
      versionProblem(j.day, j.policyVersion) ??
      (reasons?.has(j.reason)
        ? null
        : (["unknown_reason", `"${j.reason}" is not a reason of policy v${j.policyVersion}`] as Problem)) ??
      (j.n > PLAUSIBLE_PER_DAY.justified
        ? (["over_cap", `reason ${j.n} > ${PLAUSIBLE_PER_DAY.justified} in one day`] as Problem)
        : null);
    const base = { kind: "justification", day: j.day, tool: j.tool, justification: j.reason } as const;
    if (problem) {
      refused.push({ ...base, policyVersion: j.policyVersion, reason: problem[0], message: problem[1] });
      continue;
    }
    const group = `${j.day}|${j.tool}|${j.policyVersion}`;
    const totals = reasonTotals.get(group) ?? { total: 0, grown: [] };
    const before = stored.justifications.get(`${j.day}|${j.tool}|${j.reason}|${j.policyVersion}`) ?? 0;
    totals.total += Math.max(before, j.n) - before;
    if (j.n > before) totals.grown.push(j);
    reasonTotals.set(group, totals);
  }
  for (const [group, totals] of relations ? reasonTotals : []) {
    const [day = "", tool = "", version = "0"] = group.split("|");
    let storedTotal = 0;
    for (const [key, n] of stored.justifications)
      if (key.startsWith(`${day}|${tool}|`) && key.endsWith(`|${version}`)) storedTotal += n;
    const justified = merged(day, tool, "justified", Number(version));
    if (storedTotal + totals.total <= justified) continue;
    for (const j of totals.grown) {
      refused.push({
        kind: "justification",
        day: j.day,
        tool: j.tool,
        justification: j.reason,
        policyVersion: j.policyVersion,
        reason: "answer_without_nudge",
        message: `${storedTotal + totals.total} reasons given for ${justified} justifications`,
      });
    }
  }

  refused.push(
    ...implausibleCandidates(report.candidates ?? [], stored, dayProblem, {
      vendorDomains: options.vendorDomains ?? new Set(),
      relations,
    }),
  );
  refused.push(...implausibleLessons(report.lessons ?? [], stored, dayProblem, relations));
  refused.push(...implausibleDiscovery(report, stored, tools, dayProblem));
  refused.push(
    ...implausibleGuardCounts(report.guard ?? [], stored, { dayProblem, toolProblem, versionProblem }, relations),
  );
  return refused;
}

const guardKey = (day: string, tool: string, detector: string, outcome: string, version: number) =>
  `${day}|${tool}|${detector}|${outcome}|${version}`;

/** The sensitive-data guard's counts: each on its own, then answers against warnings. */
function implausibleGuardCounts(
  counts: GuardCount[],
  stored: StoredState,
  checks: {
    dayProblem(day: string): Problem | null;
    toolProblem(tool: string): Problem | null;
    versionProblem(day: string, version: number): Problem | null;
  },
  relations: boolean,
): RefusedCount[] {
  const refused: RefusedCount[] = [];
  const refuse = (g: GuardCount, [reason, message]: Problem) => {
    const { day, tool, detector, outcome, policyVersion } = g;
    refused.push({ kind: "guard", day, tool, detector, outcome, policyVersion, reason, message });
  };
  const rowsPerDay = new Map<string, Set<string>>();
  const accepted = new Map<string, GuardCount>();
  for (const g of counts) {
    let rows = rowsPerDay.get(g.day);
    if (!rows) {
      rows = new Set([...stored.guard.keys()].filter((key) => key.startsWith(`${g.day}|`)));
      rowsPerDay.set(g.day, rows);
    }
    const key = guardKey(g.day, g.tool, g.detector, g.outcome, g.policyVersion);
    const cap = PLAUSIBLE_GUARD_PER_DAY[g.outcome];
    const problem =
      checks.dayProblem(g.day) ??
      checks.toolProblem(g.tool) ??
      checks.versionProblem(g.day, g.policyVersion) ??
      (g.n > cap ? (["over_cap", `guard ${g.outcome} ${g.n} > ${cap} in one day`] as Problem) : null) ??
      (!rows.has(key) && rows.size >= LIMITS.maxGuardRowsPerDeviceDay
        ? (["too_many", `more than ${LIMITS.maxGuardRowsPerDeviceDay} guard counts in one day`] as Problem)
        : null);
    if (problem) refuse(g, problem);
    else {
      accepted.set(key, g);
      rows.add(key);
    }
  }
  const merged = (day: string, tool: string, detector: string, outcome: string, version: number) => {
    const key = guardKey(day, tool, detector, outcome, version);
    return Math.max(stored.guard.get(key) ?? 0, accepted.get(key)?.n ?? 0);
  };
  const checked = new Set<string>();
  for (const g of relations ? accepted.values() : []) {
    const group = `${g.day}|${g.tool}|${g.detector}|${g.policyVersion}`;
    if (checked.has(group)) continue;
    checked.add(group);
    const warned = merged(g.day, g.tool, g.detector, "warned", g.policyVersion);
    const answers = GUARD_ANSWERS.reduce(
      (sum, outcome) => sum + merged(g.day, g.tool, g.detector, outcome, g.policyVersion),
      0,
    );
    if (answers <= warned) continue;
    for (const outcome of GUARD_ANSWERS) {
      const answer = accepted.get(guardKey(g.day, g.tool, g.detector, outcome, g.policyVersion));
      const before = stored.guard.get(guardKey(g.day, g.tool, g.detector, outcome, g.policyVersion)) ?? 0;
      if (answer && answer.n > before) {
        refuse(answer, ["answer_without_nudge", `${answers} answers to ${warned} guard warnings`]);
      }
    }
  }
  return refused;
}
