import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LIMITS } from "../../shared/limits";
import { errorResponse, type ReportRequest, reportResponse } from "../../shared/protocol";
import { database } from "../../worker/db/client";
import { currentPolicy, publishPolicy } from "../../worker/db/policies";
import worker from "../../worker/index";
import { call, counters, enrollDevice, expectJson, json, ORIGIN, query, today } from "./helpers";
import { consume, message, queuedReport, refusalsOf, stored } from "./queue-support";

/*
 * The report route answers from two caches of its worker instance instead of the database:
 * the devices it authenticated (LIMITS.deviceAuthCacheSeconds) and the policy in force it
 * names in every answer (LIMITS.policySignalCacheSeconds). A change made through another
 * instance is written here straight to the database, as that instance would: this one hears
 * nothing of it and must still honour it within the bound, and never store what it refuses.
 */

afterEach(() => {
  vi.useRealTimers();
});

/** Moves this instance's clock `seconds` ahead (its caches age; the database is untouched). */
function later(seconds: number): void {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Date.now() + seconds * 1000);
}

const visits = (n: number): ReportRequest => counters(today(), [["chatgpt", "visit", n]]);

const reportRequestOf = (body: string, headers: Record<string, string>) =>
  new Request(`${ORIGIN}/api/v1/reports`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body,
  });

const direct = (deviceToken: string, body: ReportRequest) =>
  queuedReport(deviceToken, body, { ...env, INGEST_MODE: "direct" });

async function revokeElsewhere(deviceId: string): Promise<void> {
  await env.DB.prepare("UPDATE devices SET revoked_at = ?1 WHERE id = ?2").bind(Date.now(), deviceId).run();
}

describe("the device cache", () => {
  it("refuses a device revoked through another instance within the bound, and never stores its counts", async () => {
    const { deviceId, deviceToken } = await enrollDevice();
    expect((await queuedReport(deviceToken, visits(1))).status).toBe(202);
    await revokeElsewhere(deviceId);
    const droppedBefore = await refusalsOf("device_revoked");

    // Still remembered as admitted: the report is queued, and the consumer drops it.
    const stale = await queuedReport(deviceToken, visits(5));
    expect(stale.status).toBe(202);
    await consume([message(deviceId, visits(5))]);
    expect((await stored(deviceId, "chatgpt")).visit ?? 0).toBeLessThan(5);
    expect(await refusalsOf("device_revoked")).toBe(droppedBefore + 1);

    // Direct ingest reads the device when it applies the report: refused at once.
    const refusedDirectly = await direct(deviceToken, visits(6));
    expect(refusedDirectly.status).toBe(403);
    expect(errorResponse.parse(await refusedDirectly.json()).code).toBe("device_revoked");

    later(LIMITS.deviceAuthCacheSeconds + 1);
    const refused = await queuedReport(deviceToken, visits(7));
    expect(refused.status).toBe(403);
    expect(errorResponse.parse(await refused.json()).code).toBe("device_revoked");
  });

  it("never keeps an unknown token, nor one removed meanwhile", async () => {
    const unknown = "u".repeat(43);
    for (let i = 0; i < 3; i++) {
      const response = await queuedReport(unknown, visits(1));
      expect(response.status).toBe(401);
      expect(errorResponse.parse(await response.json()).code).toBe("device_unknown");
    }
    const { deviceId, deviceToken } = await enrollDevice();
    expect((await direct(deviceToken, visits(1))).status).toBe(200);
    await env.DB.prepare("DELETE FROM devices WHERE id = ?1").bind(deviceId).run();
    // Remembered, yet applying the report finds no device: nothing is stored.
    const response = await direct(deviceToken, visits(2));
    expect(response.status).toBe(401);
    expect(errorResponse.parse(await response.json()).code).toBe("device_unknown");
    expect(await query("select n from daily_counters where device_id = ?", deviceId)).toEqual([{ n: 1 }]);
  });

  it("refuses hostile reports from a remembered device exactly as before, queueing nothing", async () => {
    const { deviceId, deviceToken } = await enrollDevice();
    expect((await queuedReport(deviceToken, visits(1))).status).toBe(202);
    const headers = { Authorization: `Bearer ${deviceToken}` };
    const cases: Array<{ body: unknown; status: number; code: string }> = [
      { body: "{not json", status: 400, code: "invalid_request" },
      { body: { days: "all of them" }, status: 400, code: "invalid_request" },
      { body: { ...visits(2), extra: true }, status: 400, code: "invalid_request" },
      { body: counters(today(), [["chatgpt", "visit", -1]]), status: 400, code: "invalid_request" },
      { body: counters(today(), [["no-such-tool", "visit", 1]]), status: 422, code: "report_refused" },
      { body: counters(today(), [["chatgpt", "visit", 1, 99]]), status: 422, code: "report_refused" },
    ];
    for (const { body, status, code } of cases) {
      const text = typeof body === "string" ? body : JSON.stringify(body);
      for (const send of [
        () => worker.fetch(reportRequestOf(text, headers), { ...env, INGEST_MODE: "queue" }, createExecutionContext()),
        () => json("/api/v1/reports", text, headers),
      ]) {
        const response = await send();
        expect(response.status).toBe(status);
        expect(errorResponse.parse(await response.json()).code).toBe(code);
      }
    }
    // A remembered token with one character changed is another, unknown device.
    const forged = `${deviceToken.slice(0, -1)}${deviceToken.endsWith("A") ? "B" : "A"}`;
    expect((await queuedReport(forged, visits(3))).status).toBe(401);
    expect(await stored(deviceId, "chatgpt")).toEqual({});
  });
});

describe("the policy named in report answers", () => {
  it("names a policy published through another instance within the bound", async () => {
    const { deviceToken } = await enrollDevice();
    const first = await expectJson(await queuedReport(deviceToken, visits(1)), 202, reportResponse);
    const policy = await currentPolicy(database(env.DB));
    const published = await publishPolicy(env.DB, { ...policy, name: "Published elsewhere" }, [], Date.now(), "test");

    // Within the bound the answer may still name the policy read before.
    const soon = await expectJson(await queuedReport(deviceToken, visits(2)), 202, reportResponse);
    expect(soon.policyEtag).toBe(first.policyEtag);

    // A device hears of a new policy with its first report a minute after it was published.
    expect(LIMITS.policySignalCacheSeconds).toBeLessThanOrEqual(60);
    later(LIMITS.policySignalCacheSeconds);
    const after = await expectJson(await queuedReport(deviceToken, visits(3)), 202, reportResponse);
    expect(after.policyVersion).toBe(published.version);
    expect(after.policyEtag).not.toBe(first.policyEtag);
    // GET /api/v1/policy answers under that ETag: a device's conditional fetch gets the new policy.
    const fetched = await call("/api/v1/policy", {
      headers: { Authorization: `Bearer ${deviceToken}`, "If-None-Match": first.policyEtag ?? "" },
    });
    await fetched.body?.cancel();
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get("ETag")).toBe(after.policyEtag);
  });
});
