import { and, gte, inArray, isNull, sql } from "drizzle-orm";
import type { EventCounts } from "../../shared/admin";
import { addDays } from "../../shared/day";
import type { Database } from "./client";
import { dailyRollups, devices, deviceTools } from "./schema";

/*
 * Queries several admin views share. Totals read `daily_rollups` (a few rows per day and
 * tool, kept beyond the raw retention); "active" device counts read the per-device tables
 * (`devices.last_report_day`, `device_tools`, `device_days`), never the raw counters.
 */

/** Days an active device may be silent and still count as active in awareness figures. */
export const ACTIVE_DAYS = 30;

/** The `n` days ending with `today`, oldest first. */
export function lastDays(today: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => addDays(today, i - n + 1));
}

/** Enrolled, not revoked, and reported about `since` or a later day. */
export function activeDevicesSince(since: string) {
  return and(isNull(devices.revokedAt), gte(devices.lastReportDay, since));
}

/** Per tool: first and last day seen and devices that used it since each given day. */
export async function toolSpans(db: Database, since7: string, since30: string) {
  const rows = await db
    .select({
      tool: deviceTools.tool,
      firstSeen: sql<string>`min(${deviceTools.firstSeen})`,
      lastSeen: sql<string>`max(${deviceTools.lastSeen})`,
      devices7: sql<number>`sum(${deviceTools.lastSeen} >= ${since7})`,
      devices30: sql<number>`sum(${deviceTools.lastSeen} >= ${since30})`,
    })
    .from(deviceTools)
    .groupBy(deviceTools.tool)
    .all();
  return rows.map((row) => ({ ...row, devices7: Number(row.devices7), devices30: Number(row.devices30) }));
}

/** All-time event totals per tool (optionally for some tools only). */
export async function eventTotals(db: Database, tools?: string[]): Promise<Map<string, EventCounts>> {
  const rows = await db
    .select({ tool: dailyRollups.tool, event: dailyRollups.event, n: sql<number>`sum(${dailyRollups.n})` })
    .from(dailyRollups)
    .where(tools ? inArray(dailyRollups.tool, tools) : undefined)
    .groupBy(dailyRollups.tool, dailyRollups.event)
    .all();
  const totals = new Map<string, EventCounts>();
  for (const row of rows) {
    const events = totals.get(row.tool) ?? {};
    events[row.event as keyof EventCounts] = Number(row.n);
    totals.set(row.tool, events);
  }
  return totals;
}
