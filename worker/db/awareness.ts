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

/** Active devices since `since`, and of them those that acknowledged each policy version, unexecuted (rows: `coverageOf`). */
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

export interface ActiveDevices {
  /** Active devices (before k-anonymity). */
  active: number;
  /** Of them, those that acknowledged each policy version. */
  acknowledged: Map<number, number>;
  /**
   * By the policy version they run: the newest version each device counted anything under (a
   * device moves to a new version with its next policy fetch, never back); devices that
   * counted nothing under any version are in no row.
   */
  running: Map<number, number>;
  /** Per device group: active devices, and those that acknowledged `version`. */
  groups: Array<{ group: string | null; active: number; acknowledged: number }>;
}

/**
 * Everything awareness counts of the active devices, in one statement: each active device is
 * read once with its newest version (from its few rows in device_events' key, read from the
 * index alone) and whether it acknowledged `version`, then grouped three ways. Before
 * k-anonymity.
 */
export async function activeDevices(db: Database, since: string, version: number): Promise<ActiveDevices> {
  const rows = await db.all<{ kind: string; name: string | number | null; devices: number; acknowledged: number }>(sql`
    WITH active AS MATERIALIZED (
      SELECT ${devices.id} AS id, ${devices.groupLabel} AS group_label,
        (SELECT max(e.policy_version) FROM ${deviceEvents} e WHERE e.device_id = ${devices.id}) AS running,
        EXISTS (SELECT 1 FROM ${deviceEvents} k WHERE k.device_id = ${devices.id} AND k.policy_version = ${version}
          AND k.event = 'acknowledged') AS acked
      FROM ${devices} WHERE ${countedDevicesSince(since)})
    SELECT 'group' AS kind, group_label AS name, count(*) AS devices, sum(acked) AS acknowledged
      FROM active GROUP BY group_label
    UNION ALL
    SELECT 'running', running, count(*), NULL FROM active WHERE running IS NOT NULL GROUP BY running
    UNION ALL
    SELECT 'acknowledged', k.policy_version, count(*), NULL FROM active a
      JOIN ${deviceEvents} k ON k.device_id = a.id AND k.event = 'acknowledged'
      GROUP BY k.policy_version`);
  const of = (kind: string) => rows.filter((row) => row.kind === kind);
  const perVersion = (kind: string) => new Map(of(kind).map((row) => [Number(row.name), Number(row.devices)]));
  const groups = of("group").map((row) => ({
    group: row.name === null ? null : String(row.name),
    active: Number(row.devices),
    acknowledged: Number(row.acknowledged),
  }));
  return {
    active: groups.reduce((sum, row) => sum + row.active, 0),
    acknowledged: perVersion("acknowledged"),
    running: perVersion("running"),
    groups,
  };
}

/**
 * Distinct counted devices with each event under a version (within the retention window),
 * from the (version, event, device) index alone: every event row has its device (retention
 * deletes a device's rows with it), and the flagged devices are a handful, read once as a list
 * instead of a lookup per row.
 */
export async function devicesPerEvent(db: Database, version: number, events: readonly string[]) {
  const rows = await db
    .select({ event: deviceEvents.event, n: count() })
    .from(deviceEvents)
    .where(
      and(
        eq(deviceEvents.policyVersion, version),
        inArray(deviceEvents.event, [...events]),
        sql`${deviceEvents.deviceId} NOT IN (SELECT ${deviceFlags.deviceId} FROM ${deviceFlags} WHERE ${deviceFlags.state} <> 'kept')`,
      ),
    )
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
