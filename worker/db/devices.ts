import { and, count, desc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import type { Database } from "./client";
import { deviceFlags, devices } from "./schema";

/** The columns the device list and its changes read (joined with the device's flag). */
const listed = {
  id: devices.id,
  groupLabel: devices.groupLabel,
  browser: devices.browser,
  extensionVersion: devices.extensionVersion,
  enrolledAt: devices.enrolledAt,
  lastReportDay: devices.lastReportDay,
  revokedAt: devices.revokedAt,
  flagReason: deviceFlags.reason,
  flagDetail: deviceFlags.detail,
  flaggedDay: deviceFlags.flaggedDay,
  flagState: deviceFlags.state,
};

export interface ListedDevice {
  id: string;
  groupLabel: string | null;
  browser: string | null;
  extensionVersion: string | null;
  enrolledAt: number;
  lastReportDay: string | null;
  revokedAt: number | null;
  /** The device's flag, all null when it has none (a left join). */
  flagReason: string | null;
  flagDetail: string | null;
  flaggedDay: string | null;
  flagState: string | null;
}

export async function deviceRow(db: Database, id: string): Promise<ListedDevice | undefined> {
  return db
    .select(listed)
    .from(devices)
    .leftJoin(deviceFlags, eq(deviceFlags.deviceId, devices.id))
    .where(eq(devices.id, id))
    .get();
}

/** A page of devices, most recent reporters first (optionally flagged ones only). */
export async function listDevices(
  db: Database,
  page: { limit: number; offset: number; flaggedOnly: boolean },
): Promise<ListedDevice[]> {
  return db
    .select(listed)
    .from(devices)
    .leftJoin(deviceFlags, eq(deviceFlags.deviceId, devices.id))
    .where(page.flaggedOnly ? isNotNull(deviceFlags.deviceId) : undefined)
    .orderBy(sql`${devices.lastReportDay} is null`, desc(devices.lastReportDay), devices.id)
    .limit(page.limit)
    .offset(page.offset)
    .all();
}

export async function deviceTotals(db: Database, since7: string) {
  const [totals, flagged] = await Promise.all([
    db
      .select({
        total: count(),
        enrolled: sql<number>`coalesce(sum(${devices.revokedAt} is null), 0)`,
        reporting7: sql<number>`coalesce(sum(${devices.revokedAt} is null and ${devices.lastReportDay} >= ${since7}), 0)`,
        revoked: sql<number>`coalesce(sum(${devices.revokedAt} is not null), 0)`,
      })
      .from(devices)
      .get(),
    db.select({ n: count() }).from(deviceFlags).where(eq(deviceFlags.state, "pending")).get(),
  ]);
  return {
    total: Number(totals?.total ?? 0),
    enrolled: Number(totals?.enrolled ?? 0),
    reporting7: Number(totals?.reporting7 ?? 0),
    revoked: Number(totals?.revoked ?? 0),
    flaggedPending: flagged?.n ?? 0,
  };
}

export function revokeDevice(db: Database, id: string, at: number) {
  return db
    .update(devices)
    .set({ revokedAt: at })
    .where(and(eq(devices.id, id), isNull(devices.revokedAt)));
}

export function readmitDevice(db: Database, id: string) {
  return db.update(devices).set({ revokedAt: null }).where(eq(devices.id, id));
}

export function reviewFlag(db: Database, id: string, state: "kept" | "excluded", actor: string, at: number) {
  return db.update(deviceFlags).set({ state, reviewedAt: at, reviewedBy: actor }).where(eq(deviceFlags.deviceId, id));
}
