import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  devicesResponse,
  enrollmentTokenCreated,
  enrollmentTokenEntry,
  enrollmentTokensResponse,
} from "../../shared/admin";
import type { CompiledIndex } from "../../shared/catalog/compile";
import { REPORT_RATE_LIMIT } from "../../shared/protocol";
import {
  admin,
  adminJson,
  call,
  counters,
  countRows,
  enrollDevice,
  expectJson,
  json,
  query,
  report,
  today,
  VIEWER,
} from "./helpers";

/* Devices and their credentials: enrollment tokens, revocation, the report rate limit, the catalog. */

describe("enrollment tokens", () => {
  it("are created by an admin, shown once, stored as a hash, and enroll devices until revoked", async () => {
    const created = await expectJson(
      await adminJson("/enrollment-tokens", "POST", { label: "MDM Finance" }),
      201,
      enrollmentTokenCreated,
    );
    expect(created.token.length).toBeGreaterThanOrEqual(40);
    const stored = await query<{ token_hash: string }>(
      "select token_hash from enrollment_tokens where id = ?",
      created.id,
    );
    expect(stored[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(created.token);

    const list = await expectJson(await admin("/enrollment-tokens"), 200, enrollmentTokensResponse);
    const listed = list.tokens.find((token) => token.id === created.id);
    expect(listed).toMatchObject({ label: "MDM Finance", revokedAt: null });
    expect(JSON.stringify(list)).not.toContain(created.token);

    expect((await json("/api/v1/enroll", { token: created.token, group: "Finance" })).status).toBe(201);

    const revoked = await expectJson(
      await admin(`/enrollment-tokens/${created.id}/revoke`, { method: "POST" }),
      200,
      enrollmentTokenEntry,
    );
    expect(revoked.revokedAt).toBeGreaterThan(0);
    const refused = await json("/api/v1/enroll", { token: created.token });
    expect(refused.status).toBe(401);
    expect((await admin(`/enrollment-tokens/${created.id}/revoke`, { method: "POST" })).status).toBe(409);
    expect((await admin("/enrollment-tokens/nope/revoke", { method: "POST" })).status).toBe(404);

    const actions = await query<{ action: string; detail: string }>(
      "select action, detail from audit_log where target = ? order by id",
      created.id,
    );
    expect(actions.map((row) => row.action)).toEqual(["enrollment-token.create", "enrollment-token.revoke"]);
    expect(actions.map((row) => row.detail).join()).not.toContain(created.token);
  });

  it("refuses bad labels and viewers, changing nothing", async () => {
    const before = await countRows("enrollment_tokens");
    for (const body of [{}, { label: "" }, { label: "x".repeat(81) }, { label: "ok", extra: 1 }]) {
      expect((await adminJson("/enrollment-tokens", "POST", body)).status).toBe(400);
    }
    expect((await adminJson("/enrollment-tokens", "POST", { label: "viewer" }, VIEWER)).status).toBe(403);
    expect(await countRows("enrollment_tokens")).toBe(before);
  });
});

describe("devices", () => {
  it("lists devices with coverage figures and revokes one, whose token then stops working", async () => {
    const device = await enrollDevice("Engineering");
    await report(device.deviceToken, counters(today(), [["chatgpt", "visit", 1]]));
    const listed = await expectJson(await admin("/devices"), 200, devicesResponse);
    expect(listed.devices.find((entry) => entry.id === device.deviceId)).toMatchObject({
      lastReportDay: today(),
      revokedAt: null,
    });
    expect(listed.reporting7).toBeGreaterThanOrEqual(1);

    const revoked = await admin(`/devices/${device.deviceId}/revoke`, { method: "POST" });
    expect(revoked.status).toBe(200);
    const after = await expectJson(await admin("/devices"), 200, devicesResponse);
    expect(after.revoked).toBe(listed.revoked + 1);
    expect(after.enrolled).toBe(listed.enrolled - 1);
    expect((await report(device.deviceToken, counters(today(), [["chatgpt", "visit", 2]]))).status).toBe(401);
    expect((await call("/api/v1/policy", { headers: { Authorization: `Bearer ${device.deviceToken}` } })).status).toBe(
      401,
    );
    expect((await admin(`/devices/${device.deviceId}/revoke`, { method: "POST" })).status).toBe(409);
    expect((await admin("/devices/unknown-device/revoke", { method: "POST" })).status).toBe(404);
    expect(await query("select action from audit_log where target = ?", device.deviceId)).toEqual([
      { action: "device.revoke" },
    ]);
  });

  it("withholds the label of a group with fewer than k enrolled devices", async () => {
    const lonely = await enrollDevice("Board of Directors");
    const crowd = await Promise.all([1, 2, 3, 4, 5].map(() => enrollDevice("Support")));
    const { devices } = await expectJson(await admin("/devices?limit=1000"), 200, devicesResponse);
    expect(devices.find((entry) => entry.id === lonely.deviceId)).toMatchObject({
      group: null,
      groupSuppressed: true,
    });
    expect(devices.find((entry) => entry.id === crowd[0]?.deviceId)).toMatchObject({
      group: "Support",
      groupSuppressed: false,
    });
    expect(JSON.stringify(devices)).not.toContain("Board of Directors");
  });

  it("pages with limit and offset, and refuses bad paging", async () => {
    const all = await expectJson(await admin("/devices?limit=1000"), 200, devicesResponse);
    const page = await expectJson(await admin("/devices?limit=2&offset=1"), 200, devicesResponse);
    expect(page.devices.map((d) => d.id)).toEqual(all.devices.slice(1, 3).map((d) => d.id));
    expect(page.total).toBe(all.total);
    for (const bad of ["limit=0", "limit=5000", "offset=-1", "limit=abc"]) {
      expect((await admin(`/devices?${bad}`)).status).toBe(400);
    }
  });
});

describe("report rate limit", () => {
  it("answers 429 with Retry-After once a device used its window, storing nothing", async () => {
    const { deviceId, deviceToken } = await enrollDevice();
    const window = Math.floor(Date.now() / 1000 / REPORT_RATE_LIMIT.windowSeconds);
    expect((await report(deviceToken, counters(today(), [["deepl", "visit", 1]]))).status).toBe(200);
    expect(await query("select report_window, reports_in_window from devices where id = ?", deviceId)).toEqual([
      { report_window: window, reports_in_window: 1 },
    ]);

    // Fast-forward this device to the end of its allowance.
    await env.DB.prepare("update devices set reports_in_window = ? where id = ?")
      .bind(REPORT_RATE_LIMIT.reports, deviceId)
      .run();
    const before = await countRows("daily_counters");
    const refused = await report(deviceToken, counters(today(), [["deepl", "visit", 2]]));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(REPORT_RATE_LIMIT.windowSeconds);
    expect(((await refused.json()) as { error: string }).error).toMatch(/too many reports.*nothing was stored/);
    expect(await countRows("daily_counters")).toBe(before);
    expect(await query("select reports_in_window from devices where id = ?", deviceId)).toEqual([
      { reports_in_window: REPORT_RATE_LIMIT.reports },
    ]);

    // A new window starts the count again.
    await env.DB.prepare("update devices set report_window = report_window - 1 where id = ?").bind(deviceId).run();
    expect((await report(deviceToken, counters(today(), [["deepl", "visit", 2]]))).status).toBe(200);
    expect(await query("select reports_in_window from devices where id = ?", deviceId)).toEqual([
      { reports_in_window: 1 },
    ]);
  });
});

describe("GET /api/v1/catalog", () => {
  it("serves the compiled index with an ETag, then a 304", async () => {
    const { deviceToken } = await enrollDevice();
    const headers = { Authorization: `Bearer ${deviceToken}` };
    const first = await call("/api/v1/catalog", { headers });
    expect(first.status).toBe(200);
    const index = (await first.json()) as CompiledIndex;
    expect(index.format).toBe(1);
    expect(index.tools.some((tool) => tool.id === "chatgpt")).toBe(true);
    expect(index.hosts["chatgpt.com"]).toBeTypeOf("number");
    const etag = first.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const second = await call("/api/v1/catalog", { headers: { ...headers, "If-None-Match": etag } });
    expect(second.status).toBe(304);
    expect(await second.text()).toBe("");
    expect((await call("/api/v1/catalog", { headers: { ...headers, "If-None-Match": '"other"' } })).status).toBe(200);
  });

  it("requires a device token", async () => {
    expect((await call("/api/v1/catalog")).status).toBe(401);
  });
});
