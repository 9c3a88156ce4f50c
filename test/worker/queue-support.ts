import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { addDays } from "../../shared/day";
import type { ReportRequest } from "../../shared/protocol";
import worker from "../../worker/index";
import type { IngestMessage } from "../../worker/ingest/queue";
import { counters, ORIGIN, query, today } from "./helpers";

/*
 * Queued ingest (INGEST_MODE "queue"): the route checks what needs no stored counts and
 * queues; the consumer checks everything against what is stored and writes many reports in
 * one batch. The worker project runs in direct mode, so these tests call the worker with
 * "queue" for their own requests, and drive the consumer both through the real local queue
 * and with hand-made batches (duplicates, late replays, reordering, races).
 */

const queued = { ...env, INGEST_MODE: "queue" };

export async function queuedReport(
  deviceToken: string,
  body: ReportRequest | unknown,
  vars = queued,
): Promise<Response> {
  const request = new Request(`${ORIGIN}/api/v1/reports`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${deviceToken}` },
    body: JSON.stringify(body),
  });
  return worker.fetch(request, vars, createExecutionContext());
}

let messages = 0;

/** Runs the consumer on a hand-made batch (messages as objects or as text); returns which it retried. */
export async function consume(bodies: Array<IngestMessage | string>, attempts = 1) {
  const batch = createMessageBatch<IngestMessage | string>(
    "shadowlight-reports",
    bodies.map((body) => ({ id: `m${++messages}`, timestamp: Date.now(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<unknown>, env, ctx);
  const result = await getQueueResult(batch, ctx);
  return { retried: result.retryMessages.map((m) => m.msgId), all: batch.messages.map((m) => m.id), result };
}

export const message = (deviceId: string, report: ReportRequest, receivedAt = Date.now()): IngestMessage => ({
  v: 1,
  deviceId,
  receivedAt,
  report,
});

export async function stored(deviceId: string, tool: string): Promise<Record<string, number>> {
  const rows = await query<{ event: string; n: number }>(
    "select event, n from daily_counters where device_id = ? and tool = ? and day = ?",
    deviceId,
    tool,
    today(),
  );
  return Object.fromEntries(rows.map((row) => [row.event, row.n]));
}

export async function rollup(tool: string, event: string, day = today()): Promise<number> {
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
export function rivalReports(tool: string, n: number, answers: [string, string]): [ReportRequest, ReportRequest] {
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
export const LESSON = "chat-assistants";
const EXTENSION = "page-assist";
export const BROWSER = "comet";
export const EMBEDDED = "openai-platform";
export const GUARDED = "chatgpt";

export function sectionReports(index: number, steps: number): ReportRequest[] {
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
export type Row = Record<string, unknown>;
export const SECTION_TABLES = [
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

export async function sectionRows(deviceId: string): Promise<Record<(typeof SECTION_TABLES)[number], Row[]>> {
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
export async function sectionTotals(): Promise<number[]> {
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
export async function refusalsOf(reason: string): Promise<number> {
  const rows = await query<{ reports: number }>(
    "select reports from ingest_refusals where reason = ? and day = ?",
    reason,
    today(),
  );
  return rows[0]?.reports ?? 0;
}

export async function waitFor(check: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
