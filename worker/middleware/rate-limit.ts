import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { LIMITS } from "../../shared/limits";
import type { AppEnv, Env } from "../env";
import { refuse } from "../errors";
import { keptPerIsolate } from "../isolate-state";

/*
 * Rate limits through Cloudflare's Rate Limiting bindings (wrangler.toml `[[ratelimits]]`):
 * counters kept by Cloudflare per location, keyed by any string. Keys here are a client
 * address (read from CF-Connecting-IP for the check, never stored), an enrollment token's
 * hash or a device pseudonym. Every binding's period is 60 seconds.
 */

export type Limiter = "ENROLL_BY_ADDRESS" | "ENROLL_BY_TOKEN" | "DEVICE_REQUESTS";

const PERIOD_SECONDS = 60;

/** The client's address as Cloudflare reports it; "local" when there is none (wrangler dev without it). */
export function clientAddress(c: Context<AppEnv>): string {
  return c.req.header("cf-connecting-ip") ?? "local";
}

/** Whether `key` is still within `limiter`'s budget (always, when the binding is absent). */
export async function withinLimit(env: Env, limiter: Limiter, key: string): Promise<boolean> {
  const binding = env[limiter];
  if (!binding) return true;
  const { success } = await binding.limit({ key });
  return success;
}

/** Per device: the minute and how many requests this instance let through in it. */
const recent = new Map<string, { minute: number; count: number }>();
keptPerIsolate(() => recent.clear());

/**
 * Whether a device is within DEVICE_REQUESTS. This instance lets the first
 * LIMITS.deviceRequestsLocalAllowance requests of a device in a minute through on its own
 * count and asks the binding for every later one. An extension sends a report every 15
 * minutes and checks its policy and catalog as often, so honest devices hardly ever wait on
 * the binding; a scripted device meets it within a few requests and is held to its limit
 * from there, give or take that allowance for each instance it reaches.
 */
export async function withinDeviceLimit(env: Env, deviceId: string): Promise<boolean> {
  const minute = Math.floor(Date.now() / 60_000);
  const seen = recent.get(deviceId);
  if (!seen || seen.minute !== minute) {
    if (recent.size >= LIMITS.deviceAuthCacheEntries) {
      for (const [id, entry] of recent) if (entry.minute !== minute) recent.delete(id);
      if (recent.size >= LIMITS.deviceAuthCacheEntries) recent.clear();
    }
    recent.set(deviceId, { minute, count: 1 });
  } else seen.count++;
  const count = recent.get(deviceId)?.count ?? 1;
  return count <= LIMITS.deviceRequestsLocalAllowance || withinLimit(env, "DEVICE_REQUESTS", deviceId);
}

export function rateLimited(c: Context<AppEnv>, what: string): Response {
  return refuse(c, 429, "rate_limited", `too many ${what}: try again in ${PERIOD_SECONDS} s (nothing was stored)`, {
    retryAfter: PERIOD_SECONDS,
  });
}

/** Middleware: refuse with 429 once `keyOf` has used `limiter`'s budget. */
export function rateLimit(limiter: Limiter, what: string, keyOf: (c: Context<AppEnv>) => string) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!(await withinLimit(c.env, limiter, keyOf(c)))) return rateLimited(c, what);
    await next();
  });
}
