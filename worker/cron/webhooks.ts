import { toolsById } from "../catalog";
import { database } from "../db/client";
import { policyHistory, reasonLabels } from "../db/policies";
import type { Env } from "../env";

/*
 * Webhook delivery from the outbox (written by the cron's daily aggregates, cron/daily.ts).
 * Each event is POSTed as JSON signed with HMAC-SHA256 over the exact body bytes:
 *   X-Shadowlight-Signature: sha256=<hex>   (secret: WEBHOOK_SECRET)
 * Delivery is at least once: the receiver de-duplicates by the body's `id` (also in
 * X-Shadowlight-Delivery). A failure (network, timeout, redirect, non-2xx) is retried with
 * exponential backoff; after MAX_ATTEMPTS the event is marked failed and kept for a while.
 * Events carry no device identifier and no time finer than a day: a tool id, a reason, a
 * domain, counts of at least k devices, and the day.
 */

export const MAX_ATTEMPTS = 8;
/** Events delivered per cron run, and at once. */
const BATCH_SIZE = 25;
const PARALLEL = 5;
const TIMEOUT_MS = 5_000;
const FIRST_RETRY_MS = 60_000;
const MAX_RETRY_MS = 6 * 3_600_000;

/** Delay before the next attempt after `attempts` failed ones: 1, 2, 4 ... minutes, at most 6 hours. */
export function retryDelay(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_MS);
}

async function sign(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body));
  return `sha256=${[...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

interface OutboxRow {
  id: number;
  kind: string;
  data: string;
  created_at: number;
  attempts: number;
}

function toolSummary(id: string) {
  const tool = toolsById.get(id);
  return tool
    ? { id, name: tool.name, category: tool.category, vendor: tool.vendor, risk: tool.risk, level: tool.level }
    : { id, name: id };
}

/** The event's public body: ids from the outbox expanded with catalog and policy words. */
function eventBody(row: OutboxRow, labels: Map<string, string>, now: number): Record<string, unknown> {
  const data = JSON.parse(row.data) as Record<string, string | number>;
  const base = {
    id: row.id,
    type: row.kind,
    day: data.day,
    sentAt: new Date(now).toISOString(),
    attempt: row.attempts + 1,
  };
  switch (row.kind) {
    case "tool.discovered":
      return { ...base, tool: toolSummary(String(data.tool)), devices: data.devices };
    case "candidate.discovered":
      return { ...base, domain: data.domain, devices: data.devices };
    case "justifications.daily":
      return {
        ...base,
        tool: toolSummary(String(data.tool)),
        reason: { id: data.reason, label: labels.get(String(data.reason)) ?? data.reason },
        policyVersion: data.policyVersion,
        devices: data.devices,
        requests: data.requests,
      };
    case "review.requested":
      return { ...base, tool: toolSummary(String(data.tool)), since: data.since, devices: data.devices ?? null };
    default:
      return { ...base, ...data };
  }
}

export interface DeliveryResult {
  delivered: number;
  retried: number;
  failed: number;
}

export async function deliverWebhooks(env: Env, now = Date.now()): Promise<DeliveryResult> {
  const result: DeliveryResult = { delivered: 0, retried: 0, failed: 0 };
  if (!env.WEBHOOK_URL) return result;
  if (!env.WEBHOOK_SECRET) {
    // Unsigned events would let anyone forge them at the receiver: keep them queued instead.
    console.error("WEBHOOK_URL is set but WEBHOOK_SECRET is not: webhook events stay queued");
    return result;
  }
  const { results: due } = await env.DB.prepare(
    `SELECT id, kind, data, created_at, attempts FROM webhook_outbox
     WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?1
     ORDER BY id LIMIT ?2`,
  )
    .bind(now, BATCH_SIZE)
    .all<OutboxRow>();
  if (due.length === 0) return result;
  const labels = due.some((row) => row.kind === "justifications.daily")
    ? reasonLabels(await policyHistory(database(env.DB)))
    : new Map<string, string>();

  const updates: D1PreparedStatement[] = [];
  const deliver = async (row: OutboxRow) => {
    const body = JSON.stringify(eventBody(row, labels, now));
    let error: string | null = null;
    try {
      const response = await fetch(env.WEBHOOK_URL as string, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "User-Agent": "Shadowlight-Webhook/1",
          "X-Shadowlight-Event": row.kind,
          "X-Shadowlight-Delivery": String(row.id),
          "X-Shadowlight-Signature": await sign(env.WEBHOOK_SECRET as string, body),
        },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      // Only a 2xx counts; a redirect could send the next attempt elsewhere, so it is a failure.
      if (!response.ok) error = `HTTP ${response.status}`;
      await response.body?.cancel();
    } catch (caught) {
      error = (caught as Error).message.slice(0, 200) || "network error";
    }
    const attempts = row.attempts + 1;
    if (error === null) {
      result.delivered++;
      updates.push(
        env.DB.prepare(
          "UPDATE webhook_outbox SET delivered_at = ?2, attempts = ?3, last_error = NULL WHERE id = ?1",
        ).bind(row.id, now, attempts),
      );
    } else if (attempts >= MAX_ATTEMPTS) {
      result.failed++;
      updates.push(
        env.DB.prepare("UPDATE webhook_outbox SET failed_at = ?2, attempts = ?3, last_error = ?4 WHERE id = ?1").bind(
          row.id,
          now,
          attempts,
          error,
        ),
      );
    } else {
      result.retried++;
      updates.push(
        env.DB.prepare(
          "UPDATE webhook_outbox SET next_attempt_at = ?2, attempts = ?3, last_error = ?4 WHERE id = ?1",
        ).bind(row.id, now + retryDelay(attempts), attempts, error),
      );
    }
  };
  for (let i = 0; i < due.length; i += PARALLEL) await Promise.all(due.slice(i, i + PARALLEL).map(deliver));
  await env.DB.batch(updates);
  return result;
}
