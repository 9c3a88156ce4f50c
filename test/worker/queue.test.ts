import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addDays } from "../../shared/day";
import type { EventKind } from "../../shared/events";
import { LIMITS } from "../../shared/limits";
import { errorResponse, type ReportRequest, reportResponse } from "../../shared/protocol";
import { toolsById } from "../../worker/catalog";
import worker from "../../worker/index";
import { applyReports } from "../../worker/ingest/apply";
import type { IngestMessage } from "../../worker/ingest/queue";
import { admin, counters, countRows, enrollDevice, ORIGIN, query, report, today } from "./helpers";

/*
 * Queued ingest (INGEST_MODE "queue"): the route checks what needs no stored counts and
 * queues; the consumer checks everything against what is stored and writes many reports in
 * one batch. The worker project runs in direct mode, so these tests call the worker with
 * "queue" for their own requests, and drive the consumer both through the real local queue
 * and with hand-made batches (duplicates, late replays, reordering, races).
 */

const queued = { ...env, INGEST_MODE: "queue" };

async function queuedReport(deviceToken: string, body: ReportRequest | unknown, vars = queued): Promise<Response> {
  const request = new Request(`${ORIGIN}/api/v1/reports`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${deviceToken}` },
    body: JSON.stringify(body),
  });
  return worker.fetch(request, vars, createExecutionContext());
}

let messages = 0;

/** Runs the consumer on a hand-made batch; returns which messages it retried. */
async function consume(bodies: IngestMessage[], attempts = 1) {
  const batch = createMessageBatch<IngestMessage>(
    "shadowlight-reports",
    bodies.map((body) => ({ id: `m${++messages}`, timestamp: Date.now(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<unknown>, env, ctx);
  const result = await getQueueResult(batch, ctx);
  return { retried: result.retryMessages.map((m) => m.msgId), all: batch.messages.map((m) => m.id), result };
}

const message = (deviceId: string, report: ReportRequest, receivedAt = Date.now()): IngestMessage => ({
  v: 1,
  deviceId,
  receivedAt,
  report,
});

async function stored(deviceId: string, tool: string): Promise<Record<string, number>> {
  const rows = await query<{ event: string; n: number }>(
    "select event, n from daily_counters where device_id = ? and tool = ? and day = ?",
    deviceId,
    tool,
    today(),
  );
  return Object.fromEntries(rows.map((row) => [row.event, row.n]));
}

async function rollup(tool: string, event: string, day = today()): Promise<number> {
  const rows = await query<{ n: number }>(
    "select n from daily_rollups where tool = ? and event = ? and day = ? and policy_version = 1",
    tool,
    event,
    day,
  );
  return rows[0]?.n ?? 0;
}

/**
 * Two reports of one day and tool, each plausible alone (n nudges shown, n answers), that
 * together claim 2n answers to n nudges.
 */
function rivalReports(tool: string, n: number, answers: [string, string]): [ReportRequest, ReportRequest] {
  const [a, b] = answers.map((answer) =>
    counters(today(), [
      [tool, "nudge_shown", n],
      [tool, answer, n],
    ]),
  );
  return [a as ReportRequest, b as ReportRequest];
}

async function waitFor(check: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

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

describe("the consumer", () => {
  it("keeps totals exact under duplicates, late replays and reordering, across batches", async () => {
    const fleet = await Promise.all([1, 2, 3, 4, 5].map(() => enrollDevice()));
    const day = today();
    const tool = "you-com";
    const before = { visit: await rollup(tool, "visit"), shown: await rollup(tool, "nudge_shown") };
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const truth = { visit: 0, shown: 0 };
    const deliveries: IngestMessage[] = [];
    for (const device of fleet) {
      let visits = 0;
      let shown = 0;
      for (let step = 0; step < 6; step++) {
        visits += 1 + Math.floor(random() * 3);
        shown += Math.floor(random() * 2);
        const entries: Array<[string, string, number]> = [[tool, "visit", visits]];
        if (shown > 0) entries.push([tool, "nudge_shown", shown]);
        const sent = message(device.deviceId, counters(day, entries), Date.now() - (6 - step) * 1000);
        // Each report is delivered twice (at-least-once), some a third time much later.
        deliveries.push(sent, sent);
        if (random() < 0.3) deliveries.push(sent);
      }
      truth.visit += visits;
      truth.shown += shown;
    }
    deliveries.sort(() => random() - 0.5);
    for (let i = 0; i < deliveries.length; i += 7) {
      const { retried } = await consume(deliveries.slice(i, i + 7));
      expect(retried).toEqual([]);
    }
    expect(await rollup(tool, "visit")).toBe(before.visit + truth.visit);
    expect(await rollup(tool, "nudge_shown")).toBe(before.shown + truth.shown);
    const raw = await query<{ n: number }>(
      "select sum(n) as n from daily_counters where tool = ? and day = ? and event = 'visit'",
      tool,
      day,
    );
    expect(raw[0]?.n).toBe(await rollup(tool, "visit"));
    const days = await query<{ devices: number }>(
      "select devices from tool_days where tool = ? and day = ?",
      tool,
      day,
    );
    expect(days[0]?.devices).toBeGreaterThanOrEqual(fleet.length);
  });

  it("holds an honest report whose nudges come in a later delivery, and applies it once they are stored", async () => {
    const { deviceId } = await enrollDevice();
    const refusalsBefore = await countRows("ingest_refusals");
    const first = message(deviceId, counters(today(), [["character-ai", "nudge_shown", 2]]), Date.now() - 2000);
    const second = message(deviceId, counters(today(), [["character-ai", "dismissed", 2]]), Date.now() - 1000);
    // The queue delivers the later report first, alone: it waits for a recheck.
    const early = await consume([second]);
    expect(early.retried).toEqual(early.all);
    expect(await stored(deviceId, "character-ai")).toEqual({});
    expect((await consume([first])).retried).toEqual([]);
    expect((await consume([second], 2)).retried).toEqual([]);
    expect(await stored(deviceId, "character-ai")).toEqual({ nudge_shown: 2, dismissed: 2 });
    expect(await countRows("ingest_refusals")).toBe(refusalsBefore);
  });

  it("never lets two reports of a device pass together what one of them would be refused for", async () => {
    const { deviceId } = await enrollDevice();
    const tool = "poe";
    const [acknowledged, dismissed] = rivalReports(tool, 5, ["acknowledged", "dismissed"]);
    const { all, retried } = await consume([message(deviceId, acknowledged), message(deviceId, dismissed)]);
    expect(retried).toEqual([all[1]]);
    expect(await stored(deviceId, tool)).toEqual({ nudge_shown: 5, acknowledged: 5 });
    // Delivered again until its rechecks are used up, then dropped, counted and flagged.
    for (let attempt = 2; attempt <= LIMITS.ingestRecheckAttempts; attempt++) {
      const again = await consume([message(deviceId, dismissed)], attempt);
      expect(again.retried).toEqual(attempt < LIMITS.ingestRecheckAttempts ? again.all : []);
    }
    expect(await stored(deviceId, tool)).toEqual({ nudge_shown: 5, acknowledged: 5 });
    const refusals = await query<{ reports: number }>(
      "select reports from ingest_refusals where reason = 'answer_without_nudge' and day = ?",
      today(),
    );
    expect(refusals).toEqual([{ reports: 1 }]);
    const flags = await query<{ reason: string }>("select reason from device_flags where device_id = ?", deviceId);
    expect(flags).toEqual([{ reason: "refused_report" }]);
  });

  it("never lets two batches written at the same time pass it either", async () => {
    const { deviceId } = await enrollDevice();
    const tool = "replika";
    const [a, b] = rivalReports(tool, 3, ["acknowledged", "left"]);
    // Two consumer invocations check against the same stored counts; the guard makes one of
    // them read and check again, after the other's write.
    const [first, second] = await Promise.all([consume([message(deviceId, a)]), consume([message(deviceId, b)])]);
    expect(first.retried.length + second.retried.length).toBe(1);
    const counts = await stored(deviceId, tool);
    expect(counts.nudge_shown).toBe(3);
    expect((counts.acknowledged ?? 0) + (counts.left ?? 0)).toBe(3);
  });

  it("drops and counts the reports of a device revoked after they were queued", async () => {
    const { deviceId } = await enrollDevice();
    expect((await admin(`/devices/${deviceId}/revoke`, { method: "POST" })).status).toBe(200);
    const { retried } = await consume([message(deviceId, counters(today(), [["chatgpt", "visit", 4]]))]);
    expect(retried).toEqual([]);
    expect(await stored(deviceId, "chatgpt")).toEqual({});
    expect(await query("select reports from ingest_refusals where reason = 'device_revoked'")).toEqual([
      { reports: 1 },
    ]);
  });

  it("acknowledges, and applies nothing of, a message that is not a queued report", async () => {
    const before = await countRows("daily_counters");
    const { retried } = await consume([{ v: 2, anything: true } as unknown as IngestMessage]);
    expect(retried).toEqual([]);
    expect(await countRows("daily_counters")).toBe(before);
  });
});

describe("direct ingest", () => {
  it("answers two racing reports of one device as if they came one after the other", async () => {
    const { deviceId, deviceToken } = await enrollDevice();
    const tool = "janitor-ai";
    const [a, b] = rivalReports(tool, 4, ["acknowledged", "dismissed"]);
    const statuses = (await Promise.all([report(deviceToken, a), report(deviceToken, b)])).map((r) => r.status);
    expect(statuses.sort()).toEqual([200, 422]);
    const counts = await stored(deviceId, tool);
    expect((counts.acknowledged ?? 0) + (counts.dismissed ?? 0)).toBe(4);
  });

  it("keeps the check exact when two instances write one device's reports at once", async () => {
    const { deviceId } = await enrollDevice();
    const tool = "talkie";
    const item = (report: ReportRequest) => ({ deviceId, report, receivedAt: Date.now() });
    const [a, b] = rivalReports(tool, 2, ["acknowledged", "dismissed"]);
    const [first, second] = await Promise.all([applyReports(env.DB, [item(a)]), applyReports(env.DB, [item(b)])]);
    const kinds = [first.outcomes[0]?.kind, second.outcomes[0]?.kind].sort();
    expect(kinds).toEqual(["applied", "refused"]);
    expect(first.attempts + second.attempts).toBeGreaterThan(2);
    const counts = await stored(deviceId, tool);
    expect((counts.acknowledged ?? 0) + (counts.dismissed ?? 0)).toBe(2);
  });
});
