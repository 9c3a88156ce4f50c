/**
 * Talking to a local worker the way devices and admins do, for the seeded data of the demo
 * and the end-to-end tests: every figure goes through the real API and its checks. Two things
 * a fresh local database cannot have are written directly, as a deployment that has run for
 * months would hold them: a policy version's publication date in the past (counts dated before
 * their version was published are refused), and the scheduled jobs run at a given time.
 */
import type { EnrollResponse } from "../../shared/protocol";
import { run, WRANGLER_ENV } from "./local";

/** A running local worker and the folder of its local D1. */
export interface LocalServer {
  serverUrl: string;
  persistTo: string;
}

/** One request; anything but 2xx throws with the worker's answer. */
export async function call<T>(
  server: LocalServer,
  path: string,
  init: RequestInit & { bearer?: string } = {},
): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.bearer) headers.set("Authorization", `Bearer ${init.bearer}`);
  if (init.body) headers.set("Content-Type", "application/json");
  const response = await fetch(`${server.serverUrl}${path}`, { ...init, headers });
  if (!response.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/**
 * Enrolls a device from `address`, as a device of a fleet would (enrollment is rate limited
 * per address; locally wrangler takes the address from CF-Connecting-IP).
 */
export function enrollFrom(
  server: LocalServer,
  token: string,
  address: string,
  extra: Record<string, string> = {},
): Promise<EnrollResponse> {
  return call<EnrollResponse>(server, "/api/v1/enroll", {
    method: "POST",
    headers: { "CF-Connecting-IP": address },
    body: JSON.stringify({ token, extensionVersion: "0.1.0", ...extra }),
  });
}

/** Runs the worker's cron as if at `time` (the test endpoint of wrangler dev --test-scheduled). */
export async function runCron(server: LocalServer, time: number): Promise<void> {
  const response = await fetch(
    `${server.serverUrl}/cdn-cgi/local/scheduled?cron=${encodeURIComponent("*/5 * * * *")}&time=${time}`,
  );
  if (!response.ok) throw new Error(`the cron failed: ${response.status} ${await response.text()}`);
}

/** Sets a published version's date back to `at` (epoch ms), as if it had been published then. */
export function publishedAt(server: LocalServer, version: number, at: number): Promise<void> {
  return publicationDates(server, [{ version, at }]);
}

/**
 * Sets several published versions' dates back at once: one `wrangler d1 execute`, which
 * starts a local D1 of its own (seconds on a busy machine), for all of them.
 */
export async function publicationDates(
  server: LocalServer,
  dates: Array<{ version: number; at: number }>,
): Promise<void> {
  const statements = dates.map(
    ({ version, at }) =>
      `UPDATE policy_versions SET published_at = ${Math.round(at)} WHERE version = ${Math.round(version)};`,
  );
  await run(
    "wrangler",
    ["d1", "execute", "DB", "--local", "--persist-to", server.persistTo, "--command", statements.join(" ")],
    WRANGLER_ENV,
  );
}
