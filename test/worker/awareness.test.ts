import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { awarenessResponse, meResponse, overviewResponse, policyPublishResponse } from "../../shared/admin";
import { addDays } from "../../shared/day";
import { LIMITS } from "../../shared/limits";
import { suppressSmallGroups } from "../../worker/privacy";
import { admin, adminJson, counters, enrollDevice, enrollInGroup, expectJson, report, today, VIEWER } from "./helpers";

/*
 * Awareness and overview on a known population (storage is per test file, so every figure
 * below is exact):
 *   Finance  6 devices, today: chatgpt visit 3 + nudge_shown 1; 4 of them acknowledged v1
 *   Sales    5 devices, today: claude visit 2 + nudge_shown 1 + acknowledged v1
 *   Legal    2 devices, yesterday: chatgpt visit 1 + nudge_shown 1; 1 acknowledged v1
 *   (none)   1 device, 10 days ago: perplexity visit 5
 *   silent   1 device enrolled, never reported
 *   revoked  1 Finance device, today: chatgpt visit 1 + acknowledged v1, then revoked
 *   stale    1 Sales device, 40 days ago: chatgpt visit 1 + acknowledged v1
 * Active over 30 days (enrolled, not revoked): 6 + 5 + 2 + 1 = 14; acknowledged v1: 4 + 5 + 1 = 10.
 */

const day = today();
const devices: Record<string, Array<{ deviceId: string; deviceToken: string }>> = {};

beforeAll(async () => {
  const enroll = async (name: string, n: number, group?: string) => {
    devices[name] = await Promise.all(Array.from({ length: n }, () => (group ? enrollInGroup(group) : enrollDevice())));
  };
  await enroll("finance", 6, "Finance");
  await enroll("sales", 5, "Sales");
  await enroll("legal", 2, "Legal");
  await enroll("none", 1);
  await enroll("silent", 1, "Finance");
  await enroll("revoked", 1, "Finance");
  await enroll("stale", 1, "Sales");
  const send = async (name: string, i: number, body: Parameters<typeof report>[1]) => {
    const response = await report(devices[name]?.[i]?.deviceToken ?? "", body);
    if (response.status !== 200) throw new Error(`${name}: ${await response.text()}`);
  };
  for (let i = 0; i < 6; i++) {
    const entries: Array<[string, string, number]> = [
      ["chatgpt", "visit", 3],
      ["chatgpt", "nudge_shown", 1],
    ];
    if (i < 4) entries.push(["chatgpt", "acknowledged", 1]);
    await send("finance", i, counters(day, entries));
  }
  for (let i = 0; i < 5; i++) {
    await send(
      "sales",
      i,
      counters(day, [
        ["claude", "visit", 2],
        ["claude", "nudge_shown", 1],
        ["claude", "acknowledged", 1],
      ]),
    );
  }
  for (let i = 0; i < 2; i++) {
    const entries: Array<[string, string, number]> = [
      ["chatgpt", "visit", 1],
      ["chatgpt", "nudge_shown", 1],
    ];
    if (i === 0) entries.push(["chatgpt", "acknowledged", 1]);
    await send("legal", i, counters(addDays(day, -1), entries));
  }
  await send("none", 0, counters(addDays(day, -10), [["perplexity", "visit", 5]]));
  await send(
    "revoked",
    0,
    counters(day, [
      ["chatgpt", "visit", 1],
      ["chatgpt", "nudge_shown", 1],
      ["chatgpt", "acknowledged", 1],
    ]),
  );
  await admin(`/devices/${devices.revoked?.[0]?.deviceId}/revoke`, { method: "POST" });
  await send(
    "stale",
    0,
    counters(addDays(day, -40), [
      ["chatgpt", "visit", 1],
      ["chatgpt", "nudge_shown", 1],
      ["chatgpt", "acknowledged", 1],
    ]),
  );
});

describe("GET /api/admin/me", () => {
  it("names the actor, the role and k", async () => {
    expect(await expectJson(await admin("/me"), 200, meResponse)).toEqual({
      actor: "local-admin",
      role: "admin",
      k: LIMITS.kAnonymity,
    });
    expect(await expectJson(await admin("/me", {}, VIEWER), 200, meResponse)).toMatchObject({ role: "viewer" });
  });
});

describe("GET /api/admin/overview", () => {
  it("gives the fleet, tool and coverage figures of the population", async () => {
    const overview = await expectJson(await admin("/overview"), 200, overviewResponse);
    expect(overview).toMatchObject({
      toolsTotal: 3,
      toolsNewThisWeek: 1,
      activeDevices7: 13,
      enrolledDevices: 16,
      reportingDevices7: 13,
      ackCoverage: { policyVersion: 1, acknowledged: 10, active: 14 },
    });
    // Tool usage keeps what the revoked device did: chatgpt 6 + 2 + 1.
    expect(overview.topTools).toEqual([
      { id: "chatgpt", name: "ChatGPT", category: "chat", devices7: 9 },
      { id: "claude", name: "Claude", category: "chat", devices7: 5 },
    ]);
    expect(overview.topCategories).toEqual([{ category: "chat", name: expect.any(String), devices7: 14 }]);
    expect(overview.trend).toHaveLength(30);
    expect(overview.trend.at(-1)).toEqual({ day, visits: 6 * 3 + 5 * 2 + 1, devices: 12 });
    // Days on which fewer than k devices reported show no figures.
    expect(overview.trend.at(-2)).toEqual({ day: addDays(day, -1), visits: null, devices: null });
    expect(overview.trend.at(-11)).toEqual({ day: addDays(day, -10), visits: null, devices: null });
    expect(overview.trend.at(-3)).toEqual({ day: addDays(day, -2), visits: 0, devices: 0 });
  });
});

describe("GET /api/admin/awareness", () => {
  it("measures acknowledgement over active devices, by group with k-anonymity", async () => {
    const awareness = await expectJson(await admin("/awareness"), 200, awarenessResponse);
    expect(awareness.k).toBe(LIMITS.kAnonymity);
    expect(awareness.policyVersion).toBe(1);
    // Every active device counted under v1, the only version: all 14 run it.
    expect(awareness.versions).toEqual([
      { version: 1, publishedAt: expect.any(Number), acknowledged: 10, active: 14, running: 14 },
    ]);
    // Legal (2) and the unlabelled device (1) are below k; together 3 < k, so the smallest
    // other group (Sales, 5) joins them in one "other groups" row of 8, or subtraction from
    // the totals would reveal them. No label of a small group appears.
    expect(awareness.byGroup).toEqual([
      { group: "Finance", other: false, active: 6, acknowledged: 4, suppressed: false },
      { group: null, other: true, active: 8, acknowledged: 6, suppressed: false },
    ]);
    expect(JSON.stringify(awareness)).not.toContain("Legal");
    // Distinct devices, each counted once however many acknowledgements it reported; the
    // revoked and the stale device did acknowledge v1 within the retention window.
    expect(awareness.funnel).toEqual({
      nudge_shown: 6 + 5 + 2 + 1 + 1,
      acknowledged: 4 + 5 + 1 + 1 + 1,
      justified: 0,
      redirected: 0,
      blocked: 0,
      dismissed: 0,
      left: 0,
      nudge_tampered: 0,
    });
    expect(awareness.trend).toHaveLength(30);
    expect(awareness.trend.at(-1)).toEqual({ day, nudge_shown: 12, acknowledged: 10 });
    expect(awareness.trend.at(-2)).toEqual({ day: addDays(day, -1), nudge_shown: null, acknowledged: null });
  });

  it("follows a new policy version", async () => {
    const current = (await expectJson<{ current: Record<string, unknown> }>(await admin("/policy"), 200)).current;
    const published = await expectJson(
      await adminJson("/policy", "POST", { policy: { ...current, name: "AI policy, second edition" } }),
      201,
      policyPublishResponse,
    );
    expect(published.version).toBe(2);
    const finance = devices.finance?.[0];
    const answered = await report(
      finance?.deviceToken ?? "",
      counters(day, [
        ["chatgpt", "nudge_shown", 1, 2],
        ["chatgpt", "acknowledged", 1, 2],
      ]),
    );
    expect(answered.status).toBe(200);

    const latest = await expectJson(await admin("/awareness"), 200, awarenessResponse);
    expect(latest.policyVersion).toBe(2);
    expect(latest.versions).toEqual([
      // One device moved to v2 (withheld: fewer than k), the other 13 still run v1.
      { version: 2, publishedAt: expect.any(Number), acknowledged: 1, active: 14, running: null },
      { version: 1, publishedAt: expect.any(Number), acknowledged: 10, active: 14, running: 13 },
    ]);
    expect(latest.byGroup.find((row) => row.group === "Finance")).toEqual({
      group: "Finance",
      other: false,
      active: 6,
      acknowledged: 1,
      suppressed: false,
    });
    // One device: withheld.
    expect(latest.funnel.acknowledged).toBe(null);
    const overview = await expectJson(await admin("/overview"), 200, overviewResponse);
    expect(overview.ackCoverage).toEqual({ policyVersion: 2, acknowledged: 1, active: 14 });

    const first = await expectJson(await admin("/awareness?version=1"), 200, awarenessResponse);
    expect(first.policyVersion).toBe(1);
    expect(first.funnel.acknowledged).toBe(12);
    expect((await admin("/awareness?version=99")).status).toBe(404);
    expect((await admin("/awareness?version=abc")).status).toBe(400);
  });
});

describe("k-anonymity suppression", () => {
  const rows = [
    { group: "A", active: 10, acknowledged: 7 },
    { group: "B", active: 4, acknowledged: 4 },
    { group: "C", active: 6, acknowledged: 1 },
    { group: null, active: 1, acknowledged: 0 },
  ];

  it("merges every group below k into one row, with more groups while it could be recovered", () => {
    const shown = (k: number) =>
      suppressSmallGroups(rows, k).map((row) => (row.other ? `other:${row.active ?? "withheld"}` : row.group));
    expect(shown(1)).toEqual(["A", "C", "B", null]);
    // k = 2: only the 1-device group is small; alone it could be recovered, so B (4) joins it.
    expect(shown(2)).toEqual(["A", "C", "other:5"]);
    // k = 5: B and the null group merge (5 devices together): enough.
    expect(shown(5)).toEqual(["A", "C", "other:5"]);
    // k = 7: C, B and null merge (11 together).
    expect(shown(7)).toEqual(["A", "other:11"]);
    expect(shown(11)).toEqual(["other:21"]);
    // Everyone together below k: the merged row carries no figures.
    expect(shown(22)).toEqual(["other:withheld"]);
  });

  it("never shows a number for a hidden group", () => {
    for (const row of suppressSmallGroups(rows, 5)) {
      if (row.suppressed) expect([row.active, row.acknowledged]).toEqual([null, null]);
    }
  });

  it("is configured by K_ANONYMITY", async () => {
    const { kAnonymity } = await import("../../worker/privacy");
    expect(kAnonymity({ ...env, K_ANONYMITY: "3" })).toBe(3);
    expect(kAnonymity({ ...env, K_ANONYMITY: "zero" })).toBe(LIMITS.kAnonymity);
    expect(kAnonymity({ ...env, K_ANONYMITY: undefined })).toBe(LIMITS.kAnonymity);
  });
});
