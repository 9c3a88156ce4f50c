import type { ReviewStatus } from "../../shared/events";
import { evaluatePolicy } from "../../shared/policy/evaluate";
import { relevantLessons } from "../../shared/policy/lessons";
import type { Policy } from "../../shared/policy/schema";
import { toolsById } from "../catalog";
import { type BatchedRead, readAlone } from "./batch";
import { toolUsedWithin } from "./spans";

/*
 * Literacy coverage: of the devices that used AI tools for which the policy offers or
 * requires a lesson, how many completed every such lesson. A lesson is relevant to a tool
 * when the device would offer it there (shared/policy/lessons.ts: it fits the tool, and the
 * tool is not allowed unless a requirement includes allowed tools), under the given policy
 * and the current reviews; a device covers a lesson when it completed any published version
 * of it (all check questions answered correctly) by the last day counted.
 *
 * Every figure counts distinct devices from the per-device tables (device_tools for use,
 * device_lessons for completions), never sums of self-reported counts. The (tool, lesson)
 * pairs travel as one JSON parameter, read by SQLite's json_each, so the whole computation is
 * one statement of three groupings whatever the fleet's size.
 */

/** Which devices' use counts: recent use (the dashboard) or use within a period (evidence). */
export type LiteracyUse =
  | { kind: "recent"; since: string; until: string }
  | { kind: "period"; from: string; to: string };

export interface LiteracyCounts {
  /** Per device group: devices that used a tool with a relevant lesson, and those covered. */
  groups: Array<{ group: string | null; users: number; covered: number }>;
  /** Per lesson: devices that used a tool it is relevant to, and those that completed it. */
  lessons: Map<string, { users: number; completed: number }>;
  /** Per lesson and version: of the lesson's users, devices that completed it, or passed at the first try. */
  versions: Array<{ lesson: string; version: number; outcome: "completed" | "passed_first_try"; devices: number }>;
}

/**
 * Pairs found per policy object and the reviews they were found under (as JSON). A published
 * policy is one shared object per isolate (db/published.ts), so the walk over the whole
 * catalog runs once per policy and set of reviews, not with every view.
 */
const pairsSeen = new WeakMap<Policy, Map<string, string[][]>>();
const REVIEW_SETS_KEPT = 8;

/** The (tool, lesson id) pairs of relevance under a policy, over the whole catalog (read-only: shared). */
export function relevancePairs(
  policy: Policy,
  reviews: Record<string, { status: ReviewStatus; alternative?: string | null; agreement?: boolean }>,
): string[][] {
  if (!policy.literacy?.lessons.length) return [];
  const key = JSON.stringify(Object.entries(reviews).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  let seen = pairsSeen.get(policy);
  if (!seen) {
    seen = new Map();
    pairsSeen.set(policy, seen);
  }
  const known = seen.get(key);
  if (known) return known;
  const pairs: string[][] = [];
  for (const tool of toolsById.values()) {
    const decision = evaluatePolicy(policy, tool, reviews[tool.id]);
    for (const lesson of relevantLessons(policy, decision, tool)) pairs.push([tool.id, lesson.id]);
  }
  if (seen.size >= REVIEW_SETS_KEPT) seen.delete(seen.keys().next().value as string);
  seen.set(key, pairs);
  return pairs;
}

// Devices counted: not set aside as outliers (and for recent use, active and not revoked).
// The flagged devices are a handful, read once as a list rather than looked up per device.
const UNFLAGGED = "d.id NOT IN (SELECT device_id FROM device_flags WHERE state <> 'kept')";

/**
 * Which devices `d` count (`counted`, read once per device that used a tool with a lesson) and
 * which of their device_tools rows `t` count as use (`uses`), with their parameters (?2, and
 * ?3 for a period).
 */
function usedSql(use: LiteracyUse): { counted: string; uses: string; params: string[] } {
  if (use.kind === "recent") {
    return {
      counted: `d.revoked_at IS NULL AND d.last_report_day >= ?2 AND ${UNFLAGGED}`,
      uses: "t.last_seen >= ?2",
      params: [use.since, use.until],
    };
  }
  // Visits within the period, from the devices' visit spans (db/spans.ts), not the raw counters.
  return {
    counted: UNFLAGGED,
    uses: toolUsedWithin("visit", "?2", "?3"),
    params: [use.from, use.to],
  };
}

/** SQL: the union (bitwise or) of the integer expression `mask` over a group's rows, for `bits` bits. */
function unionOf(mask: string, bits: number): string {
  return Array.from({ length: bits }, (_, i) => `max(${mask} & ${2 ** i})`).join(" + ");
}

export function literacyCounts(d1: D1Database, pairs: string[][], use: LiteracyUse): Promise<LiteracyCounts> {
  return readAlone(d1, literacyRead(d1, pairs, use));
}

/** Literacy coverage as a read to batch with others. */
export function literacyRead(d1: D1Database, pairs: string[][], use: LiteracyUse): BatchedRead<LiteracyCounts> {
  if (pairs.length === 0) return { statements: [], read: () => ({ groups: [], lessons: new Map(), versions: [] }) };
  const used = usedSql(use);
  // Each lesson is a bit (a policy has at most LIMITS.maxLessons), so a device's relevant
  // lessons and its completed ones are two integers: one row per device, not per lesson, and
  // every lesson's figures come from one pass over those rows.
  const lessons = [...new Set(pairs.map(([, lesson = ""]) => lesson))];
  if (lessons.length > 52) throw new Error(`literacy: ${lessons.length} lessons, at most 52 fit in one integer`);
  const bitOf = new Map(lessons.map((lesson, i) => [lesson, 2 ** i]));
  const maskOf = new Map<string, number>();
  for (const [tool = "", lesson = ""] of pairs) maskOf.set(tool, (maskOf.get(tool) ?? 0) | (bitOf.get(lesson) ?? 0));
  const perLesson = lessons.map((_, i) => `sum((needed & ${2 ** i}) <> 0), sum((done & ${2 ** i}) <> 0)`).join(", ");
  // ?1 each tool's lessons, ?4 each lesson's bit, ?2 and ?3 the days: use from ?2 (to ?3 for a
  // period), completions up to ?3. One statement: each counted device's lessons are found
  // once and read by the three parts (per device group, per lesson, per version and outcome).
  // `fit` is materialized: left as a view, each of the union's terms would extract the mask
  // from the JSON again for every row of device_tools (a third of the statement's time).
  const statement = d1
    .prepare(
      `WITH fit(tool, mask) AS MATERIALIZED (
        SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?1)),
      names(lesson, bit) AS (SELECT key, value FROM json_each(?4)),
      needs AS MATERIALIZED (SELECT t.device_id, ${unionOf("f.mask", lessons.length)} AS needed
        FROM fit f JOIN device_tools t ON t.tool = f.tool AND ${used.uses} GROUP BY t.device_id),
      per AS MATERIALIZED (SELECT n.device_id, d.group_label, n.needed, n.needed & coalesce((
          SELECT ${unionOf("m.bit", lessons.length)} FROM device_lessons l JOIN names m ON m.lesson = l.lesson
          WHERE l.device_id = n.device_id AND l.outcome = 'completed' AND l.first_day <= ?3), 0) AS done
        FROM needs n JOIN devices d ON d.id = n.device_id WHERE ${used.counted})
      SELECT 'group' AS kind, group_label AS name, NULL AS version, NULL AS outcome,
             count(*) AS users, sum(done = needed) AS devices
        FROM per GROUP BY group_label
      UNION ALL
      SELECT 'lessons', json_array(${perLesson}), NULL, NULL, NULL, NULL FROM per
      UNION ALL
      SELECT 'version', l.lesson, l.version, l.outcome, NULL, count(*) FROM per p
        JOIN device_lessons l ON l.device_id = p.device_id
        JOIN names m ON m.lesson = l.lesson
        WHERE (p.needed & m.bit) <> 0 AND l.outcome IN ('completed', 'passed_first_try') AND l.first_day <= ?3
        GROUP BY l.lesson, l.version, l.outcome`,
    )
    .bind(JSON.stringify([...maskOf]), ...used.params, JSON.stringify(Object.fromEntries(bitOf)));
  return { statements: [statement], read: ([result]) => countsOf(lessons, result?.results ?? []) };
}

function countsOf(lessons: string[], results: Array<Record<string, unknown>>): LiteracyCounts {
  const of = (kind: string) => results.filter((row) => row.kind === kind);
  // Per lesson, users and completions in pairs, in the lessons' order; a lesson nobody needs is left out.
  const figures = JSON.parse(String(of("lessons")[0]?.name ?? "[]")) as Array<number | null>;
  return {
    groups: of("group").map((row) => ({
      group: row.name === null ? null : String(row.name),
      users: Number(row.users),
      covered: Number(row.devices),
    })),
    lessons: new Map(
      lessons.flatMap((lesson, i) => {
        const users = Number(figures[2 * i] ?? 0);
        return users > 0 ? [[lesson, { users, completed: Number(figures[2 * i + 1] ?? 0) }]] : [];
      }),
    ),
    versions: of("version").map((row) => ({
      lesson: String(row.name),
      version: Number(row.version),
      outcome: row.outcome as "completed" | "passed_first_try",
      devices: Number(row.devices),
    })),
  };
}
