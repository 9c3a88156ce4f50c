import { and, count, eq, gte, isNull, sql } from "drizzle-orm";
import type { Database } from "./client";
import { dailyRollups, deviceDays, devices, deviceTools } from "./schema";

/*
 * The fleet figures the overview opens with. `categoryOfTool` maps every inventory entry (the
 * organization's own included) to its category, bound as one JSON parameter so SQLite can
 * count distinct devices per category; walking it first turns each entry into a range of the
 * covering (tool, last_seen, device_id) index instead of a scan of every device's tools.
 */

/**
 * Distinct devices that used any entry since `since`, in one statement: of enrolled devices
 * over every entry (revoked devices left out), and per category (usage keeps what revoked
 * devices did). Each count groups the (device, entry) rows once for itself: sorting the rows
 * by category and counting the devices of each is cheaper than first building every distinct
 * (device, category) pair and then reading those twice.
 */
export async function devicesSince(
  db: Database,
  since: string,
  categoryOfTool: string,
): Promise<{ active: number; perCategory: Array<{ category: string; devices: number }> }> {
  const rows = await db.all<{ category: string | null; devices: number }>(sql`
    SELECT NULL AS category, count(*) AS devices
      FROM (SELECT dt.device_id FROM ${deviceTools} AS dt
            WHERE dt.last_seen >= ${since} AND dt.tool IN (SELECT key FROM json_each(${categoryOfTool}))
            GROUP BY dt.device_id) AS u
      WHERE u.device_id IN (SELECT id FROM ${devices} WHERE revoked_at IS NULL)
    UNION ALL
    SELECT m.value, count(DISTINCT dt.device_id)
      FROM json_each(${categoryOfTool}) AS m
      CROSS JOIN ${deviceTools} AS dt ON dt.tool = m.key AND dt.last_seen >= ${since}
      GROUP BY m.value`);
  return {
    active: Number(rows.find((row) => row.category === null)?.devices ?? 0),
    perCategory: rows.flatMap((row) =>
      row.category === null ? [] : [{ category: row.category, devices: Number(row.devices) }],
    ),
  };
}

/** Enrolled (unrevoked) devices, and how many of them reported since `since` (rows: `fleetSizeOf`). */
export function fleetSizeQuery(db: Database, since: string) {
  return db
    .select({
      enrolled: count(),
      reporting: sql<number>`coalesce(sum(${devices.lastReportDay} >= ${since}), 0)`,
    })
    .from(devices)
    .where(isNull(devices.revokedAt));
}

export function fleetSizeOf([row]: Awaited<ReturnType<typeof fleetSizeQuery>>): {
  enrolled: number;
  reporting: number;
} {
  return { enrolled: Number(row?.enrolled ?? 0), reporting: Number(row?.reporting ?? 0) };
}

/** Visits of every tool per day since `since`. */
export function fleetVisitsPerDay(db: Database, since: string) {
  return db
    .select({ day: dailyRollups.day, n: sql<number>`sum(${dailyRollups.n})` })
    .from(dailyRollups)
    .where(and(gte(dailyRollups.day, since), eq(dailyRollups.event, "visit")))
    .groupBy(dailyRollups.day);
}

/** Devices that reported, per day since `since`. */
export function reportingPerDay(db: Database, since: string) {
  return db
    .select({ day: deviceDays.day, n: count() })
    .from(deviceDays)
    .where(gte(deviceDays.day, since))
    .groupBy(deviceDays.day);
}
