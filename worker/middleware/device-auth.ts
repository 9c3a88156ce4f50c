import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { LIMITS } from "../../shared/limits";
import { sha256Hex } from "../crypto";
import { database } from "../db/client";
import { deviceByTokenHash } from "../db/enrollment";
import type { AppEnv } from "../env";
import { refuse } from "../errors";
import { keptPerIsolate } from "../isolate-state";
import { rateLimited, withinDeviceLimit } from "./rate-limit";

/**
 * Requires `Authorization: Bearer <device token>` of an enrolled, unrevoked device, within the
 * device's request budget. A revoked device gets its own answer (403 device_revoked): it must
 * stop reporting and not enroll again; an unknown token (401 device_unknown) may enroll again.
 *
 * `cachedDeviceAuth`, for reports only, answers from what this worker instance looked up in
 * the last LIMITS.deviceAuthCacheSeconds (at most LIMITS.deviceAuthCacheEntries tokens, the
 * oldest forgotten first). Applying a report reads its device again, direct or queued: a
 * device revoked (or removed) meanwhile gets 403 (401) from direct ingest and its queued
 * reports are dropped by the consumer, so a stale entry can delay a revoked device's 403 by
 * that long but never store its counts. A revocation through this instance takes effect at
 * once. Unknown tokens are never kept, so a device enrolled a moment ago is found at once.
 */

interface KnownDevice {
  id: string;
  revoked: boolean;
  until: number;
}

const known = new Map<string, KnownDevice>();
keptPerIsolate(() => known.clear());

function remember(tokenHash: string, device: KnownDevice): void {
  known.delete(tokenHash);
  if (known.size >= LIMITS.deviceAuthCacheEntries) known.delete(known.keys().next().value as string);
  known.set(tokenHash, device);
}

/** Keeps a device this instance just enrolled, so its first report needs no lookup. */
export function rememberDevice(tokenHash: string, deviceId: string): void {
  remember(tokenHash, { id: deviceId, revoked: false, until: Date.now() + LIMITS.deviceAuthCacheSeconds * 1000 });
}

/** Forgets a device this instance looked up (an admin revoked or re-admitted it). */
export function forgetDevice(deviceId: string): void {
  for (const [hash, device] of known) if (device.id === deviceId) known.delete(hash);
}

async function lookUp(c: Context<AppEnv>, tokenHash: string, cache: boolean): Promise<KnownDevice | null> {
  const now = Date.now();
  const cached = cache ? known.get(tokenHash) : undefined;
  if (cached && cached.until > now) return cached;
  const device = await deviceByTokenHash(database(c.env.DB), tokenHash);
  if (!device) return null;
  const found = {
    id: device.id,
    revoked: device.revokedAt !== null,
    until: now + LIMITS.deviceAuthCacheSeconds * 1000,
  };
  if (cache) remember(tokenHash, found);
  return found;
}

function authenticate(cache: (c: Context<AppEnv>) => boolean) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const token = header.startsWith("Bearer ") ? header.slice(7).trim() : "";
    if (token.length < 20 || token.length > 200) {
      return refuse(c, 401, "device_token_missing", "a device token is required (Authorization: Bearer <token>)");
    }
    const device = await lookUp(c, await sha256Hex(token), cache(c));
    if (!device) return refuse(c, 401, "device_unknown", "device token is unknown: enroll again");
    if (device.revoked) {
      return refuse(c, 403, "device_revoked", "an admin revoked this device: it reports nothing until re-admitted");
    }
    if (!(await withinDeviceLimit(c.env, device.id))) return rateLimited(c, "requests from this device");
    c.set("deviceId", device.id);
    await next();
  });
}

export const deviceAuth = authenticate(() => false);

/** Device authentication from this instance's cache, for reports (see above). */
export const cachedDeviceAuth = authenticate(() => true);
