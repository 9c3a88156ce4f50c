import { sql } from "drizzle-orm";
import type { InventoryKind } from "../../shared/events";
import type { Database } from "../db/client";

/*
 * What the evidence pack reads for a period, in one round of queries: the fleet, coverage by
 * group, reminders and their answers, tools used, reviews, exception requests, candidates,
 * policy publications, flagged devices and the discovered AI systems. Flagged devices whose
 * flag was not kept are left out of every figure that counts devices.
 */

const COUNTED = sql.raw("NOT EXISTS (SELECT 1 FROM device_flags f WHERE f.device_id = d.id AND f.state <> 'kept')");

function startOf(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function endOf(day: string): number {
  return startOf(day) + 86_400_000 - 1;
}

/** The rows behind a pack of the period `from`..`to` with policy `version` in force. */
export function periodRows(db: Database, from: string, to: string, version: number) {
  const all = <T>(query: ReturnType<typeof sql>) => db.all<T>(query);
  // Totals of active and acknowledging devices are the sums over groups (one pass, not two).
  return Promise.all([
    all<{ enrolled: number; reporting: number }>(sql`
        SELECT count(*) AS enrolled, count(a.device_id) AS reporting
        FROM devices d
        LEFT JOIN (SELECT DISTINCT device_id FROM device_days WHERE day BETWEEN ${from} AND ${to}) a
          ON a.device_id = d.id
        WHERE d.enrolled_at <= ${endOf(to)} AND (d.revoked_at IS NULL OR d.revoked_at >= ${startOf(from)})
          AND ${COUNTED}`),
    all<{ group: string | null; active: number; acknowledged: number }>(sql`
        SELECT d.group_label AS "group", count(*) AS active, count(k.device_id) AS acknowledged
        FROM (SELECT DISTINCT device_id FROM device_days WHERE day BETWEEN ${from} AND ${to}) a
        JOIN devices d ON d.id = a.device_id
        LEFT JOIN device_events k ON k.device_id = a.device_id AND k.policy_version = ${version}
          AND k.event = 'acknowledged' AND k.first_day <= ${to}
        WHERE ${COUNTED}
        GROUP BY d.group_label`),
    // Devices shown a reminder in the period, and of them those that acknowledged one then.
    all<{ shown: number; acknowledged: number }>(sql`
        SELECT count(*) AS shown, count(a.device_id) AS acknowledged
        FROM (SELECT DISTINCT device_id FROM device_events
              WHERE event = 'nudge_shown' AND first_day <= ${to} AND last_day >= ${from}) s
        JOIN devices d ON d.id = s.device_id
        LEFT JOIN (SELECT DISTINCT device_id FROM device_events
              WHERE event = 'acknowledged' AND first_day <= ${to} AND last_day >= ${from}) a
          ON a.device_id = s.device_id
        WHERE ${COUNTED}`),
    // Tools used in the period, with the most devices on one day (the raw window has exact
    // distinct devices; a period is within it, so count them there).
    all<{ tool: string; devices: number }>(sql`
        SELECT r.tool, coalesce(c.devices, 0) AS devices
        FROM (SELECT DISTINCT tool FROM daily_rollups WHERE day BETWEEN ${from} AND ${to} AND event = 'visit') r
        LEFT JOIN (SELECT tool, count(DISTINCT device_id) AS devices FROM daily_counters
                   WHERE day BETWEEN ${from} AND ${to} GROUP BY tool) c ON c.tool = r.tool`),
    all<{
      tool: string;
      status: string;
      owner: string | null;
      next_review: string | null;
      conditions: string | null;
      agreement: number;
    }>(sql`SELECT tool, status, owner, next_review, conditions, agreement FROM tool_reviews`),
    all<{
      tool: string;
      reason: string;
      requests: number;
      devices: number;
      decision: string | null;
      owner: string | null;
      expiry: string | null;
    }>(sql`
        SELECT j.tool, j.reason, j.requests, j.devices, e.decision, e.owner, e.expiry
        FROM (SELECT tool, reason, sum(n) AS requests, count(DISTINCT device_id) AS devices FROM justifications
              WHERE day BETWEEN ${from} AND ${to} GROUP BY tool, reason) j
        LEFT JOIN exception_decisions e ON e.tool = j.tool AND e.reason = j.reason`),
    all<{ domain: string; state: string }>(sql`
        SELECT c.domain, d.state
        FROM (SELECT DISTINCT domain FROM candidates WHERE day BETWEEN ${from} AND ${to}) c
        JOIN candidate_domains d ON d.domain = c.domain`),
    all<{ n: number }>(sql`
        SELECT count(*) AS n FROM policy_versions
        WHERE published_at BETWEEN ${startOf(from)} AND ${endOf(to)}`),
    all<{ n: number }>(sql`SELECT count(*) AS n FROM device_flags WHERE state <> 'kept'`),
    // Extensions, browsers and embedded tools in use in the period, with distinct devices.
    all<{ kind: InventoryKind; tool: string; devices: number }>(sql`
        SELECT 'extension' AS kind, extension AS tool, count(DISTINCT device_id) AS devices FROM device_extensions
          WHERE day BETWEEN ${from} AND ${to} GROUP BY extension
        UNION ALL SELECT 'browser', browser, count(DISTINCT device_id) FROM device_browsers
          WHERE day BETWEEN ${from} AND ${to} GROUP BY browser
        UNION ALL SELECT 'embedded', tool, count(DISTINCT device_id) FROM embeds
          WHERE day BETWEEN ${from} AND ${to} GROUP BY tool`),
  ]);
}
