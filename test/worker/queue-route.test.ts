import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addDays } from "../../shared/day";
import type { EventKind } from "../../shared/events";
import type { GuardOutcome } from "../../shared/guard/outcomes";
import { LIMITS, PLAUSIBLE_GUARD_PER_DAY } from "../../shared/limits";
import { errorResponse, type ReportRequest, reportResponse } from "../../shared/protocol";
import { toolsById } from "../../worker/catalog";
import { admin, adminJson, counters, countRows, enrollDevice, today } from "./helpers";
import {
  BROWSER,
  EMBEDDED,
  GUARDED,
  LESSON,
  message,
  queuedReport,
  sectionRows,
  stored,
  waitFor,
} from "./queue-support";

/* Queued ingest: what the report route checks at once and what it leaves to the consumer (helpers in queue-support.ts). */

describe("the queued report route", () => {
  it("answers 202 and the real queue's consumer applies the report", async () => {
    const { deviceId, deviceToken } = await enrollDevice();
    const response = await queuedReport(
      deviceToken,
      counters(today(), [
        ["mistral-le-chat", "visit", 3],
        ["mistral-le-chat", "nudge_shown", 1],
      ]),
    );
    expect(response.status).toBe(202);
    expect(reportResponse.parse(await response.json())).toEqual({
      accepted: 2,
      queued: true,
      policyVersion: 1,
      policyEtag: expect.any(String),
    });
    // The queue hands the consumer what arrived within its batch timeout (wrangler.toml).
    await waitFor(async () => (await stored(deviceId, "mistral-le-chat")).visit === 3, "the consumer", 25_000);
    expect(await stored(deviceId, "mistral-le-chat")).toEqual({ visit: 3, nudge_shown: 1 });
  }, 30_000);

  it("refuses at once, queueing nothing, what no stored count could make plausible", async () => {
    const { deviceToken } = await enrollDevice();
    const before = await countRows("daily_counters");
    for (const body of [
      counters(today(), [["no-such-tool", "visit", 1]]),
      counters(addDays(today(), 5), [["chatgpt", "visit", 1]]),
      counters(today(), [["chatgpt", "acknowledged", 1_000]]),
      counters(today(), [["chatgpt", "visit", 1, 99]]),
    ]) {
      const response = await queuedReport(deviceToken, body);
      expect(response.status).toBe(422);
      expect(errorResponse.parse(await response.json()).code).toBe("report_refused");
    }
    expect(await countRows("daily_counters")).toBe(before);
  });

  it("leaves answers against nudges to the consumer, which knows the device's earlier reports", async () => {
    const { deviceToken } = await enrollDevice();
    // Alone, a report of answers only: the nudges may be in a report still in the queue.
    const response = await queuedReport(deviceToken, counters(today(), [["chatgpt", "dismissed", 1]]));
    expect(response.status).toBe(202);
  });

  it("refuses at once what no stored count could make plausible in the lessons and discovery sections", async () => {
    const { deviceId, deviceToken } = await enrollDevice();
    const day = today();
    for (const body of [
      { days: [], lessons: [{ day, lesson: "no-such-lesson", version: 1, outcome: "opened", n: 1 }] },
      { days: [], lessons: [{ day, lesson: LESSON, version: 9, outcome: "opened", n: 1 }] },
      { days: [], extensions: [{ day, extension: BROWSER, enabled: true }] },
      { days: [], browsers: [{ day, browser: "chatgpt" }] },
      { days: [], embeds: [{ day, site: "co.uk", tool: EMBEDDED, n: 1 }] },
      { days: [], revealedExtensions: [{ day, store: "firefox", id: "a".repeat(32) }] },
    ]) {
      const response = await queuedReport(deviceToken, body);
      expect(response.status).toBe(422);
      expect(errorResponse.parse(await response.json()).code).toBe("report_refused");
    }
    expect(await sectionRows(deviceId)).toEqual(await sectionRows("nobody"));
  });

  it("leaves lesson completions against openings to the consumer", async () => {
    const { deviceToken } = await enrollDevice();
    const body = { days: [], lessons: [{ day: today(), lesson: LESSON, version: 1, outcome: "completed", n: 1 }] };
    expect((await queuedReport(deviceToken, body)).status).toBe(202);
  });

  it("refuses at once what no stored count could make plausible in the guard section, and leaves answers to the consumer", async () => {
    const { deviceId, deviceToken } = await enrollDevice();
    const day = today();
    const guard = (tool: string, outcome: GuardOutcome, n: number, when = day, policyVersion = 1) => ({
      days: [],
      guard: [{ day: when, tool, detector: "payment-card", outcome, policyVersion, n }],
    });
    for (const body of [
      guard("no-such-tool", "warned", 1),
      guard(GUARDED, "warned", 1, addDays(day, 5)),
      guard(GUARDED, "warned", PLAUSIBLE_GUARD_PER_DAY.warned + 1),
      guard(GUARDED, "warned", 1, day, 99),
    ]) {
      const response = await queuedReport(deviceToken, body);
      expect(response.status).toBe(422);
      expect(errorResponse.parse(await response.json()).code).toBe("report_refused");
    }
    expect((await sectionRows(deviceId)).guard).toEqual([]);
    // Alone, answers to warnings: the warnings may be in a report still in the queue.
    expect((await queuedReport(deviceToken, guard(GUARDED, "pasted_anyway", 1))).status).toBe(202);
  });

  it("accepts a count for an organization entry added after this instance read the catalog", async () => {
    const { deviceToken } = await enrollDevice();
    // The route reads the catalog once and keeps it.
    expect((await queuedReport(deviceToken, counters(today(), [["chatgpt", "visit", 1]]))).status).toBe(202);
    const entry = {
      id: "org-queued-assistant",
      name: "Queued Assistant",
      vendor: "Contoso IT",
      category: "chat",
      description: "An internal assistant added while reports were queued.",
      hosts: ["assistant.queued-contoso.com"],
    };
    expect((await adminJson(`/organization/${entry.id}`, "PUT", entry)).status).toBe(200);
    const response = await queuedReport(deviceToken, counters(today(), [[entry.id, "visit", 1]]));
    expect(response.status).toBe(202);
  });

  it("refuses a device at once after an admin revokes it, whatever this instance remembers", async () => {
    const { deviceId, deviceToken } = await enrollDevice();
    expect((await queuedReport(deviceToken, counters(today(), [["chatgpt", "visit", 1]]))).status).toBe(202);
    expect((await admin(`/devices/${deviceId}/revoke`, { method: "POST" })).status).toBe(200);
    const response = await queuedReport(deviceToken, counters(today(), [["chatgpt", "visit", 2]]));
    expect(response.status).toBe(403);
    expect(errorResponse.parse(await response.json()).code).toBe("device_revoked");
  });

  it("says what is misconfigured when INGEST_MODE is wrong or the queue is not bound", async () => {
    const { deviceToken } = await enrollDevice();
    for (const vars of [
      { ...env, INGEST_MODE: "qeueu" },
      { ...env, INGEST_MODE: "queue", REPORTS_QUEUE: undefined },
    ]) {
      const response = await queuedReport(deviceToken, counters(today(), [["chatgpt", "visit", 1]]), vars);
      expect(response.status).toBe(503);
      const refusal = errorResponse.parse(await response.json());
      expect(refusal.code).toBe("not_configured");
      expect(refusal.error).toMatch(/INGEST_MODE|REPORTS_QUEUE/);
    }
  });

  it("applies a report too large for one queue message at once", async () => {
    const { deviceId, deviceToken } = await enrollDevice();
    // 10 days of 25 tools x 8 events: 2,000 plausible counts, under the body limit but over
    // what one queue message holds.
    const tools = [...toolsById.keys()].slice(0, 25);
    const events: Array<[EventKind, number]> = [
      ["visit", 20],
      ["nudge_shown", 10],
      ["acknowledged", 1],
      ["dismissed", 1],
      ["left", 1],
      ["redirected", 1],
      ["blocked", 2],
      ["review_requested", 1],
    ];
    const body: ReportRequest = {
      days: Array.from({ length: 10 }, (_, i) => ({
        day: addDays(today(), -i),
        counters: tools.flatMap((tool) => events.map(([event, n]) => ({ tool, event, policyVersion: 1, n }))),
      })),
    };
    expect(JSON.stringify(body).length).toBeLessThan(LIMITS.maxBodyBytes);
    expect(JSON.stringify(message(deviceId, body)).length).toBeGreaterThan(LIMITS.queueMessageBytes);
    const response = await queuedReport(deviceToken, body);
    expect(response.status).toBe(200);
    expect(reportResponse.parse(await response.json())).toMatchObject({ accepted: 2_000, changed: 2_000 });
    expect(await countRows("daily_counters")).toBeGreaterThanOrEqual(2_000);
  });
});
