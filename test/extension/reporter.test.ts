import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { addCount, entriesOf, eventCount, markSent } from "../../extension/lib/counters";
import { bundledPolicy, followPolicy, policyInForce } from "../../extension/lib/policy-cache";
import { flush } from "../../extension/lib/reporter";
import type { Settings } from "../../extension/lib/settings";
import { local } from "../../extension/lib/state";
import { reportRequest } from "../../shared/protocol";
import { enrollment, inTurn, json, type Recorded, refusal, SERVER, serve } from "./fake-server";

/*
 * flush(): one batch of pending counts to the server, and what the server's structured answer
 * makes the device do. Real storage (WXT's fake browser), the real counters and reporter; only
 * the network is replaced.
 */
const SETTINGS: Settings = {
  serverUrl: SERVER,
  enrollmentToken: "enrollment-token",
  group: "",
  reporting: true,
  extensionCensus: true,
  censusKey: "",
};
const DAY = "2026-11-20";
const NOW = Date.parse("2026-11-21T10:00:00Z");
const visit = eventCount("chatgpt", "visit", 1);
const shown = eventCount("chatgpt", "nudge_shown", 1);
const acknowledged = eventCount("chatgpt", "acknowledged", 1);
const retired = eventCount("retired-tool", "visit", 1);

async function keep(...counts: Array<[ReturnType<typeof eventCount>, number]>): Promise<void> {
  let book = await local.counters.getValue();
  for (const [count, n] of counts) book = addCount(book, DAY, count, n);
  await local.counters.setValue(book);
}

const reports = (requests: Recorded[]) => requests.filter((r) => r.path === "/api/v1/reports");
const enrollments = (requests: Recorded[]) => requests.filter((r) => r.path === "/api/v1/enroll");

describe("flush", () => {
  beforeEach(() => fakeBrowser.reset());
  afterEach(() => vi.restoreAllMocks());

  it("sends what is pending, exactly as the schema allows, and records it as sent", async () => {
    await keep([visit, 3], [shown, 1]);
    const requests = serve({ "/api/v1/enroll": enrollment("Engineering"), "/api/v1/reports": () => json(200, {}) });
    expect(await flush(SETTINGS, "1.0.0", NOW)).toEqual({ ok: true, sentDays: 1, sentCounters: 2, setAside: 0 });
    const [sent] = reports(requests);
    expect(sent?.token).toBe("token-1");
    expect(reportRequest.parse(sent?.body)).toEqual({
      days: [
        {
          day: DAY,
          counters: [
            { tool: "chatgpt", event: "visit", policyVersion: 1, n: 3 },
            { tool: "chatgpt", event: "nudge_shown", policyVersion: 1, n: 1 },
          ],
        },
      ],
    });
    expect(entriesOf(await local.sent.getValue())).toHaveLength(2);
    expect((await local.device.getValue())?.group).toBe("Engineering");
    expect(await local.delivery.getValue()).toMatchObject({ failures: 0, lastError: null });
    // Nothing pending: nothing sent.
    expect(await flush(SETTINGS, "1.0.0", NOW)).toMatchObject({ ok: true, sentCounters: 0 });
    expect(reports(requests)).toHaveLength(1);
  });

  it("passes on the policy the server's answer names; the device fetches it only when it holds another", async () => {
    await keep([visit, 1]);
    const named = { policy: { ...bundledPolicy.policy, version: 2 }, reviews: {}, reporting: true };
    const requests = serve({
      "/api/v1/enroll": enrollment(),
      "/api/v1/reports": () => json(200, { accepted: 1, changed: 1, policyVersion: 2, policyEtag: '"p2"' }),
      "/api/v1/policy": () => json(200, named, { ETag: '"p2"' }),
    });
    const result = await flush(SETTINGS, "1.0.0", NOW);
    expect(result).toEqual({ ok: true, sentDays: 1, sentCounters: 1, setAside: 0, policyEtag: '"p2"' });
    const device = await local.device.getValue();
    if (!device) throw new Error("the device did not enroll");
    expect(await followPolicy(SERVER, device.deviceToken, '"p2"')).toBe(true);
    expect((await policyInForce()).response.policy.version).toBe(2);
    // Held already: nothing is fetched.
    expect(await followPolicy(SERVER, device.deviceToken, '"p2"')).toBe(false);
    expect(requests.filter((r) => r.path === "/api/v1/policy")).toHaveLength(1);
  });

  it("passes on the policy a queued answer (202) names, and counts the report as delivered", async () => {
    await keep([visit, 1]);
    serve({
      "/api/v1/enroll": enrollment(),
      "/api/v1/reports": () => json(202, { accepted: 1, queued: true, policyVersion: 3, policyEtag: '"p3"' }),
    });
    const result = await flush(SETTINGS, "1.0.0", NOW);
    expect(result).toEqual({ ok: true, sentDays: 1, sentCounters: 1, setAside: 0, policyEtag: '"p3"' });
    expect(entriesOf(await local.sent.getValue())).toHaveLength(1);
  });

  it("names no policy when the server's answer does not, or names it in a shape it must not have", async () => {
    for (const answer of [{ accepted: 1, changed: 1 }, { accepted: 1, changed: 1, policyEtag: 42 }, "not json"]) {
      fakeBrowser.reset();
      await keep([visit, 1]);
      serve({
        "/api/v1/enroll": enrollment(),
        "/api/v1/reports": () =>
          typeof answer === "string" ? new Response(answer, { status: 200 }) : json(200, answer),
      });
      const result = await flush(SETTINGS, "1.0.0", NOW);
      expect(result, JSON.stringify(answer)).toEqual({ ok: true, sentDays: 1, sentCounters: 1, setAside: 0 });
      vi.restoreAllMocks();
    }
  });

  it("sets aside exactly the refused counts, under their reasons, and sends the rest", async () => {
    await keep([visit, 3], [shown, 1], [acknowledged, 2], [retired, 4]);
    const requests = serve({
      "/api/v1/enroll": enrollment(),
      "/api/v1/reports": inTurn(
        () =>
          refusal(422, "report_refused", {
            refused: [
              {
                kind: "counter",
                day: DAY,
                tool: "chatgpt",
                event: "acknowledged",
                policyVersion: 1,
                reason: "answer_without_nudge",
                message: "2 answers, 1 nudge shown",
              },
            ],
            unknownTools: ["retired-tool"],
          }),
        () => json(200, {}),
      ),
    });
    expect(await flush(SETTINGS, "1.0.0", NOW)).toEqual({ ok: true, sentDays: 1, sentCounters: 2, setAside: 6 });
    const [refused, accepted] = reports(requests);
    expect(JSON.stringify(refused?.body)).toContain("retired-tool");
    expect(JSON.stringify(accepted?.body)).not.toContain("retired-tool");
    expect(JSON.stringify(accepted?.body)).not.toContain("acknowledged");
    expect(await local.notKept.getValue()).toEqual({
      refused: { answer_without_nudge: 2, unknown_tool: 4 },
      expired: 0,
      candidateOverflow: 0,
    });
    expect(entriesOf(await local.counters.getValue()).map((e) => e.count)).toEqual([visit, shown]);
  });

  it("keeps everything and backs off when a refusal names nothing the device holds", async () => {
    await keep([visit, 1]);
    serve({ "/api/v1/enroll": enrollment(), "/api/v1/reports": () => refusal(422, "report_refused", { refused: [] }) });
    const result = await flush(SETTINGS, "1.0.0", NOW);
    expect(result).toMatchObject({ ok: false, code: "report_refused" });
    expect(result.ok || result.retryAt).toBeGreaterThan(NOW);
    expect(entriesOf(await local.counters.getValue())).toEqual([{ day: DAY, count: visit, n: 1 }]);
  });

  it("waits for the server's Retry-After on 429 without asking again before", async () => {
    await keep([visit, 1]);
    const requests = serve({
      "/api/v1/enroll": enrollment(),
      "/api/v1/reports": inTurn(
        () => refusal(429, "rate_limited", { retryAfter: 120 }),
        () => json(200, {}),
      ),
    });
    expect(await flush(SETTINGS, "1.0.0", NOW)).toMatchObject({
      ok: false,
      code: "rate_limited",
      retryAt: NOW + 120_000,
    });
    expect(await flush(SETTINGS, "1.0.0", NOW + 60_000)).toMatchObject({ ok: false, code: "rate_limited" });
    expect(reports(requests)).toHaveLength(1);
    expect(await flush(SETTINGS, "1.0.0", NOW + 121_000)).toMatchObject({ ok: true, sentCounters: 1 });
    expect(reports(requests)).toHaveLength(2);
  });

  it("enrolls again when the server no longer knows the device, sending only what was never delivered", async () => {
    await keep([visit, 5]);
    await local.sent.setValue(markSent({}, [{ day: DAY, count: visit, n: 3 }]));
    await local.device.setValue({
      serverUrl: SERVER,
      deviceId: "old",
      deviceToken: "old-token",
      group: null,
      enrolledWith: null,
    });
    const requests = serve({
      "/api/v1/enroll": enrollment(),
      "/api/v1/reports": (request) => (request.token === "old-token" ? refusal(401, "device_unknown") : json(200, {})),
    });
    expect(await flush(SETTINGS, "1.0.0", NOW)).toMatchObject({ ok: true, sentCounters: 1 });
    expect(enrollments(requests)).toHaveLength(1);
    const last = reports(requests).at(-1);
    expect(last?.token).toBe("token-1");
    expect(last?.body).toEqual({
      days: [{ day: DAY, counters: [{ tool: "chatgpt", event: "visit", policyVersion: 1, n: 2 }] }],
    });
  });

  it("stops on device_revoked and never enrolls again with the same token; a new token enrolls anew", async () => {
    await keep([visit, 2]);
    const requests = serve({
      "/api/v1/enroll": enrollment(),
      "/api/v1/reports": (request) => (request.token === "token-1" ? refusal(403, "device_revoked") : json(200, {})),
    });
    expect(await flush(SETTINGS, "1.0.0", NOW)).toMatchObject({ ok: false, code: "device_revoked", retryAt: null });
    expect(await local.revoked.getValue()).toMatchObject({ serverUrl: SERVER });
    const before = requests.length;
    expect(await flush(SETTINGS, "1.0.0", NOW + 3_600_000)).toMatchObject({ ok: false, code: "device_revoked" });
    expect(requests).toHaveLength(before);

    const renewed = { ...SETTINGS, enrollmentToken: "a-new-enrollment-token" };
    expect(await flush(renewed, "1.0.0", NOW + 7_200_000)).toMatchObject({ ok: true, sentCounters: 1 });
    expect(enrollments(requests).map((r) => (r.body as { token: string }).token)).toEqual([
      "enrollment-token",
      "a-new-enrollment-token",
    ]);
    expect(await local.revoked.getValue()).toBeNull();
  });

  it("enrolls again when the group asked for changes, and remembers a group the server does not know", async () => {
    await keep([visit, 1]);
    const requests = serve({
      "/api/v1/enroll": (request) =>
        (request.body as { group?: string }).group === "Nowhere"
          ? refusal(422, "group_unknown")
          : json(200, {
              deviceId: "d",
              deviceToken: "token-1",
              group: (request.body as { group?: string }).group ?? null,
            }),
      "/api/v1/reports": () => json(200, {}),
    });
    expect(await flush({ ...SETTINGS, group: "Legal" }, "1.0.0", NOW)).toMatchObject({ ok: true });
    expect((await local.device.getValue())?.group).toBe("Legal");
    await keep([visit, 1]);
    expect(await flush({ ...SETTINGS, group: "Nowhere" }, "1.0.0", NOW)).toMatchObject({
      ok: false,
      code: "group_unknown",
      retryAt: null,
    });
    expect(await local.enrollment.getValue()).toMatchObject({ code: "group_unknown", group: "Nowhere" });
    expect(enrollments(requests)).toHaveLength(2);
  });

  it("keeps everything when the server cannot be reached, and retries with backoff", async () => {
    await keep([visit, 1]);
    vi.spyOn(globalThis, "fetch").mockRejectedValue(new TypeError("Failed to fetch"));
    const result = await flush(SETTINGS, "1.0.0", NOW);
    expect(result).toMatchObject({ ok: false, code: "unreachable" });
    expect(result.ok || result.retryAt).toBeGreaterThanOrEqual(NOW + 30_000);
    expect(await local.delivery.getValue()).toMatchObject({ failures: 1, lastError: { code: "unreachable" } });
    expect(entriesOf(await local.counters.getValue())).toHaveLength(1);
  });
});
