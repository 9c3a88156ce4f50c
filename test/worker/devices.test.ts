import { describe, expect, it } from "vitest";
import {
  devicesResponse,
  enrollmentTokenCreated,
  enrollmentTokenEntry,
  enrollmentTokensResponse,
} from "../../shared/admin";
import type { CompiledIndex } from "../../shared/catalog/compile";
import { isoWeekOf } from "../../shared/day";
import { errorResponse } from "../../shared/protocol";
import {
  admin,
  adminJson,
  call,
  countRows,
  enrollDevice,
  enrollInGroup,
  expectJson,
  json,
  nextAddress,
  query,
  reportCounters,
  today,
  VIEWER,
} from "./helpers";

/* Devices and their credentials: enrollment tokens, revocation, the report rate limit, the catalog. */

describe("enrollment tokens", () => {
  it("are created by an admin with a group and a cap, shown once, stored as a hash, and enroll until revoked", async () => {
    const created = await expectJson(
      await adminJson("/enrollment-tokens", "POST", { label: "MDM Finance", group: "Finance", maxDevices: 40 }),
      201,
      enrollmentTokenCreated,
    );
    expect(created).toMatchObject({ group: "Finance", maxDevices: 40 });
    expect(created.token.length).toBeGreaterThanOrEqual(40);
    const stored = await query<{ token_hash: string }>(
      "select token_hash from enrollment_tokens where id = ?",
      created.id,
    );
    expect(stored[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(created.token);

    const list = await expectJson(await admin("/enrollment-tokens"), 200, enrollmentTokensResponse);
    expect(list.tokens.find((token) => token.id === created.id)).toMatchObject({
      label: "MDM Finance",
      group: "Finance",
      maxDevices: 40,
      devices: 0,
      revokedAt: null,
    });
    expect(list.tokens.find((token) => token.bootstrap)).toMatchObject({ id: "bootstrap", group: null });
    expect(JSON.stringify(list)).not.toContain(created.token);

    // The token decides the group: the client cannot pick another one.
    const device = await enrollDevice("Legal", created.token);
    expect(device.group).toBe("Finance");
    expect(await query("select group_label from devices where id = ?", device.deviceId)).toEqual([
      { group_label: "Finance" },
    ]);

    const revoked = await expectJson(
      await admin(`/enrollment-tokens/${created.id}/revoke`, { method: "POST" }),
      200,
      enrollmentTokenEntry,
    );
    expect(revoked.revokedAt).toBeGreaterThan(0);
    const refused = await json("/api/v1/enroll", { token: created.token }, { "CF-Connecting-IP": nextAddress() });
    expect(refused.status).toBe(401);
    expect(errorResponse.parse(await refused.json()).code).toBe("enrollment_token_invalid");
    expect((await admin(`/enrollment-tokens/${created.id}/revoke`, { method: "POST" })).status).toBe(409);
    expect((await admin("/enrollment-tokens/nope/revoke", { method: "POST" })).status).toBe(404);

    const actions = await query<{ action: string; detail: string }>(
      "select action, detail from audit_log where target = ? order by id",
      created.id,
    );
    expect(actions.map((row) => row.action)).toEqual(["enrollment-token.create", "enrollment-token.revoke"]);
    expect(actions.map((row) => row.detail).join()).not.toContain(created.token);
  });

  it("refuses bad tokens requests and viewers, changing nothing", async () => {
    const before = await countRows("enrollment_tokens");
    for (const body of [
      {},
      { label: "", maxDevices: 5 },
      { label: "x".repeat(81), maxDevices: 5 },
      { label: "ok", maxDevices: 5, extra: 1 },
      { label: "ok" },
      { label: "ok", maxDevices: 0 },
      { label: "ok", maxDevices: 1.5 },
      { label: "ok", maxDevices: 5, group: "<script>" },
    ]) {
      expect((await adminJson("/enrollment-tokens", "POST", body)).status).toBe(400);
    }
    expect((await adminJson("/enrollment-tokens", "POST", { label: "v", maxDevices: 5 }, VIEWER)).status).toBe(403);
    expect(await countRows("enrollment_tokens")).toBe(before);
  });

  it("lets an admin change a cap, audited", async () => {
    const created = await expectJson(
      await adminJson("/enrollment-tokens", "POST", { label: "Pilot", group: "Pilot", maxDevices: 2 }),
      201,
      enrollmentTokenCreated,
    );
    const changed = await expectJson(
      await adminJson(`/enrollment-tokens/${created.id}`, "PATCH", { maxDevices: 3 }),
      200,
      enrollmentTokenEntry,
    );
    expect(changed.maxDevices).toBe(3);
    expect((await adminJson(`/enrollment-tokens/${created.id}`, "PATCH", { maxDevices: -1 })).status).toBe(400);
    expect((await adminJson("/enrollment-tokens/nope", "PATCH", { maxDevices: 3 })).status).toBe(404);
    expect(await query("select action from audit_log where target = ? order by id", created.id)).toEqual([
      { action: "enrollment-token.create" },
      { action: "enrollment-token.cap" },
    ]);
  });
});

describe("devices", () => {
  it("lists devices by week only, and revokes one, whose token then gets its own answer", async () => {
    const device = await enrollInGroup("Engineering");
    expect((await reportCounters(device.deviceToken, today(), [["chatgpt", "visit", 1]])).status).toBe(200);
    const listed = await expectJson(await admin("/devices"), 200, devicesResponse);
    expect(listed.devices.find((entry) => entry.id === device.deviceId)).toEqual({
      id: device.deviceId,
      group: null,
      groupSuppressed: true,
      browser: null,
      extensionVersion: null,
      enrolledWeek: isoWeekOf(today()),
      lastReportWeek: isoWeekOf(today()),
      revoked: false,
      flag: null,
    });
    // No time finer than a week anywhere in the list.
    expect(JSON.stringify(listed)).not.toMatch(/\d{4}-\d{2}-\d{2}|\d{13}/);
    expect(listed.reporting7).toBeGreaterThanOrEqual(1);

    const revoked = await admin(`/devices/${device.deviceId}/revoke`, { method: "POST" });
    expect(revoked.status).toBe(200);
    const after = await expectJson(await admin("/devices"), 200, devicesResponse);
    expect(after.revoked).toBe(listed.revoked + 1);
    expect(after.enrolled).toBe(listed.enrolled - 1);
    const refusedReport = await reportCounters(device.deviceToken, today(), [["chatgpt", "visit", 2]]);
    expect(refusedReport.status).toBe(403);
    expect(errorResponse.parse(await refusedReport.json()).code).toBe("device_revoked");
    const refusedPolicy = await call("/api/v1/policy", { headers: { Authorization: `Bearer ${device.deviceToken}` } });
    expect(refusedPolicy.status).toBe(403);
    expect(errorResponse.parse(await refusedPolicy.json()).code).toBe("device_revoked");
    expect((await admin(`/devices/${device.deviceId}/revoke`, { method: "POST" })).status).toBe(409);
    expect((await admin("/devices/unknown-device/revoke", { method: "POST" })).status).toBe(404);

    // Re-admitted, the same token works again.
    expect((await admin(`/devices/${device.deviceId}/readmit`, { method: "POST" })).status).toBe(200);
    expect((await reportCounters(device.deviceToken, today(), [["chatgpt", "visit", 2]])).status).toBe(200);
    expect((await admin(`/devices/${device.deviceId}/readmit`, { method: "POST" })).status).toBe(409);
    expect(await query("select action from audit_log where target = ? order by id", device.deviceId)).toEqual([
      { action: "device.revoke" },
      { action: "device.readmit" },
    ]);
  });

  it("is for admins only, like the enrollment tokens", async () => {
    for (const [path, method] of [
      ["/devices", "GET"],
      ["/devices/x/revoke", "POST"],
      ["/devices/x/readmit", "POST"],
      ["/enrollment-tokens", "GET"],
    ] as const) {
      const response = await admin(path, { method }, VIEWER);
      expect(response.status).toBe(403);
      expect(errorResponse.parse(await response.json()).code).toBe("forbidden");
    }
  });

  it("withholds the label of a group with fewer than k enrolled devices", async () => {
    const lonely = await enrollInGroup("Board of Directors");
    const crowd = await Promise.all([1, 2, 3, 4, 5].map(() => enrollInGroup("Support")));
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
    for (const bad of ["limit=0", "limit=5000", "offset=-1", "limit=abc", "flagged=maybe"]) {
      expect((await admin(`/devices?${bad}`)).status).toBe(400);
    }
  });
});

describe("device request rate limit", () => {
  it("answers 429 with Retry-After once a device used its minute, storing nothing", async () => {
    const { deviceToken } = await enrollDevice();
    const policy = () => call("/api/v1/policy", { headers: { Authorization: `Bearer ${deviceToken}` } });
    let status = 200;
    let requests = 0;
    // The binding allows 30 a minute (wrangler.toml); a scripted device soon meets the limit.
    while (status !== 429 && requests < 100) {
      status = (await policy()).status;
      requests++;
    }
    expect(status).toBe(429);
    expect(requests).toBeGreaterThan(20);
    const before = await countRows("daily_counters");
    const refused = await reportCounters(deviceToken, today(), [["deepl", "visit", 2]]);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBe(60);
    const body = errorResponse.parse(await refused.json());
    expect(body).toMatchObject({ code: "rate_limited", retryAfter: 60 });
    expect(await countRows("daily_counters")).toBe(before);
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
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
    const second = await call("/api/v1/catalog", { headers: { ...headers, "If-None-Match": etag } });
    expect(second.status).toBe(304);
    expect(await second.text()).toBe("");
    expect((await call("/api/v1/catalog", { headers: { ...headers, "If-None-Match": '"other"' } })).status).toBe(200);
  });

  it("requires a device token", async () => {
    expect((await call("/api/v1/catalog")).status).toBe(401);
  });
});
