import type { ReviewStatus } from "../../shared/events";
import { evaluatePolicy } from "../../shared/policy/evaluate";
import { relevantLessons } from "../../shared/policy/lessons";
import type { Policy } from "../../shared/policy/schema";
import { toolsById } from "../catalog";

/*
 * Literacy coverage: of the devices that used AI tools for which the policy offers or
 * requires a lesson, how many completed every such lesson. A lesson is relevant to a tool
 * when the device would offer it there (shared/policy/lessons.ts: it fits the tool, and the
 * tool is not allowed unless a requirement includes allowed tools), under the given policy
 * and the current reviews; a device covers a lesson when it completed any published version
 * of it (all check questions answered correctly) by the last day counted.
 *
 * Every figure counts distinct devices from the per-device tables (device_tools or the raw
 * counters for use, device_lessons for completions), never sums of self-reported counts.
 * The (tool, lesson) pairs travel as one JSON parameter, read by SQLite's json_each, so the
 * whole computation is three grouped queries whatever the fleet's size.
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
const UNFLAGGED = "NOT EXISTS (SELECT 1 FROM device_flags f WHERE f.device_id = d.id AND f.state <> 'kept')";

function usedSql(use: LiteracyUse): { sql: string; params: string[] } {
  if (use.kind === "recent") {
    return {
      sql: `SELECT t.device_id, t.tool FROM device_tools t JOIN devices d ON d.id = t.device_id
            WHERE t.last_seen >= ?2 AND d.revoked_at IS NULL AND d.last_report_day >= ?2 AND ${UNFLAGGED}`,
      params: [use.since, use.until],
    };
  }
  return {
    sql: `SELECT DISTINCT c.device_id, c.tool FROM daily_counters c JOIN devices d ON d.id = c.device_id
          WHERE c.day BETWEEN ?2 AND ?3 AND c.event = 'visit' AND ${UNFLAGGED}`,
    params: [use.from, use.to],
  };
}

export async function literacyCounts(d1: D1Database, pairs: string[][], use: LiteracyUse): Promise<LiteracyCounts> {
  if (pairs.length === 0) return { groups: [], lessons: new Map(), versions: [] };
  const used = usedSql(use);
  // ?1 the pairs, ?2 and ?3 the days: use from ?2 (to ?3 for a period), completions up to ?3.
  const common = `WITH fit(tool, lesson) AS (
      SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?1)),
    used AS (SELECT DISTINCT u.device_id, f.lesson FROM (${used.sql}) u JOIN fit f ON f.tool = u.tool),
    done AS (SELECT DISTINCT device_id, lesson FROM device_lessons WHERE outcome = 'completed' AND first_day <= ?3)`;
  const bind = (statement: string) => d1.prepare(`${common} ${statement}`).bind(JSON.stringify(pairs), ...used.params);
  const [groups, lessons, versions] = await d1.batch([
    bind(`SELECT d.group_label AS "group", count(*) AS users, sum(p.done = p.needed) AS covered
          FROM (SELECT u.device_id, count(*) AS needed, count(c.device_id) AS done FROM used u
                LEFT JOIN done c ON c.device_id = u.device_id AND c.lesson = u.lesson GROUP BY u.device_id) p
          JOIN devices d ON d.id = p.device_id GROUP BY d.group_label`),
    bind(`SELECT u.lesson, count(*) AS users, count(c.device_id) AS completed FROM used u
          LEFT JOIN done c ON c.device_id = u.device_id AND c.lesson = u.lesson GROUP BY u.lesson`),
    bind(`SELECT u.lesson, l.version, l.outcome, count(*) AS devices FROM used u
          JOIN device_lessons l ON l.device_id = u.device_id AND l.lesson = u.lesson
          WHERE l.outcome IN ('completed', 'passed_first_try') AND l.first_day <= ?3
          GROUP BY u.lesson, l.version, l.outcome`),
  ]);
  type Row = Record<string, string | number | null>;
  const rows = (result: D1Result | undefined) => (result?.results ?? []) as Row[];
  return {
    groups: rows(groups).map((row) => ({
      group: row.group === null ? null : String(row.group),
      users: Number(row.users),
      covered: Number(row.covered),
    })),
    lessons: new Map(
      rows(lessons).map((row) => [String(row.lesson), { users: Number(row.users), completed: Number(row.completed) }]),
    ),
    versions: rows(versions).map((row) => ({
      lesson: String(row.lesson),
      version: Number(row.version),
      outcome: row.outcome as "completed" | "passed_first_try",
      devices: Number(row.devices),
    })),
  };
}
