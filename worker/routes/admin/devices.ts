import { Hono } from "hono";
import * as z from "zod";
import {
  type DeviceEntry,
  type DevicesResponse,
  devicesQuery,
  type FlagState,
  flagReviewRequest,
} from "../../../shared/admin";
import { addDays, dayOf, isoWeekOf } from "../../../shared/day";
import { auditEntry } from "../../db/audit";
import { database } from "../../db/client";
import {
  deviceRow,
  deviceTotals,
  type ListedDevice,
  listDevices,
  readmitDevice,
  reviewFlag,
  revokeDevice,
} from "../../db/devices";
import { smallGroupTest } from "../../db/enrollment";
import type { AppEnv } from "../../env";
import { refuse } from "../../errors";
import { adminsOnly } from "../../middleware/admin-auth";
import { forgetDevice } from "../../middleware/device-auth";
import { jsonBody, queryParams } from "../../middleware/validate";
import { kAnonymity } from "../../privacy";

/** A device as the list shows it: weeks, never days or times; a group below k is withheld. */
function toEntry(row: ListedDevice, small: (group: string) => boolean): DeviceEntry {
  const suppressed = row.groupLabel !== null && small(row.groupLabel);
  return {
    id: row.id,
    group: suppressed ? null : row.groupLabel,
    groupSuppressed: suppressed,
    browser: row.browser,
    extensionVersion: row.extensionVersion,
    enrolledWeek: isoWeekOf(dayOf(row.enrolledAt)),
    lastReportWeek: row.lastReportDay ? isoWeekOf(row.lastReportDay) : null,
    revoked: row.revokedAt !== null,
    flag: row.flagReason ? flagOf(row) : null,
  };
}

/** The flag as the list shows it; the detail column holds the day's figures as JSON. */
function flagOf(row: ListedDevice): DeviceEntry["flag"] {
  const figures = flagFigures.safeParse(parseJson(row.flagDetail));
  return {
    reason: row.flagReason === "answers" ? "answers" : "visits",
    value: figures.success ? figures.data.value : 0,
    fleetMedian: figures.success ? figures.data.fleetMedian : 0,
    flaggedWeek: isoWeekOf(row.flaggedDay ?? dayOf(row.enrolledAt)),
    state: (row.flagState ?? "pending") as FlagState,
  };
}

const flagFigures = z.object({ value: z.number().int().min(0), fleetMedian: z.number().int().min(0) });

function parseJson(text: string | null): unknown {
  try {
    return text === null ? null : JSON.parse(text);
  } catch {
    return null;
  }
}

const smallGroups = (c: { env: AppEnv["Bindings"] }) => smallGroupTest(database(c.env.DB), kAnonymity(c.env));

/**
 * The device list is for admins only: even coarse, it is a list of pseudonyms with groups.
 * `GET /api/admin/devices` (paged, most recent reporters first; `flagged=true` for flagged
 * devices only), `POST /:id/revoke` (its token stops working at once; what it reported stays
 * in the totals), `POST /:id/readmit` (a revoked device may report again with its token),
 * `PUT /:id/flag` (keep a flagged device's counts in the evidence, or exclude them).
 */
export const devicesRoute = new Hono<AppEnv>()
  .use(adminsOnly("the device list is for admins only"))
  .get("/", queryParams(devicesQuery), async (c) => {
    const { limit, offset, flagged } = c.req.valid("query");
    const db = database(c.env.DB);
    const [totals, rows, small] = await Promise.all([
      deviceTotals(db, addDays(dayOf(Date.now()), -6)),
      listDevices(db, { limit, offset, flaggedOnly: flagged === "true" }),
      smallGroups(c),
    ]);
    return c.json({ ...totals, devices: rows.map((row) => toEntry(row, small)) } satisfies DevicesResponse);
  })
  .post("/:id/revoke", async (c) => {
    const id = c.req.param("id");
    const db = database(c.env.DB);
    const device = await deviceRow(db, id);
    if (!device) return refuse(c, 404, "not_found", `no device "${id}"`);
    if (device.revokedAt !== null) return refuse(c, 409, "conflict", `device "${id}" is already revoked`);
    await db.batch([revokeDevice(db, id, Date.now()), auditEntry(db, c.get("actor"), "device.revoke", id, null)]);
    forgetDevice(id);
    return c.json(toEntry({ ...device, revokedAt: Date.now() }, await smallGroups(c)));
  })
  .post("/:id/readmit", async (c) => {
    const id = c.req.param("id");
    const db = database(c.env.DB);
    const device = await deviceRow(db, id);
    if (!device) return refuse(c, 404, "not_found", `no device "${id}"`);
    if (device.revokedAt === null) return refuse(c, 409, "conflict", `device "${id}" is not revoked`);
    await db.batch([readmitDevice(db, id), auditEntry(db, c.get("actor"), "device.readmit", id, null)]);
    forgetDevice(id);
    return c.json(toEntry({ ...device, revokedAt: null }, await smallGroups(c)));
  })
  .put("/:id/flag", jsonBody(flagReviewRequest), async (c) => {
    const id = c.req.param("id");
    const { state } = c.req.valid("json");
    const db = database(c.env.DB);
    const device = await deviceRow(db, id);
    if (!device?.flagReason) return refuse(c, 404, "not_found", `device "${id}" is not flagged`);
    await db.batch([
      reviewFlag(db, id, state, c.get("actor"), Date.now()),
      auditEntry(db, c.get("actor"), "device.flag-review", id, { state }),
    ]);
    return c.json(toEntry({ ...device, flagState: state }, await smallGroups(c)));
  });
