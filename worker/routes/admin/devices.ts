import { and, count, desc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { Hono } from "hono";
import { type DeviceEntry, type DevicesResponse, devicesQuery } from "../../../shared/admin";
import { addDays, dayOf } from "../../../shared/day";
import { auditEntry } from "../../db/audit";
import { database } from "../../db/client";
import { devices } from "../../db/schema";
import type { AppEnv } from "../../env";
import { refuse } from "../../errors";
import { queryParams } from "../../middleware/validate";
import { kAnonymity } from "../../privacy";

const columns = {
  id: devices.id,
  groupLabel: devices.groupLabel,
  browser: devices.browser,
  extensionVersion: devices.extensionVersion,
  enrolledAt: devices.enrolledAt,
  lastReportDay: devices.lastReportDay,
  revokedAt: devices.revokedAt,
};

type DeviceRow = { [K in keyof typeof columns]: (typeof devices.$inferSelect)[K] };

/** A device as the dashboard sees it; the label of a group below k devices is withheld. */
function toEntry(row: DeviceRow, smallGroups: Set<string>): DeviceEntry {
  const suppressed = row.groupLabel !== null && smallGroups.has(row.groupLabel);
  return {
    id: row.id,
    group: suppressed ? null : row.groupLabel,
    groupSuppressed: suppressed,
    browser: row.browser,
    extensionVersion: row.extensionVersion,
    enrolledAt: row.enrolledAt,
    lastReportDay: row.lastReportDay,
    revokedAt: row.revokedAt,
  };
}

async function smallGroups(db: ReturnType<typeof database>, k: number): Promise<Set<string>> {
  const sizes = await db
    .select({ group: devices.groupLabel, devices: count() })
    .from(devices)
    .where(and(isNull(devices.revokedAt), isNotNull(devices.groupLabel)))
    .groupBy(devices.groupLabel)
    .all();
  const small = new Set<string>(sizes.filter((row) => row.devices < k).map((row) => row.group as string));
  // Groups whose devices are all revoked have no enrolled devices: below any k.
  const all = await db
    .selectDistinct({ group: devices.groupLabel })
    .from(devices)
    .where(isNotNull(devices.groupLabel))
    .all();
  for (const row of all) if (!sizes.some((size) => size.group === row.group)) small.add(row.group as string);
  return small;
}

/**
 * `GET /api/admin/devices` (paged with `limit` and `offset`, most recent reporters first) and
 * `POST /api/admin/devices/:id/revoke`: a revoked device's token stops working at once; what
 * it reported stays in the totals.
 */
export const devicesRoute = new Hono<AppEnv>()
  .get("/", queryParams(devicesQuery), async (c) => {
    const { limit, offset } = c.req.valid("query");
    const db = database(c.env.DB);
    const since7 = addDays(dayOf(Date.now()), -6);
    const [totals, rows, small] = await Promise.all([
      db
        .select({
          total: count(),
          enrolled: sql<number>`coalesce(sum(${devices.revokedAt} is null), 0)`,
          reporting7: sql<number>`coalesce(sum(${devices.revokedAt} is null and ${devices.lastReportDay} >= ${since7}), 0)`,
          revoked: sql<number>`coalesce(sum(${devices.revokedAt} is not null), 0)`,
        })
        .from(devices)
        .get(),
      db
        .select(columns)
        .from(devices)
        .orderBy(
          sql`${devices.lastReportDay} is null`,
          desc(devices.lastReportDay),
          desc(devices.enrolledAt),
          devices.id,
        )
        .limit(limit)
        .offset(offset)
        .all(),
      smallGroups(db, kAnonymity(c.env)),
    ]);
    const response: DevicesResponse = {
      enrolled: Number(totals?.enrolled ?? 0),
      reporting7: Number(totals?.reporting7 ?? 0),
      revoked: Number(totals?.revoked ?? 0),
      total: Number(totals?.total ?? 0),
      devices: rows.map((row) => toEntry(row, small)),
    };
    return c.json(response);
  })
  .post("/:id/revoke", async (c) => {
    const id = c.req.param("id");
    const db = database(c.env.DB);
    const device = await db.select(columns).from(devices).where(eq(devices.id, id)).get();
    if (!device) return refuse(c, 404, "not_found", `no device "${id}"`);
    if (device.revokedAt !== null) return refuse(c, 409, "conflict", `device "${id}" is already revoked`);
    const revokedAt = Date.now();
    await db.batch([
      db
        .update(devices)
        .set({ revokedAt })
        .where(and(eq(devices.id, id), isNull(devices.revokedAt))),
      auditEntry(db, c, "device.revoke", id, { group: device.groupLabel, lastReportDay: device.lastReportDay }),
    ]);
    return c.json(toEntry({ ...device, revokedAt }, await smallGroups(db, kAnonymity(c.env))));
  });
