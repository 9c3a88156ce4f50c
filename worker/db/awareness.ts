import { and, count, eq, sql } from "drizzle-orm";
import type { Database } from "./client";
import { deviceAcknowledgements, devices } from "./schema";
import { activeDevicesSince } from "./usage";

/*
 * Acknowledgement coverage: of the devices active since a day (enrolled, not revoked, and
 * reporting about that day or later), how many acknowledged a policy version. Both sides
 * come from per-device tables, so the figure is exact and survives the raw retention.
 */

/** Active devices since `since`, and of them those that acknowledged each policy version. */
export async function coverageByVersion(db: Database, since: string) {
  const [active, acknowledged] = await Promise.all([
    db.select({ n: count() }).from(devices).where(activeDevicesSince(since)).get(),
    db
      .select({ version: deviceAcknowledgements.policyVersion, n: count() })
      .from(deviceAcknowledgements)
      .innerJoin(devices, eq(devices.id, deviceAcknowledgements.deviceId))
      .where(activeDevicesSince(since))
      .groupBy(deviceAcknowledgements.policyVersion)
      .all(),
  ]);
  return {
    active: active?.n ?? 0,
    acknowledged: new Map(acknowledged.map((row) => [row.version, row.n])),
  };
}

/** The same for one version, per device group (before k-anonymity). */
export async function coverageByGroup(db: Database, since: string, version: number) {
  const rows = await db
    .select({
      group: devices.groupLabel,
      active: count(),
      acknowledged: sql<number>`count(${deviceAcknowledgements.deviceId})`,
    })
    .from(devices)
    .leftJoin(
      deviceAcknowledgements,
      and(eq(deviceAcknowledgements.deviceId, devices.id), eq(deviceAcknowledgements.policyVersion, version)),
    )
    .where(activeDevicesSince(since))
    .groupBy(devices.groupLabel)
    .all();
  return rows.map((row) => ({ group: row.group, active: row.active, acknowledged: Number(row.acknowledged) }));
}
