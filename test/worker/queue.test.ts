import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addDays } from "../../shared/day";
import type { EventKind } from "../../shared/events";
import type { GuardOutcome } from "../../shared/guard/outcomes";
import { LIMITS, PLAUSIBLE_GUARD_PER_DAY } from "../../shared/limits";
import { errorResponse, type ReportRequest, reportResponse } from "../../shared/protocol";
import { toolsById } from "../../worker/catalog";
import worker from "../../worker/index";
import { applyReports } from "../../worker/ingest/apply";
import type { IngestMessage } from "../../worker/ingest/queue";
import { admin, adminJson, counters, countRows, enrollDevice, ORIGIN, query, report, today } from "./helpers";

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

/*
 * The lessons, guard and discovery sections of one device, reported cumulatively over `steps` reports
 * of two days, as the extension sends them: every report carries all of its days so far.
 */
const LESSON = "chat-assistants";
const EXTENSION = "page-assist";
const BROWSER = "comet";
const EMBEDDED = "openai-platform";
const GUARDED = "chatgpt";

function sectionReports(index: number, steps: number): ReportRequest[] {
  const days = [addDays(today(), -1), today()];
  const token = (step: number) => `${index.toString(16).padStart(2, "0")}${step.toString(16)}`.padEnd(32, "a");
  return Array.from({ length: steps }, (_, step) => {
    const until = (at: number) => Array.from({ length: at + 1 }, (_, s) => s);
    return {
      days: [],
      lessons: days.flatMap((day, d) => [
        { day, lesson: LESSON, version: 1, outcome: "opened" as const, n: step + 1 + d },
        ...(step + d > 0 ? [{ day, lesson: LESSON, version: 1, outcome: "completed" as const, n: step + d }] : []),
        ...(step + d > 1
          ? [{ day, lesson: LESSON, version: 1, outcome: "passed_first_try" as const, n: step + d - 1 }]
          : []),
      ]),
      // The guard's answers never outnumber its warnings in any one report.
      guard: days.flatMap((day, d) => [
        {
          day,
          tool: GUARDED,
          detector: "payment-card" as const,
          outcome: "warned" as const,
          policyVersion: 1,
          n: 2 * (step + 1) + d,
        },
        {
          day,
          tool: GUARDED,
          detector: "payment-card" as const,
          outcome: "pasted_anyway" as const,
          policyVersion: 1,
          n: step + 1,
        },
        ...(step + d > 0
          ? [
              {
                day,
                tool: GUARDED,
                detector: "payment-card" as const,
                outcome: "removed" as const,
                policyVersion: 1,
                n: step + d,
              },
            ]
          : []),
        {
          day,
          tool: GUARDED,
          detector: "unscanned" as const,
          outcome: "blocked" as const,
          policyVersion: 1,
          n: step + 1 + 2 * d,
        },
      ]),
      extensions: days.map((day, d) => ({ day, extension: EXTENSION, enabled: step + d >= 2 })),
      browsers: days.map((day) => ({ day, browser: BROWSER })),
      unknownExtensions: days.map((day, d) => ({ day, n: 1 + step + d })),
      embeds: days.map((day, d) => ({
        day,
        site: index % 2 ? "example.org" : "example.com",
        tool: EMBEDDED,
        n: 3 * (step + 1) + d,
      })),
      extensionTokens: until(step).map((s) => ({ day: today(), token: token(s) })),
    };
  });
}

/** Every row the lessons, guard and discovery sections wrote for `deviceId`, as text. */
type Row = Record<string, unknown>;
const SECTION_TABLES = [
  "lessons",
  "deviceLessons",
  "guard",
  "extensions",
  "browsers",
  "unknown",
  "embeds",
  "tokens",
  "tools",
] as const;

async function sectionRows(deviceId: string): Promise<Record<(typeof SECTION_TABLES)[number], Row[]>> {
  const of = (sql: string) => query<Row>(sql, deviceId);
  return {
    lessons: await of(
      "select day, lesson, version, outcome, n from lesson_outcomes where device_id = ? order by 1, 2, 3, 4",
    ),
    deviceLessons: await of(
      "select lesson, version, outcome, first_day, last_day from device_lessons where device_id = ? order by 1, 2, 3",
    ),
    guard: await of(
      "select day, tool, detector, outcome, policy_version, n from guard_counts where device_id = ? order by 1, 2, 3, 4",
    ),
    extensions: await of("select day, extension, enabled from device_extensions where device_id = ? order by 1, 2"),
    browsers: await of("select day, browser from device_browsers where device_id = ? order by 1"),
    unknown: await of("select day, n from unknown_extensions where device_id = ? order by 1"),
    embeds: await of("select day, site, tool, n from embeds where device_id = ? order by 1, 2"),
    tokens: await of("select day, token from extension_tokens where device_id = ? order by 1, 2"),
    tools: await of("select tool, first_seen, last_seen from device_tools where device_id = ? order by 1"),
  };
}

/** Organization-wide devices per day for the sections' entries (no device id). */
async function sectionTotals(): Promise<number[]> {
  const days = [addDays(today(), -1), today()];
  const totals: number[] = [];
  for (const day of days) {
    for (const tool of [EXTENSION, BROWSER]) {
      const rows = await query<{ devices: number }>(
        "select devices from tool_days where day = ? and tool = ?",
        day,
        tool,
      );
      totals.push(rows[0]?.devices ?? 0);
    }
    const embeds = await query<{ devices: number }>(
      "select sum(devices) as devices from embed_days where day = ? and tool = ?",
      day,
      EMBEDDED,
    );
    totals.push(embeds[0]?.devices ?? 0);
  }
  return totals;
}

/** Queued reports dropped today for `reason`. */
async function refusalsOf(reason: string): Promise<number> {
  const rows = await query<{ reports: number }>(
    "select reports from ingest_refusals where reason = ? and day = ?",
    reason,
    today(),
  );
  return rows[0]?.reports ?? 0;
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

  it("writes the lessons, guard and discovery sections exactly as direct ingest does, under duplicates and reordering", async () => {
    // Two fleets report the same sections: one through the consumer, in shuffled batches with
    // every report delivered twice and some a third time; one through the direct route, in
    // the same shuffled order. Both must store what the devices' last reports say.
    let seed = 11;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const before = await sectionTotals();
    const queuedFleet = await Promise.all([0, 1, 2, 3].map(() => enrollDevice()));
    const deliveries: IngestMessage[] = [];
    queuedFleet.forEach((device, index) => {
      sectionReports(index, 5).forEach((body, step) => {
        const sent = message(device.deviceId, body, Date.now() - (5 - step) * 1000);
        deliveries.push(sent, sent);
        if (random() < 0.3) deliveries.push(sent);
      });
    });
    deliveries.sort(() => random() - 0.5);
    for (let i = 0; i < deliveries.length; i += 7) {
      // Every report carries its openings with its completions: nothing waits for a recheck.
      expect((await consume(deliveries.slice(i, i + 7))).retried).toEqual([]);
    }
    const afterQueue = await sectionTotals();

    const directFleet = await Promise.all([0, 1, 2, 3].map(() => enrollDevice()));
    const sends = directFleet.flatMap((device, index) =>
      sectionReports(index, 5).flatMap((body) => [
        { device, body },
        { device, body },
      ]),
    );
    sends.sort(() => random() - 0.5);
    for (const { device, body } of sends) {
      const response = await report(device.deviceToken, body);
      // Out of order, a report may carry less than what is stored: still accepted, nothing shrinks.
      expect(response.status).toBe(200);
    }
    const afterDirect = await sectionTotals();

    for (const index of [0, 1, 2, 3]) {
      const queuedRows = await sectionRows((queuedFleet[index] as { deviceId: string }).deviceId);
      const directRows = await sectionRows((directFleet[index] as { deviceId: string }).deviceId);
      expect(queuedRows).toEqual(directRows);
      const last = sectionReports(index, 5).at(-1) as ReportRequest;
      expect(queuedRows.lessons).toHaveLength(last.lessons?.length ?? 0);
      expect(queuedRows.guard.map((row) => (row as { n: number }).n).sort()).toEqual(
        (last.guard ?? []).map((g) => g.n).sort(),
      );
      expect(queuedRows.unknown).toEqual(last.unknownExtensions);
      expect(queuedRows.embeds.map((row) => (row as { n: number }).n)).toEqual(last.embeds?.map((e) => e.n));
      expect(queuedRows.extensions.map((row) => (row as { enabled: number }).enabled)).toEqual([1, 1]);
      expect(queuedRows.tokens).toHaveLength(5);
    }
    // Each fleet adds exactly its four devices to every organization-wide device count.
    expect(afterQueue.map((n, i) => n - (before[i] ?? 0))).toEqual(before.map(() => 4));
    expect(afterDirect.map((n, i) => n - (afterQueue[i] ?? 0))).toEqual(before.map(() => 4));
  }, 60_000);

  it("holds a lesson completion whose opening comes in a later delivery, and applies it once stored", async () => {
    const { deviceId } = await enrollDevice();
    const lesson = (outcome: "opened" | "completed") => ({
      days: [],
      lessons: [{ day: today(), lesson: LESSON, version: 1, outcome, n: 1 }],
    });
    const opened = message(deviceId, lesson("opened"), Date.now() - 2000);
    const completed = message(deviceId, lesson("completed"), Date.now() - 1000);
    const early = await consume([completed]);
    expect(early.retried).toEqual(early.all);
    expect((await sectionRows(deviceId)).lessons).toEqual([]);
    expect((await consume([opened])).retried).toEqual([]);
    expect((await consume([completed], 2)).retried).toEqual([]);
    expect((await sectionRows(deviceId)).lessons.map((row) => (row as { outcome: string }).outcome)).toEqual([
      "completed",
      "opened",
    ]);
  });

  it("holds the guard's answers whose warnings come in a later delivery, and drops answers no warning explains", async () => {
    const { deviceId } = await enrollDevice();
    const guard = (outcome: GuardOutcome, n: number) => ({
      days: [],
      guard: [{ day: today(), tool: GUARDED, detector: "payment-card" as const, outcome, policyVersion: 1, n }],
    });
    const warned = message(deviceId, guard("warned", 1), Date.now() - 3000);
    const removed = message(deviceId, guard("removed", 1), Date.now() - 2000);
    const early = await consume([removed]);
    expect(early.retried).toEqual(early.all);
    expect((await sectionRows(deviceId)).guard).toEqual([]);
    expect((await consume([warned])).retried).toEqual([]);
    expect((await consume([removed], 2)).retried).toEqual([]);
    expect((await sectionRows(deviceId)).guard.map((row) => (row as { outcome: string }).outcome)).toEqual([
      "removed",
      "warned",
    ]);
    // A second answer to the one warning is dropped at its last recheck, nothing stored.
    const refusalsBefore = await refusalsOf("answer_without_nudge");
    const pasted = await consume([message(deviceId, guard("pasted_anyway", 1))], LIMITS.ingestRecheckAttempts);
    expect(pasted.retried).toEqual([]);
    expect((await sectionRows(deviceId)).guard).toHaveLength(2);
    expect(await refusalsOf("answer_without_nudge")).toBe(refusalsBefore + 1);
  });

  it("checks the discovery sections again against what is stored: a second browser for a day is dropped", async () => {
    const { deviceId } = await enrollDevice();
    const day = today();
    const { all, retried } = await consume([
      message(deviceId, { days: [], browsers: [{ day, browser: BROWSER }] }),
      message(deviceId, { days: [], browsers: [{ day, browser: "dia" }] }),
    ]);
    expect(all).toHaveLength(2);
    expect(retried).toEqual([]);
    expect((await sectionRows(deviceId)).browsers).toEqual([{ day, browser: BROWSER }]);
    expect(await query("select reports from ingest_refusals where reason = 'conflict' and day = ?", day)).toEqual([
      { reports: 1 },
    ]);
    const flags = await query<{ reason: string }>("select reason from device_flags where device_id = ?", deviceId);
    expect(flags).toEqual([{ reason: "refused_report" }]);
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
    const refusalsBefore = await refusalsOf("answer_without_nudge");
    const { all, retried } = await consume([message(deviceId, acknowledged), message(deviceId, dismissed)]);
    expect(retried).toEqual([all[1]]);
    expect(await stored(deviceId, tool)).toEqual({ nudge_shown: 5, acknowledged: 5 });
    // Delivered again until its rechecks are used up, then dropped, counted and flagged.
    for (let attempt = 2; attempt <= LIMITS.ingestRecheckAttempts; attempt++) {
      const again = await consume([message(deviceId, dismissed)], attempt);
      expect(again.retried).toEqual(attempt < LIMITS.ingestRecheckAttempts ? again.all : []);
    }
    expect(await stored(deviceId, tool)).toEqual({ nudge_shown: 5, acknowledged: 5 });
    expect(await refusalsOf("answer_without_nudge")).toBe(refusalsBefore + 1);
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
    const dropped = await query<{ reports: number }>(
      "select reports from ingest_refusals where reason = 'device_revoked'",
    );
    expect((await admin(`/devices/${deviceId}/revoke`, { method: "POST" })).status).toBe(200);
    const { retried } = await consume([message(deviceId, counters(today(), [["chatgpt", "visit", 4]]))]);
    expect(retried).toEqual([]);
    expect(await stored(deviceId, "chatgpt")).toEqual({});
    expect(await query("select reports from ingest_refusals where reason = 'device_revoked'")).toEqual([
      { reports: (dropped[0]?.reports ?? 0) + 1 },
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
