import type { ReviewStatus } from "../../shared/events";
import { evaluatePolicy } from "../../shared/policy/evaluate";
import { relevantLessons } from "../../shared/policy/lessons";
import type { Policy } from "../../shared/policy/schema";
import { toolsById } from "../catalog";
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

/** The (tool, lesson id) pairs of relevance under a policy, over the whole catalog. */
export function relevancePairs(policy: Policy, reviews: Record<string, { status: ReviewStatus }>): string[][] {
  const pairs: string[][] = [];
  if (!policy.literacy?.lessons.length) return pairs;
  for (const tool of toolsById.values()) {
    const decision = evaluatePolicy(policy, tool, reviews[tool.id]);
    for (const lesson of relevantLessons(policy, decision, tool)) pairs.push([tool.id, lesson.id]);
  }
  return pairs;
}

// Devices counted: not set aside as outliers (and for recent use, active and not revoked).
// The flagged devices are a handful, read once as a list rather than looked up per device.
const UNFLAGGED = "d.id NOT IN (SELECT device_id FROM device_flags WHERE state <> 'kept')";

/**
 * The devices counted (`counted`: id and group, each device read once) and which of their
 * device_tools rows `t` count as use (`uses`), with their parameters (?2, and ?3 for a period).
 */
function usedSql(use: LiteracyUse): { counted: string; uses: string; params: string[] } {
  if (use.kind === "recent") {
    return {
      counted: `SELECT d.id, d.group_label FROM devices d
                WHERE d.revoked_at IS NULL AND d.last_report_day >= ?2 AND ${UNFLAGGED}`,
      uses: "t.last_seen >= ?2",
      params: [use.since, use.until],
    };
  }
  // Visits within the period, from the devices' visit spans (db/spans.ts), not the raw counters.
  return {
    counted: `SELECT d.id, d.group_label FROM devices d WHERE ${UNFLAGGED}`,
    uses: toolUsedWithin("visit", "?2", "?3"),
    params: [use.from, use.to],
  };
}

export async function literacyCounts(d1: D1Database, pairs: string[][], use: LiteracyUse): Promise<LiteracyCounts> {
  if (pairs.length === 0) return { groups: [], lessons: new Map(), versions: [] };
  const used = usedSql(use);
  // ?1 the pairs, ?2 and ?3 the days: use from ?2 (to ?3 for a period), completions up to ?3.
  // One statement: the devices' relevant lessons are found once and read by the three
  // groupings (per device group, per lesson, per lesson version and outcome); each device's
  // group travels with its rows, so devices are read once.
  const { results } = await d1
    .prepare(
      `WITH fit(tool, lesson) AS (
        SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?1)),
      counted AS MATERIALIZED (${used.counted}),
      used AS MATERIALIZED (SELECT DISTINCT t.device_id, c.group_label, f.lesson
        FROM fit f JOIN device_tools t ON t.tool = f.tool AND ${used.uses} JOIN counted c ON c.id = t.device_id),
      per AS MATERIALIZED (SELECT u.device_id, u.group_label, u.lesson, EXISTS (SELECT 1 FROM device_lessons c
          WHERE c.device_id = u.device_id AND c.lesson = u.lesson AND c.outcome = 'completed' AND c.first_day <= ?3) AS done
        FROM used u)
      SELECT 'group' AS kind, p.group_label AS name, NULL AS version, NULL AS outcome,
             count(*) AS users, sum(p.done = p.needed) AS devices
        FROM (SELECT device_id, group_label, count(*) AS needed, sum(done) AS done FROM per GROUP BY device_id) p
        GROUP BY p.group_label
      UNION ALL
      SELECT 'lesson', lesson, NULL, NULL, count(*), sum(done) FROM per GROUP BY lesson
      UNION ALL
      SELECT 'version', u.lesson, l.version, l.outcome, NULL, count(*) FROM used u
        JOIN device_lessons l ON l.device_id = u.device_id AND l.lesson = u.lesson
        WHERE l.outcome IN ('completed', 'passed_first_try') AND l.first_day <= ?3
        GROUP BY u.lesson, l.version, l.outcome`,
    )
    .bind(JSON.stringify(pairs), ...used.params)
    .all<Record<string, string | number | null>>();
  const of = (kind: string) => results.filter((row) => row.kind === kind);
  return {
    groups: of("group").map((row) => ({
      group: row.name === null ? null : String(row.name),
      users: Number(row.users),
      covered: Number(row.devices),
    })),
    lessons: new Map(
      of("lesson").map((row) => [String(row.name), { users: Number(row.users), completed: Number(row.devices) }]),
    ),
    versions: of("version").map((row) => ({
      lesson: String(row.name),
      version: Number(row.version),
      outcome: row.outcome as "completed" | "passed_first_try",
      devices: Number(row.devices),
    })),
  };
}
