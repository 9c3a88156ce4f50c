import { describe, expect, it } from "vitest";
import { awarenessResponse, policyListResponse } from "../../shared/admin";
import { LIMITS } from "../../shared/limits";
import { admin, adminJson, counters, enrollDevice, expectJson, report, today } from "./helpers";

/* Awareness: how many active devices run each policy version, withheld below k. */

describe("devices running each policy version", () => {
  it("counts each active device under the newest version it counted under, and withholds fewer than k", async () => {
    const k = LIMITS.kAnonymity;
    const fleet = await Promise.all(Array.from({ length: k + 2 }, () => enrollDevice()));
    for (const { deviceToken } of fleet) {
      expect((await report(deviceToken, counters(today(), [["chatgpt", "visit", 1]]))).status).toBe(200);
    }
    const { current } = await expectJson(await admin("/policy"), 200, policyListResponse);
    expect((await adminJson("/policy", "POST", { policy: current })).status).toBe(201);
    // k devices fetch version 2 and count under it; two stay on version 1.
    for (const { deviceToken } of fleet.slice(0, k)) {
      const sent = counters(today(), [
        ["chatgpt", "visit", 1],
        ["chatgpt", "visit", 2, 2],
      ]);
      expect((await report(deviceToken, sent)).status).toBe(200);
    }
    const awareness = await expectJson(await admin("/awareness"), 200, awarenessResponse);
    const running = Object.fromEntries(awareness.versions.map((v) => [v.version, v.running]));
    expect(running).toEqual({ 2: k, 1: null });
    expect(awareness.versions.find((v) => v.version === 2)?.active).toBe(k + 2);
  });
});
