import * as z from "zod";
import { dayOf } from "../../shared/day";
import { LIMITS } from "../../shared/limits";
import { type RefusedCount, reportRequest } from "../../shared/protocol";
import type { Env } from "../env";
import { applyReports, type IngestItem, type IngestOutcome } from "./apply";

/*
 * Queued ingest (INGEST_MODE = "queue"). The report route checks what needs no stored counts
 * and sends the report to the REPORTS_QUEUE; this consumer takes up to a hundred reports of
 * many devices at once, checks each again against everything stored (ingest/apply.ts) and
 * writes the accepted ones in one D1 batch. Delivery is at least once and in no fixed order;
 * both are harmless, because counts are cumulative and merged with max.
 *
 * A report refused here was answered 202 when it was queued, so what happens to it is
 * recorded instead: a report whose answers outnumber its nudges (or whose lesson completions
 * outnumber its openings) may rely on an earlier report still in the queue, so it is
 * delivered again later (LIMITS.ingestRecheckAttempts times);
 * any other refusal, or the last recheck, drops it, counts it in `ingest_refusals` and flags
 * its device for review (flagged devices stay out of the evidence pack until an admin decides).
 * Reports of devices revoked or removed since they were queued are dropped and counted.
 */

/** A queued report. Versioned, so a consumer of a newer release can tell old messages apart. */
const ingestMessage = z.strictObject({
  v: z.literal(1),
  deviceId: z.string().min(1).max(100),
  receivedAt: z.number().int().positive(),
  report: reportRequest,
});
export type IngestMessage = z.infer<typeof ingestMessage>;

/**
 * The queue message for a report as text (the JSON sent as it is, so neither the route nor
 * the queue serializes it again), or null when it is too large for one (apply it at once).
 */
export function queueMessage(item: IngestItem): string | null {
  const message: IngestMessage = { v: 1, deviceId: item.deviceId, receivedAt: item.receivedAt, report: item.report };
  const text = JSON.stringify(message);
  // UTF-8 takes at most 3 bytes per UTF-16 unit: most reports need no encoding to be measured.
  const bytes = text.length * 3 <= LIMITS.queueMessageBytes ? text.length : new TextEncoder().encode(text).length;
  return bytes <= LIMITS.queueMessageBytes ? text : null;
}

/**
 * A queued report as the consumer receives it: text (how the route sends it) or, from a
 * release that sent JSON, an object. Anything else, or text that is not JSON, is no report.
 */
function readMessage(body: unknown) {
  if (typeof body !== "string") return ingestMessage.safeParse(body);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return ingestMessage.safeParse(undefined);
  }
  return ingestMessage.safeParse(parsed);
}

/** Whether a refusal may be explained by a report of the same device not applied yet. */
function mayDependOnEarlier(refused: RefusedCount[]): boolean {
  return refused.every((count) => count.reason === "answer_without_nudge" || count.reason === "outcome_out_of_order");
}

type Decision = { action: "ack" } | { action: "retry"; delaySeconds: number } | { action: "drop"; reason: string };

function decide(outcome: IngestOutcome, attempts: number): Decision {
  switch (outcome.kind) {
    case "applied":
      return { action: "ack" };
    case "device_unknown":
    case "device_revoked":
      return { action: "drop", reason: outcome.kind };
    case "refused":
      if (mayDependOnEarlier(outcome.refused) && attempts < LIMITS.ingestRecheckAttempts) {
        return { action: "retry", delaySeconds: LIMITS.ingestRecheckDelaySeconds };
      }
      return { action: "drop", reason: outcome.refused[0]?.reason ?? "refused" };
  }
}

/** Statements recording a dropped report: the day's count per reason, and a flag on its device. */
function dropRecords(d1: D1Database, item: IngestItem, outcome: IngestOutcome, reason: string): D1PreparedStatement[] {
  const day = dayOf(item.receivedAt);
  const records = [
    d1
      .prepare(
        `INSERT INTO ingest_refusals (day, reason, reports) VALUES (?1, ?2, 1)
         ON CONFLICT (day, reason) DO UPDATE SET reports = ingest_refusals.reports + 1`,
      )
      .bind(day, reason),
  ];
  if (outcome.kind === "refused") {
    const first = outcome.refused[0];
    const detail = `a queued report was refused when applied: ${first ? first.message : reason}`;
    records.push(
      d1
        .prepare(
          `INSERT INTO device_flags (device_id, reason, detail, flagged_day)
           SELECT ?1, 'refused_report', ?2, ?3 WHERE EXISTS (SELECT 1 FROM devices WHERE id = ?1)
           ON CONFLICT (device_id) DO NOTHING`,
        )
        .bind(item.deviceId, detail, day),
    );
  }
  return records;
}

/** The queue handler: applies a batch of queued reports. */
export async function consumeReports(batch: MessageBatch<unknown>, env: Env, _ctx?: ExecutionContext): Promise<void> {
  const queued: Array<{ message: Message<unknown>; item: IngestItem }> = [];
  for (const message of batch.messages) {
    const parsed = readMessage(message.body);
    if (parsed.success) {
      const { deviceId, receivedAt, report } = parsed.data;
      queued.push({ message, item: { deviceId, receivedAt, report } });
    } else {
      // Not something this release ever queued: nothing to apply, nothing to retry.
      console.error("dropped a queued report that is not one", parsed.error.issues.slice(0, 3));
      message.ack();
    }
  }
  if (queued.length === 0) return;
  // The order the device sent them in, as far as the queue lets us know.
  queued.sort((a, b) => a.item.receivedAt - b.item.receivedAt);
  const decisions: Decision[] = [];
  try {
    await applyReports(
      env.DB,
      queued.map((entry) => entry.item),
      (outcomes) => {
        decisions.length = 0;
        const records: D1PreparedStatement[] = [];
        outcomes.forEach((outcome, i) => {
          const entry = queued[i] as (typeof queued)[number];
          const decision = decide(outcome, entry.message.attempts);
          decisions.push(decision);
          if (decision.action === "drop") records.push(...dropRecords(env.DB, entry.item, outcome, decision.reason));
        });
        return records;
      },
    );
  } catch (error) {
    console.error("queued reports could not be applied; they will be delivered again", error);
    const attempts = Math.max(...batch.messages.map((message) => message.attempts));
    batch.retryAll({ delaySeconds: Math.min(3600, LIMITS.ingestRetryDelaySeconds * 2 ** (attempts - 1)) });
    return;
  }
  queued.forEach((entry, i) => {
    const decision = decisions[i] as Decision;
    if (decision.action === "retry") entry.message.retry({ delaySeconds: decision.delaySeconds });
    else entry.message.ack();
  });
}
