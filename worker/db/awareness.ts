import { and, count, eq, gte, inArray, isNull, notExists, sql } from "drizzle-orm";
import type { Database, RowsOf } from "./client";
import { deviceEvents, deviceFlags, devices, eventDays } from "./schema";

/*
 * Awareness: of the devices counted as active, how many did something under a policy version.
 * Every figure is a number of distinct devices from the per-device tables (device_events),
 * never a sum of self-reported counts, so a device that claims a million acknowledgements
 * still counts once. Active devices are enrolled, not revoked, reported about `since` or a
 * later day, and not flagged as outliers (pending or excluded): a flagged device stays out of
 * awareness and evidence until an admin keeps it.
 */

/** Devices whose flag is not "kept": left out of awareness and evidence. */
function unflagged() {
  return notExists(
    sql`(SELECT 1 FROM ${deviceFlags} WHERE ${deviceFlags.deviceId} = ${devices.id} AND ${deviceFlags.state} <> 'kept')`,
  );
}

/** Enrolled, not revoked, reported about `since` or later, and not set aside as an outlier. */
function countedDevicesSince(since: string) {
  return and(isNull(devices.revokedAt), gte(devices.lastReportDay, since), unflagged());
}

/** Active devices since `since`, and of them those that acknowledged each policy version. */
export async function coverageByVersion(db: Database, since: string) {
  return coverageOf(...(await db.batch(coverageQueries(db, since))));
}

/** The statements `coverageByVersion` reads, unexecuted so a view can send them in its own batch. */
export function coverageQueries(db: Database, since: string) {
  return [
    db.select({ n: count() }).from(devices).where(countedDevicesSince(since)),
    db
      .select({ version: deviceEvents.policyVersion, n: count() })
      .from(deviceEvents)
      .innerJoin(devices, eq(devices.id, deviceEvents.deviceId))
      .where(and(eq(deviceEvents.event, "acknowledged"), countedDevicesSince(since)))
      .groupBy(deviceEvents.policyVersion),
  ] as const;
}

type CoverageRows = RowsOf<ReturnType<typeof coverageQueries>>;

export function coverageOf([active]: CoverageRows[0], acknowledged: CoverageRows[1]) {
  return {
    active: active?.n ?? 0,
    acknowledged: new Map(acknowledged.map((row) => [row.version, row.n])),
  };
}

/**
 * Active devices by the policy version they run: the newest version each device counted
 * anything under (a device moves to a new version with its next policy fetch, never back).
 * Before k-anonymity; devices that counted nothing under any version are in no row. Each
 * device's newest version is one seek at the end of its rows in device_events' key.
 */
export async function runningByVersion(db: Database, since: string): Promise<Map<number, number>> {
  const rows = await db.all<{ version: number; n: number }>(sql`
    SELECT version, count(*) AS n FROM (
      SELECT (SELECT max(e.policy_version) FROM ${deviceEvents} e WHERE e.device_id = ${devices.id}) AS version
      FROM ${devices} WHERE ${countedDevicesSince(since)})
    GROUP BY version HAVING version IS NOT NULL`);
  return new Map(rows.map((row) => [Number(row.version), Number(row.n)]));
}

/** The same for one version, per device group (before k-anonymity). */
export async function coverageByGroup(db: Database, since: string, version: number) {
  const rows = await db
    .select({
      group: devices.groupLabel,
      active: count(),
      acknowledged: sql<number>`count(${deviceEvents.deviceId})`,
    })
    .from(devices)
    .leftJoin(
      deviceEvents,
      and(
        eq(deviceEvents.deviceId, devices.id),
        eq(deviceEvents.policyVersion, version),
        eq(deviceEvents.event, "acknowledged"),
      ),
    )
    .where(countedDevicesSince(since))
    .groupBy(devices.groupLabel)
    .all();
  return rows.map((row) => ({ group: row.group, active: row.active, acknowledged: Number(row.acknowledged) }));
}

/** Distinct counted devices with each event under a version (within the retention window). */
export async function devicesPerEvent(db: Database, version: number, events: readonly string[]) {
  const rows = await db
    .select({ event: deviceEvents.event, n: count() })
    .from(deviceEvents)
    .innerJoin(devices, eq(devices.id, deviceEvents.deviceId))
    .where(and(eq(deviceEvents.policyVersion, version), inArray(deviceEvents.event, [...events]), unflagged()))
    .groupBy(deviceEvents.event)
    .all();
  return new Map(rows.map((row) => [row.event, row.n]));
}

/** Distinct devices per day with each event under a version, from `since` on. */
export async function devicesPerEventDay(db: Database, version: number, events: readonly string[], since: string) {
  return db
    .select({ day: eventDays.day, event: eventDays.event, devices: eventDays.devices })
    .from(eventDays)
    .where(and(eq(eventDays.policyVersion, version), inArray(eventDays.event, [...events]), gte(eventDays.day, since)))
    .all();
}
