import { createMiddleware } from "hono/factory";
import { sha256Hex } from "../crypto";
import { database } from "../db/client";
import { deviceByTokenHash } from "../db/enrollment";
import type { AppEnv } from "../env";
import { refuse } from "../errors";
import { rateLimited, withinLimit } from "./rate-limit";

/**
 * Requires `Authorization: Bearer <device token>` of an enrolled, unrevoked device, within the
 * device's request budget. A revoked device gets its own answer (403 device_revoked): it must
 * stop reporting and not enroll again; an unknown token (401 device_unknown) may enroll again.
 */
export const deviceAuth = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const token = header.startsWith("Bearer ") ? header.slice(7).trim() : "";
  if (token.length < 20 || token.length > 200) {
    return refuse(c, 401, "device_token_missing", "a device token is required (Authorization: Bearer <token>)");
  }
  const device = await deviceByTokenHash(database(c.env.DB), await sha256Hex(token));
  if (!device) return refuse(c, 401, "device_unknown", "device token is unknown: enroll again");
  if (device.revokedAt !== null) {
    return refuse(c, 403, "device_revoked", "an admin revoked this device: it reports nothing until re-admitted");
  }
  if (!(await withinLimit(c.env, "DEVICE_REQUESTS", device.id))) return rateLimited(c, "requests from this device");
  c.set("deviceId", device.id);
  await next();
});
