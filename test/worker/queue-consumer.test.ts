import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { GuardOutcome } from "../../shared/guard/outcomes";
import { LIMITS } from "../../shared/limits";
import type { ReportRequest } from "../../shared/protocol";
import { applyReports } from "../../worker/ingest/apply";
import type { IngestMessage } from "../../worker/ingest/queue";
import { admin, counters, countRows, enrollDevice, query, report, today } from "./helpers";
import {
  BROWSER,
  consume,
  GUARDED,
  LESSON,
  message,
  refusalsOf,
  rivalReports,
  rollup,
  sectionReports,
  sectionRows,
  sectionTotals,
  stored,
} from "./queue-support";

/* Queued ingest: the consumer's checks against what is stored, and exact totals (helpers in queue-support.ts). */

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
