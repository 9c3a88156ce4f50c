import { createExecutionContext, createScheduledController, SELF, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { dayOf } from "../../shared/day";
import type { ReportRequest } from "../../shared/protocol";

export const ORIGIN = "http://localhost";
export const ADMIN = "test-admin-token";
export const VIEWER = "test-viewer-token";
/** The bootstrap enrollment token of the file running (see fresh-instance.ts). */
export function enrollmentToken(): string {
  if (!env.ENROLLMENT_TOKEN) throw new Error("the worker tests run without ENROLLMENT_TOKEN");
  return env.ENROLLMENT_TOKEN;
}

export function call(path: string, init: RequestInit = {}, origin = ORIGIN): Promise<Response> {
  return SELF.fetch(new Request(`${origin}${path}`, init));
}

export function json(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return call(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

let addresses = 0;

/**
 * A client address of its own for each enrolling device, as in a real fleet: enrollment is
 * rate limited per address, which a test of that limit exercises on purpose.
 */
export function nextAddress(): string {
  addresses++;
  return `10.${(addresses >> 16) & 255}.${(addresses >> 8) & 255}.${addresses & 255}`;
}

/** Enrolls a device with the bootstrap token, or with `token` (which may carry a group). */
export async function enrollDevice(
  group?: string,
  token = enrollmentToken(),
): Promise<{ deviceId: string; deviceToken: string; group: string | null }> {
  const response = await json(
    "/api/v1/enroll",
    { token, ...(group ? { group } : {}) },
    { "CF-Connecting-IP": nextAddress() },
  );
  if (response.status !== 201) throw new Error(`enroll failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { deviceId: string; deviceToken: string; group: string | null };
}

/** Creates an enrollment token for a group (the way groups come to exist) and returns it. */
export async function groupToken(group: string, maxDevices = 1000): Promise<string> {
  const response = await adminJson("/enrollment-tokens", "POST", { label: `${group} devices`, group, maxDevices });
  if (response.status !== 201) throw new Error(`token failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

/** Enrolls a device into a group, creating the group's token on first use. */
const groupTokens = new Map<string, string>();

/** Forgets the group tokens of the previous file (its database is gone). */
export function forgetGroupTokens(): void {
  groupTokens.clear();
}
export async function enrollInGroup(group: string) {
  let token = groupTokens.get(group);
  if (!token) {
    token = await groupToken(group);
    groupTokens.set(group, token);
  }
  return enrollDevice(undefined, token);
}

export function report(deviceToken: string, body: ReportRequest | unknown): Promise<Response> {
  return json("/api/v1/reports", body, { Authorization: `Bearer ${deviceToken}` });
}

/** Sends one device's report of counters for one day (entries as for `counters`). */
export function reportCounters(
  deviceToken: string,
  day: string,
  entries: Array<[string, string, number, number?]>,
): Promise<Response> {
  return report(deviceToken, counters(day, entries));
}

export function admin(path: string, init: RequestInit = {}, token = ADMIN): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${token}`);
  return call(`/api/admin${path}`, { ...init, headers });
}

export const today = (): string => dayOf(Date.now());

export async function query<T>(sql: string, ...params: unknown[]): Promise<T[]> {
  const { env } = await import("cloudflare:workers");
  const result = await env.DB.prepare(sql)
    .bind(...params)
    .all<T>();
  return result.results;
}

/** A report of counters for one day: `[tool, event, n, policyVersion = 1]`. */
export function counters(day: string, entries: Array<[string, string, number, number?]>): ReportRequest {
  return {
    days: [
      {
        day,
        counters: entries.map(([tool, event, n, policyVersion = 1]) => ({
          tool,
          event: event as ReportRequest["days"][number]["counters"][number]["event"],
          policyVersion,
          n,
        })),
      },
    ],
  };
}

/** Reads a JSON response after checking its status, parsing it with a shared schema when given. */
export async function expectJson<T = unknown>(
  response: Response,
  status: number,
  schema?: { parse(value: unknown): T },
): Promise<T> {
  const text = await response.text();
  if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${text}`);
  const body: unknown = JSON.parse(text);
  return schema ? schema.parse(body) : (body as T);
}

export function adminJson(path: string, method: string, body: unknown, token = ADMIN): Promise<Response> {
  return admin(path, { method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }, token);
}

export async function countRows(table: string): Promise<number> {
  const rows = await query<{ c: number }>(`select count(*) as c from ${table}`);
  return rows[0]?.c ?? 0;
}

/** Runs the cron trigger as the platform would at `scheduledTime`. */
export async function runCron(scheduledTime: number): Promise<void> {
  const { env } = await import("cloudflare:workers");
  const { default: worker } = await import("../../worker/index");
  const controller = createScheduledController({ scheduledTime, cron: "*/5 * * * *" });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, env, ctx);
  await waitOnExecutionContext(ctx);
}
