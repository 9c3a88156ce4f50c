import { addDays, dayOf } from "../../shared/day";
import { LIMITS } from "../../shared/limits";
import type { RefusalReason, RefusedCount } from "../../shared/protocol";
import {
  type Count,
  compact,
  countCodec,
  countOfRefusal,
  type Entry,
  markSent,
  nextBatch,
  ofTools,
  pendingEntries,
  refusalSubject,
  setAside,
  toReport,
} from "./counters";
import { ensureEnrolled, forgetDevice, markRevoked } from "./enrollment";
import { refusalFrom, ServerRefusal } from "./server";
import type { Settings } from "./settings";
import { addNotKept, local, serialized } from "./state";
import { wire } from "./wire";

export type FlushResult =
  | {
      ok: true;
      sentDays: number;
      sentCounters: number;
      setAside: number;
      /** The ETag of the policy in force, as the server's answer to the report named it. */
      policyEtag?: string;
    }
  | { ok: false; code: string; detail: string; retryAt: number | null };

const MINUTE = 60_000;

/** Exponential backoff with full jitter: 1, 2, 4 … 60 minutes, each scaled by a random factor. */
function backoffDelay(failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(60 * MINUTE, MINUTE * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}

/** Failures that wait for a person (an admin, a setting) rather than for time: no retry is scheduled. */
const WAITS_FOR_A_PERSON = new Set([
  "no_server",
  "no_token",
  "reporting_off",
  "device_revoked",
  "enrollment_token_invalid",
  "enrollment_full",
  "group_unknown",
]);

/** A refused report can be answered by setting counts aside this many times in one flush. */
const MAX_ATTEMPTS = 4;

/**
 * Sets aside exactly the counts the server refused, each under its reason, and the counts
 * of tools the server does not know; returns how many were set aside.
 */
async function setAsideRefused(refused: RefusedCount[], unknownTools: string[]): Promise<number> {
  const reasons = new Map<string, RefusalReason>();
  for (const item of refused) {
    const named = countOfRefusal(item);
    if (named) reasons.set(`${named.day}|${countCodec.encode(named.count)}`, item.reason);
  }
  const unknown = ofTools(new Set(unknownTools));
  const reasonOf = (day: string, count: Count): RefusalReason | undefined =>
    reasons.get(`${day}|${countCodec.encode(refusalSubject(count))}`) ??
    (unknown(day, count) ? "unknown_tool" : undefined);
  return serialized(async () => {
    const { counters, removed } = setAside(
      await local.counters.getValue(),
      await local.sent.getValue(),
      (day, count) => reasonOf(day, count) !== undefined,
    );
    await local.counters.setValue(counters);
    const byReason: Partial<Record<RefusalReason, number>> = {};
    for (const entry of removed) {
      const reason = reasonOf(entry.day, entry.count) ?? "unknown_tool";
      byReason[reason] = (byReason[reason] ?? 0) + entry.n;
    }
    if (removed.length > 0) await addNotKept({ refused: byReason });
    return removed.reduce((sum, entry) => sum + entry.n, 0);
  });
}

/** Records a delivered batch and drops days past the local keep window. */
async function delivered(batch: Entry[], now: number): Promise<void> {
  await serialized(async () => {
    const today = dayOf(now);
    const kept = compact(
      await local.counters.getValue(),
      markSent(await local.sent.getValue(), batch),
      addDays(today, -LIMITS.extensionKeepDays),
      addDays(today, -LIMITS.retentionDays),
    );
    await local.counters.setValue(kept.counters);
    await local.sent.setValue(kept.sent);
    if (kept.expired > 0) await addNotKept({ expired: kept.expired });
  });
  await local.lastReport.setValue({ at: now, report: toReport(batch) });
  await local.delivery.setValue({ failures: 0, lastError: null, lastAttemptAt: now, nextAttemptAt: null });
}

/** Records a failed delivery and when to try again (the server's wait, backoff, or never). */
async function failed(refusal: ServerRefusal, now: number): Promise<FlushResult> {
  const delivery = await local.delivery.getValue();
  const failures = delivery.failures + 1;
  const retryAt = WAITS_FOR_A_PERSON.has(refusal.code) ? null : (refusal.retryAt ?? now + backoffDelay(failures));
  await local.delivery.setValue({
    failures,
    lastError: { code: refusal.code, detail: refusal.message },
    lastAttemptAt: now,
    nextAttemptAt: retryAt,
  });
  return { ok: false, code: refusal.code, detail: refusal.message, retryAt };
}

/**
 * Sends every counter the server has not acknowledged, one batch per call. The server's
 * answer decides what happens next, by its code:
 *   accepted          the batch is recorded as sent
 *   report_refused    exactly the refused counts are set aside (by reason), the rest is sent again
 *   device_unknown    the device enrolls again and the rest is sent under the new pseudonym
 *   device_revoked    reporting stops; nothing is retried until an admin re-admits the device
 *   rate_limited      nothing is sent before the server's Retry-After
 * Any other failure keeps everything and is retried with backoff.
 */
export async function flush(settings: Settings, version: string, now = Date.now()): Promise<FlushResult> {
  if (!settings.serverUrl) return failed(new ServerRefusal("no_server", "no server is configured"), now);
  if (!settings.reporting) return failed(new ServerRefusal("reporting_off", "reporting is switched off"), now);
  const delivery = await local.delivery.getValue();
  if (delivery.lastError?.code === "rate_limited" && delivery.nextAttemptAt && delivery.nextAttemptAt > now) {
    return { ok: false, code: "rate_limited", detail: delivery.lastError.detail, retryAt: delivery.nextAttemptAt };
  }
  let setAsideTotal = 0;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const pending = async () => nextBatch(pendingEntries(await local.counters.getValue(), await local.sent.getValue()));
    if ((await pending()).length === 0) return { ok: true, sentDays: 0, sentCounters: 0, setAside: setAsideTotal };
    let response: Response;
    let batch: Entry[];
    try {
      const device = await ensureEnrolled(settings, version, now);
      // After enrolling: a new pseudonym starts from what the old one never delivered.
      batch = await pending();
      if (batch.length === 0) return { ok: true, sentDays: 0, sentCounters: 0, setAside: setAsideTotal };
      response = await fetch(`${settings.serverUrl}/api/v1/reports`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${device.deviceToken}` },
        body: JSON.stringify(toReport(batch)),
      });
    } catch (error) {
      if (error instanceof ServerRefusal) return failed(error, now);
      return failed(new ServerRefusal("unreachable", (error as Error).message || "server unreachable"), now);
    }
    if (response.ok) {
      await delivered(batch, now);
      // Servers name the policy in force; an answer without it (or unreadable) names none.
      const answer = (await wire()).reportResponse.safeParse(await response.json().catch(() => null));
      const policyEtag = answer.success ? answer.data.policyEtag : undefined;
      return {
        ok: true,
        sentDays: new Set(batch.map((e) => e.day)).size,
        sentCounters: batch.length,
        setAside: setAsideTotal,
        ...(policyEtag ? { policyEtag } : {}),
      };
    }
    const refusal = await refusalFrom(response, now);
    if (refusal.code === "report_refused") {
      const removed = await setAsideRefused(refusal.refusal?.refused ?? [], refusal.refusal?.unknownTools ?? []);
      // A refusal that names nothing this device holds cannot be answered by sending again.
      if (removed === 0) return failed(refusal, now);
      setAsideTotal += removed;
      continue;
    }
    if (refusal.code === "device_unknown") {
      await forgetDevice();
      continue;
    }
    if (refusal.code === "device_revoked") await markRevoked(settings, now);
    return failed(refusal, now);
  }
  return failed(new ServerRefusal("report_refused", "the server kept refusing the report"), now);
}
