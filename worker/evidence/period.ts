import { type SQL, sql } from "drizzle-orm";
import { SQLiteAsyncDialect } from "drizzle-orm/sqlite-core";
import type { InventoryKind } from "../../shared/events";
import { type BatchedRead, type ReadsOf, type Rows, readAlone, rowsRead } from "../db/batch";
import { discoveredWithin, toolUsedWithin } from "../db/spans";

/*
 * What the evidence pack reads for a period, as one read to batch with the pack's others: the
 * fleet, coverage by group, reminders and their answers, tools used, exception requests, candidates,
 * policy publications, flagged devices and the discovered AI systems. Flagged devices whose
 * flag was not kept are left out of every figure that counts devices.
 *
 * A period lies within the raw retention, so a table's rows of the period are most of its
 * rows: counting distinct devices per tool reads per-device spans where there are some, and
 * otherwise an index in (tool, device) order, named with INDEXED BY where the planner would
 * rather take the day index and sort every row it finds.
 */

const COUNTED = sql.raw("NOT EXISTS (SELECT 1 FROM device_flags f WHERE f.device_id = d.id AND f.state <> 'kept')");

/**
 * Device `d` reported within from..to: its latest report day lies in the period, or one seek
 * in device_days finds a day there (only devices that also reported after the period, or
 * whose latest day is older, are looked up), instead of reading every device's days.
 */
function reportedWithin(from: string, to: string) {
  return sql`(d.last_report_day BETWEEN ${from} AND ${to}
    OR EXISTS (SELECT 1 FROM device_days r WHERE r.device_id = d.id AND r.day BETWEEN ${from} AND ${to}))`;
}

export function startOf(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function endOf(day: string): number {
  return startOf(day) + 86_400_000 - 1;
}

/** Turns the statements below into SQL text and parameters for D1's own batch. */
const dialect = new SQLiteAsyncDialect();

/** The rows behind a pack of the period `from`..`to` with policy `version` in force, as one read to batch. */
export function periodRead(d1: D1Database, from: string, to: string, version: number) {
  const all = <T>(query: SQL): BatchedRead<T[]> => {
    const { sql: text, params } = dialect.sqlToQuery(query);
    return rowsRead<T>(d1.prepare(text).bind(...params));
  };
  // Totals of active and acknowledging devices are the sums over groups (one pass, not two).
  const parts = [
    all<{ enrolled: number; reporting: number }>(sql`
        SELECT count(*) AS enrolled, coalesce(sum(${reportedWithin(from, to)}), 0) AS reporting
        FROM devices d
        WHERE d.enrolled_at <= ${endOf(to)} AND (d.revoked_at IS NULL OR d.revoked_at >= ${startOf(from)})
          AND ${COUNTED}`),
    all<{ group: string | null; active: number; acknowledged: number }>(sql`
        SELECT d.group_label AS "group", count(*) AS active, count(k.device_id) AS acknowledged
        FROM devices d
        LEFT JOIN device_events k ON k.device_id = d.id AND k.policy_version = ${version}
          AND k.event = 'acknowledged' AND k.first_day <= ${to}
        WHERE ${reportedWithin(from, to)} AND ${COUNTED}
        GROUP BY d.group_label`),
    // Devices shown a reminder in the period, and of them those that acknowledged one then:
    // one pass over the table's rows (its key holds no days, so reading rows in key order
    // would look each one up), grouped by device; every event row has its device (retention
    // deletes them together), and the flagged devices are read once as a list.
    all<{ shown: number; acknowledged: number }>(sql`
        SELECT count(*) AS shown, coalesce(sum(s.acknowledged), 0) AS acknowledged
        FROM (SELECT device_id, max(event = 'acknowledged') AS acknowledged FROM device_events NOT INDEXED
              WHERE event IN ('nudge_shown', 'acknowledged') AND first_day <= ${to} AND last_day >= ${from}
              GROUP BY device_id HAVING max(event = 'nudge_shown')) s
        WHERE s.device_id NOT IN (SELECT device_id FROM device_flags WHERE state <> 'kept')`),
    // Tools visited in the period, with the distinct devices that counted anything about them
    // in it (a period lies within the raw window, so the per-device spans are exact).
    all<{ tool: string; devices: number }>(sql`
        SELECT r.tool, coalesce(c.devices, 0) AS devices
        FROM (SELECT DISTINCT tool FROM daily_rollups WHERE day BETWEEN ${from} AND ${to} AND event = 'visit') r
        LEFT JOIN (SELECT t.tool, count(*) AS devices
                   FROM (SELECT ${from} AS from_day, ${to} AS to_day) p, device_tools t
                   WHERE ${sql.raw(toolUsedWithin("counted", "p.from_day", "p.to_day"))} GROUP BY t.tool) c
          ON c.tool = r.tool`),
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
        FROM (SELECT tool, reason, sum(n) AS requests, count(DISTINCT device_id) AS devices
              FROM justifications INDEXED BY justifications_tool_reason
              WHERE day BETWEEN ${from} AND ${to} GROUP BY tool, reason) j
        LEFT JOIN exception_decisions e ON e.tool = j.tool AND e.reason = j.reason`),
    all<{ domain: string; state: string }>(sql`
        SELECT d.domain, d.state FROM candidate_domains d
        WHERE EXISTS (SELECT 1 FROM candidates c WHERE c.domain = d.domain AND c.day BETWEEN ${from} AND ${to})`),
    all<{ n: number }>(sql`
        SELECT count(*) AS n FROM policy_versions
        WHERE published_at BETWEEN ${startOf(from)} AND ${endOf(to)}`),
    all<{ n: number }>(sql`SELECT count(*) AS n FROM device_flags WHERE state <> 'kept'`),
    // Extensions, browsers and embedded tools in use in the period, with distinct devices:
    // one row per device and item (discovery_spans), not one per day.
    all<{ kind: InventoryKind; tool: string; devices: number }>(sql`
        SELECT s.kind, s.item AS tool, count(*) AS devices
        FROM (SELECT ${from} AS from_day, ${to} AS to_day) p, discovery_spans s
        WHERE ${sql.raw(discoveredWithin("p.from_day", "p.to_day"))}
        GROUP BY s.kind, s.item`),
  ] as const;
  return {
    statements: parts.flatMap((part) => part.statements),
    read: (results: Rows[]) =>
      parts.map((part, i) => part.read([results[i] as Rows])) as unknown as ReadsOf<typeof parts>,
  };
}

/** The rows of a pack's period, read on their own (tests). */
export function periodRows(d1: D1Database, from: string, to: string, version: number) {
  return readAlone(d1, periodRead(d1, from, to, version));
}
