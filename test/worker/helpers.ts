import { SELF } from "cloudflare:test";
import { dayOf } from "../../shared/day";
import type { ReportRequest } from "../../shared/protocol";

export const ORIGIN = "http://localhost";
export const ADMIN = "test-admin-token";
export const VIEWER = "test-viewer-token";
export const ENROLLMENT = "test-enrollment-token";

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

export async function enrollDevice(group?: string): Promise<{ deviceId: string; deviceToken: string }> {
  const response = await json("/api/v1/enroll", { token: ENROLLMENT, ...(group ? { group } : {}) });
  if (response.status !== 201) throw new Error(`enroll failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { deviceId: string; deviceToken: string };
}

export function report(deviceToken: string, body: ReportRequest | unknown): Promise<Response> {
  return json("/api/v1/reports", body, { Authorization: `Bearer ${deviceToken}` });
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
