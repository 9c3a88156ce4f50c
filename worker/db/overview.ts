import { and, count, eq, gte, isNull, sql } from "drizzle-orm";
import type { Database } from "./client";
import { dailyRollups, deviceDays, devices, deviceTools } from "./schema";

/*
 * The fleet figures the overview opens with. `categoryOfTool` maps every inventory entry (the
 * organization's own included) to its category, bound as one JSON parameter so SQLite can
 * count distinct devices per category; walking it first turns each entry into a range of the
 * covering (tool, last_seen, device_id) index instead of a scan of every device's tools.
 */

/** Distinct enrolled devices that used any entry since `since` (revoked devices left out). */
export async function activeDevicesSince(db: Database, since: string, categoryOfTool: string): Promise<number> {
  const row = await db.get<{ n: number }>(sql`
    SELECT count(DISTINCT dt.device_id) AS n
    FROM json_each(${categoryOfTool}) AS m
    CROSS JOIN ${deviceTools} AS dt ON dt.tool = m.key AND dt.last_seen >= ${since}
    WHERE dt.device_id IN (SELECT id FROM ${devices} WHERE revoked_at IS NULL)`);
  return Number(row?.n ?? 0);
}

/** Enrolled (unrevoked) devices, and how many of them reported since `since`. */
export async function fleetSize(db: Database, since: string): Promise<{ enrolled: number; reporting: number }> {
  const row = await db
    .select({
      enrolled: count(),
      reporting: sql<number>`coalesce(sum(${devices.lastReportDay} >= ${since}), 0)`,
    })
    .from(devices)
    .where(isNull(devices.revokedAt))
    .get();
  return { enrolled: Number(row?.enrolled ?? 0), reporting: Number(row?.reporting ?? 0) };
}

/** Distinct devices per category since `since` (usage keeps what revoked devices did). */
export function devicesPerCategory(db: Database, since: string, categoryOfTool: string) {
  return db.all<{ category: string; devices: number }>(sql`
    SELECT m.value AS category, count(DISTINCT dt.device_id) AS devices
    FROM json_each(${categoryOfTool}) AS m
    CROSS JOIN ${deviceTools} AS dt ON dt.tool = m.key AND dt.last_seen >= ${since}
    GROUP BY m.value`);
}

/** Visits of every tool per day since `since`. */
export function fleetVisitsPerDay(db: Database, since: string) {
  return db
    .select({ day: dailyRollups.day, n: sql<number>`sum(${dailyRollups.n})` })
    .from(dailyRollups)
    .where(and(gte(dailyRollups.day, since), eq(dailyRollups.event, "visit")))
    .groupBy(dailyRollups.day)
    .all();
}

/** Devices that reported, per day since `since`. */
export function reportingPerDay(db: Database, since: string) {
  return db
    .select({ day: deviceDays.day, n: count() })
    .from(deviceDays)
    .where(gte(deviceDays.day, since))
    .groupBy(deviceDays.day)
    .all();
}
