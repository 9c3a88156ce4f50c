import { describe, expect, it } from "vitest";
import {
  auditResponse,
  candidatesResponse,
  candidateTriageResponse,
  exceptionEntry,
  exceptionsResponse,
  inventoryResponse,
  toolDetailResponse,
  toolReview,
} from "../../shared/admin";
import { addDays, weekStart } from "../../shared/day";
import { policyResponse } from "../../shared/protocol";
import {
  admin,
  adminJson,
  call,
  counters,
  countRows,
  enrollDevice,
  expectJson,
  query,
  report,
  reportCounters,
  today,
  VIEWER,
} from "./helpers";

/* The security team's work: tool detail and review, candidates triage, exceptions, audit. */

async function devicePolicy(deviceToken: string) {
  const response = await call("/api/v1/policy", { headers: { Authorization: `Bearer ${deviceToken}` } });
  return { etag: response.headers.get("etag"), body: policyResponse.parse(await response.json()) };
}

describe("tool detail and review", () => {
  it("shows catalog facts and 30 days of usage, each day's figures only for k devices or more", async () => {
    const day = today();
    const fleet = await Promise.all([1, 2, 3, 4, 5].map(() => enrollDevice()));
    for (const [i, device] of fleet.entries()) {
      const entries: Array<[string, string, number]> = [["midjourney", "visit", i + 1]];
      if (i === 4) entries.push(["midjourney", "nudge_shown", 1]);
      expect((await reportCounters(device.deviceToken, day, entries)).status).toBe(200);
    }
    const earlier = counters(addDays(day, -10), [["midjourney", "visit", 2]]);
    expect((await report(fleet[0]?.deviceToken ?? "", earlier)).status).toBe(200);
    const detail = await expectJson(await admin("/tools/midjourney"), 200, toolDetailResponse);
    expect(detail.tool).toMatchObject({ id: "midjourney", name: "Midjourney" });
    expect(detail.tool.vendor.name).toBeTruthy();
    expect(detail.tool.hosts).toContain("midjourney.com");
    expect(detail.review).toBeNull();
    expect(detail.usage).toMatchObject({
      devices7: 5,
      devices30: 5,
      withheld: false,
      firstSeen: addDays(day, -10),
      lastSeen: day,
      events: { visit: 17, nudge_shown: 1 },
    });
    expect(detail.usage.trend).toHaveLength(30);
    expect(detail.usage.trend.at(-1)).toEqual({ day, visits: 15, devices: 5 });
    // One device that day: its visits are not shown.
    expect(detail.usage.trend.at(-11)).toEqual({ day: addDays(day, -10), visits: null, devices: null });
    expect(detail.usage.trend.at(-12)).toEqual({ day: addDays(day, -11), visits: 0, devices: 0 });

    const { tools } = await expectJson(await admin("/inventory"), 200, inventoryResponse);
    const row = tools.find((tool) => tool.id === "midjourney");
    expect(row?.trend.at(-1)).toBe(15);
    expect(row?.trend.at(-11)).toBe(null);
    expect(row?.visits).toBe(17);

    expect((await admin("/tools/not-a-tool")).status).toBe(404);
  });

  it("a review reaches devices through the policy endpoint and is audit-logged", async () => {
    const device = await enrollDevice();
    const before = await devicePolicy(device.deviceToken);
    expect(before.body.reviews.deepseek).toBeUndefined();

    const review = await expectJson(
      await adminJson("/tools/deepseek/review", "PUT", {
        status: "banned",
        owner: "secops@example.com",
        notes: "Data stored in CN.",
        nextReview: addDays(today(), 180),
        alternative: "chatgpt",
      }),
      200,
      toolReview,
    );
    expect(review).toMatchObject({ status: "banned", alternative: "chatgpt", updatedBy: "local-admin" });

    const after = await devicePolicy(device.deviceToken);
    expect(after.body.reviews.deepseek).toEqual({ status: "banned", alternative: "chatgpt" });
    expect(after.etag).not.toBe(before.etag);

    const detail = await expectJson(await admin("/tools/deepseek"), 200, toolDetailResponse);
    expect(detail.review).toMatchObject({ status: "banned", owner: "secops@example.com", notes: "Data stored in CN." });

    // A second change clears what it omits and records before and after.
    await adminJson("/tools/deepseek/review", "PUT", { status: "restricted" });
    const cleared = await expectJson(await admin("/tools/deepseek"), 200, toolDetailResponse);
    expect(cleared.review).toMatchObject({ status: "restricted", owner: null, alternative: null });
    const { entries } = await expectJson(await admin("/audit"), 200, auditResponse);
    const changes = entries.filter((entry) => entry.action === "review.update" && entry.target === "deepseek");
    expect(changes).toHaveLength(2);
    expect(changes[0]?.detail).toMatchObject({ before: { status: "banned" }, after: { status: "restricted" } });
  });

  it("an enterprise agreement reaches devices, even on a tool not reviewed otherwise, and the evidence pack", async () => {
    const device = await enrollDevice();
    const review = await expectJson(
      await adminJson("/tools/github-copilot/review", "PUT", { status: "unreviewed", agreement: true }),
      200,
      toolReview,
    );
    expect(review).toMatchObject({ status: "unreviewed", agreement: true });
    expect((await devicePolicy(device.deviceToken)).body.reviews["github-copilot"]).toEqual({
      status: "unreviewed",
      alternative: null,
      agreement: true,
    });
    // Without an agreement an unreviewed tool is not published, and an approval carries none.
    await adminJson("/tools/github-copilot/review", "PUT", { status: "unreviewed" });
    expect((await devicePolicy(device.deviceToken)).body.reviews["github-copilot"]).toBeUndefined();
    await adminJson("/tools/github-copilot/review", "PUT", { status: "approved" });
    expect((await devicePolicy(device.deviceToken)).body.reviews["github-copilot"]).toEqual({
      status: "approved",
      alternative: null,
    });
    expect(
      (await adminJson("/tools/github-copilot/review", "PUT", { status: "approved", agreement: "yes" })).status,
    ).toBe(400);
  });

  it("refuses bad reviews with clear errors and changes nothing", async () => {
    const before = await countRows("tool_reviews");
    const audits = await countRows("audit_log");
    const cases: Array<[string, unknown, number, string | RegExp]> = [
      ["/tools/chatgpt/review", { status: "fine" }, 400, /status/],
      ["/tools/chatgpt/review", { status: "approved", nextReview: "2026-13-01" }, 400, /nextReview/],
      ["/tools/chatgpt/review", { status: "approved", extra: 1 }, 400, /extra|unrecognized/i],
      ["/tools/chatgpt/review", { status: "approved", alternative: "nope" }, 422, /unknown tool "nope"/],
      ["/tools/chatgpt/review", { status: "approved", alternative: "chatgpt" }, 422, /own alternative/],
      ["/tools/no-such-tool/review", { status: "approved" }, 404, /no tool/],
    ];
    for (const [path, body, status, message] of cases) {
      const refused = await expectJson<{ error: string; issues?: string[] }>(
        await adminJson(path, "PUT", body),
        status,
      );
      expect(`${refused.error} ${refused.issues?.join(" ") ?? ""}`).toMatch(message);
    }
    expect((await adminJson("/tools/chatgpt/review", "PUT", { status: "approved" }, VIEWER)).status).toBe(403);
    expect(await countRows("tool_reviews")).toBe(before);
    expect(await countRows("audit_log")).toBe(audits);
  });
});

describe("candidates", () => {
  it("lists unknown domains with devices and visits, and triages them (audit-logged)", async () => {
    const day = today();
    const fleet = await Promise.all([1, 2, 3, 4, 5].map(() => enrollDevice()));
    for (const device of fleet.slice(1)) {
      const body = { days: [], candidates: [{ day, domain: "shinytool.ai", n: 3 }] };
      expect((await report(device.deviceToken, body)).status).toBe(200);
    }
    const first = await report(fleet[0]?.deviceToken ?? "", {
      days: [],
      candidates: [
        { day: addDays(day, -1), domain: "shinytool.ai", n: 1 },
        { day, domain: "other-gpt.com", n: 1 },
      ],
    });
    expect(first.status).toBe(200);
    const { candidates } = await expectJson(await admin("/candidates"), 200, candidatesResponse);
    expect(candidates.find((c) => c.domain === "shinytool.ai")).toEqual({
      domain: "shinytool.ai",
      firstSeen: addDays(day, -1),
      lastSeen: day,
      fewerThanK: false,
      devices: 5,
      visits: 13,
      state: "new",
      // Reported without signals, as by extensions older than signals: the hostname.
      signals: ["hostname"],
    });
    // Seen by one device: listed for triage, without figures, its day coarsened to the week.
    expect(candidates.find((c) => c.domain === "other-gpt.com")).toEqual({
      domain: "other-gpt.com",
      firstSeen: weekStart(day),
      lastSeen: weekStart(day),
      fewerThanK: true,
      devices: null,
      visits: null,
      state: "new",
      signals: ["hostname"],
    });

    const triaged = await expectJson(
      await adminJson("/candidates/shinytool.ai", "POST", { state: "dismissed" }),
      200,
      candidateTriageResponse,
    );
    expect(triaged).toEqual({ domain: "shinytool.ai", state: "dismissed" });
    const after = await expectJson(await admin("/candidates"), 200, candidatesResponse);
    expect(after.candidates.at(-1)?.domain).toBe("shinytool.ai");
    expect(after.candidates[0]?.state).toBe("new");
    expect(await query("select action, detail from audit_log where target = 'shinytool.ai'")).toEqual([
      { action: "candidate.triage", detail: JSON.stringify({ before: "new", after: "dismissed" }) },
    ]);

    expect((await adminJson("/candidates/never-seen.ai", "POST", { state: "added" })).status).toBe(404);
    expect((await adminJson("/candidates/shinytool.ai", "POST", { state: "maybe" })).status).toBe(400);
    expect((await adminJson("/candidates/Not_A_Domain", "POST", { state: "added" })).status).toBe(400);
  });
});

describe("exceptions register", () => {
  it("groups justifications by tool and reason, and records the decision", async () => {
    const day = today();
    const devices = await Promise.all([1, 2, 3, 4, 5].map(() => enrollDevice()));
    const justified = (on: string, n: number) =>
      counters(on, [
        ["fireflies", "nudge_shown", n],
        ["fireflies", "justified", n],
      ]).days;
    for (const [i, device] of devices.entries()) {
      const response = await report(device.deviceToken, {
        days: [...justified(day, i + 1), ...(i === 0 ? justified(addDays(day, -3), 1) : [])],
        justifications: [
          { day, tool: "fireflies", reason: "customer-requirement", policyVersion: 1, n: i + 1 },
          ...(i === 0
            ? [{ day: addDays(day, -3), tool: "fireflies", reason: "evaluating", policyVersion: 1, n: 1 }]
            : []),
        ],
      });
      expect(response.status).toBe(200);
    }
    const { exceptions } = await expectJson(await admin("/exceptions"), 200, exceptionsResponse);
    const entry = exceptions.find((e) => e.tool === "fireflies" && e.reason === "customer-requirement");
    expect(entry).toEqual({
      tool: "fireflies",
      toolName: "Fireflies.ai",
      reason: "customer-requirement",
      reasonLabel: "A customer or partner requires this tool",
      requests: 15,
      devices: 5,
      firstSeen: day,
      lastSeen: day,
      owner: null,
      decision: "pending",
      expiry: null,
    });

    const decided = await expectJson(
      await adminJson("/exceptions/fireflies/customer-requirement", "PUT", {
        owner: "legal@example.com",
        decision: "granted",
        expiry: addDays(day, 90),
      }),
      200,
      exceptionEntry,
    );
    expect(decided).toMatchObject({ decision: "granted", owner: "legal@example.com", requests: 15 });
    const again = await expectJson(await admin("/exceptions"), 200, exceptionsResponse);
    expect(again.exceptions.find((e) => e.reason === "customer-requirement")).toMatchObject({ decision: "granted" });
    // Pending requests come first; one device's request carries no figures.
    expect(again.exceptions[0]).toMatchObject({
      reason: "evaluating",
      decision: "pending",
      requests: null,
      devices: null,
      firstSeen: weekStart(addDays(day, -3)),
    });
    expect(await query("select action from audit_log where target = 'fireflies/customer-requirement'")).toEqual([
      { action: "exception.decide" },
    ]);

    expect((await adminJson("/exceptions/fireflies/no-such-reason", "PUT", { decision: "denied" })).status).toBe(404);
    expect((await adminJson("/exceptions/fireflies/evaluating", "PUT", { decision: "maybe" })).status).toBe(400);
  });
});

describe("audit log", () => {
  it("pages newest first with before=", async () => {
    for (const label of ["a", "b", "c"]) await adminJson("/enrollment-tokens", "POST", { label, maxDevices: 9 });
    const first = await expectJson(await admin("/audit?limit=2"), 200, auditResponse);
    expect(first.entries).toHaveLength(2);
    expect(first.entries[0]?.detail).toEqual({ label: "c", group: null, maxDevices: 9 });
    expect(first.nextBefore).toBe(first.entries[1]?.id);
    const second = await expectJson(await admin(`/audit?limit=2&before=${first.nextBefore}`), 200, auditResponse);
    expect(second.entries[0]?.id).toBeLessThan(first.entries[1]?.id ?? 0);
    expect(second.entries[0]?.detail).toEqual({ label: "a", group: null, maxDevices: 9 });
    expect((await admin("/audit?limit=0")).status).toBe(400);
    expect((await admin("/audit", {}, VIEWER)).status).toBe(200);
  });
});
