import { and, eq, isNull } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import { sha256Hex } from "../crypto";
import { database } from "../db/client";
import { devices } from "../db/schema";
import type { AppEnv } from "../env";
import { refuse } from "../errors";

/** Requires `Authorization: Bearer <device token>` of an enrolled, unrevoked device. */
export const deviceAuth = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const token = header.startsWith("Bearer ") ? header.slice(7).trim() : "";
  if (token.length < 20 || token.length > 200) {
    return refuse(c, 401, "device_token_missing", "a device token is required (Authorization: Bearer <token>)");
  }
  const hash = await sha256Hex(token);
  const device = await database(c.env.DB)
    .select({ id: devices.id, reportWindow: devices.reportWindow, reportsInWindow: devices.reportsInWindow })
    .from(devices)
    .where(and(eq(devices.tokenHash, hash), isNull(devices.revokedAt)))
    .get();
  if (!device) return refuse(c, 401, "device_unknown", "device token is unknown or revoked: enroll again");
  c.set("deviceId", device.id);
  // Read here with the token lookup, so the report rate limit costs no query of its own.
  c.set("reportWindow", device.reportWindow);
  c.set("reportsInWindow", device.reportsInWindow);
  await next();
});
