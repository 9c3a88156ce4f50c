import { addDays } from "../../shared/day";
import { OUTLIERS } from "../../shared/limits";
import { recordStorage } from "../db/storage";

/*
 * Jobs the cron runs once a day, on its first run after midnight UTC (the day's row in
 * storage_days records that they ran): outlier flags for the day that just closed, webhook
 * events as daily aggregates, and the database's size.
 */

/** Whether today's daily jobs have run (storage_days has today's row). */
async function dailyJobsDone(d1: D1Database, today: string): Promise<boolean> {
  const row = await d1.prepare("SELECT 1 AS done FROM storage_days WHERE day = ?1").bind(today).first();
  return row !== null;
}

/**
 * Flags devices whose counts on `day` stand far above the fleet's: total visits, or total
 * answers to nudges, above both an absolute floor and a multiple of the median over the
 * devices that reported that day. A flagged device is left out of awareness and evidence
 * until an admin keeps or excludes it; a device already flagged keeps its state.
 */
async function flagOutliers(d1: D1Database, day: string): Promise<number> {
  const answers = "'acknowledged', 'dismissed', 'left', 'justified', 'redirected'";
  const { results } = await d1
    .prepare(
      `SELECT device_id AS device, sum(CASE WHEN event = 'visit' THEN n ELSE 0 END) AS visits,
         sum(CASE WHEN event IN (${answers}) THEN n ELSE 0 END) AS answers
       FROM daily_counters WHERE day = ?1 GROUP BY device_id`,
    )
    .bind(day)
    .all<{ device: string; visits: number; answers: number }>();
  if (results.length === 0) return 0;
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0;
  };
  const medianVisits = median(results.map((row) => Number(row.visits)));
  const medianAnswers = median(results.map((row) => Number(row.answers)));
  const visitBar = Math.max(OUTLIERS.minVisits, OUTLIERS.factor * medianVisits);
  const answerBar = Math.max(OUTLIERS.minAnswers, OUTLIERS.factor * medianAnswers);
  const flags: D1PreparedStatement[] = [];
  for (const row of results) {
    const visits = Number(row.visits);
    const answered = Number(row.answers);
    const reason = visits > visitBar ? "visits" : answered > answerBar ? "answers" : null;
    if (!reason) continue;
    const detail = JSON.stringify(
      reason === "visits"
        ? { value: visits, fleetMedian: medianVisits }
        : { value: answered, fleetMedian: medianAnswers },
    );
    flags.push(
      d1
        .prepare(
          `INSERT INTO device_flags (device_id, reason, detail, flagged_day) VALUES (?1, ?2, ?3, ?4)
           ON CONFLICT (device_id) DO NOTHING`,
        )
        .bind(row.device, reason, detail, day),
    );
  }
  if (flags.length) await d1.batch(flags);
  return flags.length;
}

/**
 * Webhook events, as aggregates that cover at least k devices and carry days, never times:
 *   tool.discovered       a tool reached k distinct devices (once per tool)
 *   candidate.discovered  an unknown AI domain reached k distinct devices (once per domain)
 *   justifications.daily  a day's requests for one tool and reason by at least k devices
 *   review.requested      someone asked to have a tool reviewed and the request is open (once per
 *                         opening: the first day asked since it was last closed); its number
 *                         of devices only when at least k
 * Each is written to the outbox once (webhook_emitted remembers it) and delivered with retries.
 */
async function emitAggregates(d1: D1Database, day: string, k: number, now: number): Promise<number> {
  // The outbox row first, then its subject (read back from the row's data) is remembered.
  const emit = (
    kind: string,
    select: string,
    subject: (from: "found" | "outbox") => string,
    data: string,
    ...bindings: unknown[]
  ) => [
    d1
      .prepare(
        `WITH found AS (${select})
         INSERT INTO webhook_outbox (kind, data, created_at, next_attempt_at)
         SELECT '${kind}', ${data}, ?1, ?1 FROM found
         WHERE NOT EXISTS (SELECT 1 FROM webhook_emitted WHERE kind = '${kind}' AND subject = ${subject("found")})`,
      )
      .bind(now, ...bindings),
    d1
      .prepare(
        `INSERT INTO webhook_emitted (kind, subject)
         SELECT kind, ${subject("outbox")} FROM (SELECT kind, data FROM webhook_outbox
           WHERE kind = '${kind}' AND created_at = ?1) AS outbox
         WHERE true ON CONFLICT DO NOTHING`,
      )
      .bind(now),
  ];
  const statements = [
    ...emit(
      "tool.discovered",
      `SELECT tool, count(*) AS devices, min(first_seen) AS first_seen FROM device_tools
       GROUP BY tool HAVING count(*) >= ?2`,
      (row) => (row === "found" ? "found.tool" : "json_extract(data, '$.tool')"),
      "json_object('tool', found.tool, 'devices', found.devices, 'day', ?3)",
      k,
      day,
    ),
    ...emit(
      "candidate.discovered",
      `SELECT domain, count(DISTINCT device_id) AS devices FROM candidates
       GROUP BY domain HAVING count(DISTINCT device_id) >= ?2`,
      (row) => (row === "found" ? "found.domain" : "json_extract(data, '$.domain')"),
      "json_object('domain', found.domain, 'devices', found.devices, 'day', ?3)",
      k,
      day,
    ),
    ...emit(
      "justifications.daily",
      `SELECT tool, reason, policy_version, count(DISTINCT device_id) AS devices, sum(n) AS requests
       FROM justifications WHERE day = ?3 GROUP BY tool, reason, policy_version
       HAVING count(DISTINCT device_id) >= ?2`,
      (row) =>
        row === "found"
          ? "?3 || '/' || found.tool || '/' || found.reason || '/' || found.policy_version"
          : "json_extract(data, '$.day') || '/' || json_extract(data, '$.tool') || '/' || json_extract(data, '$.reason') || '/' || json_extract(data, '$.policyVersion')",
      "json_object('tool', found.tool, 'reason', found.reason, 'policyVersion', found.policy_version, 'devices', found.devices, 'requests', found.requests, 'day', ?3)",
      k,
      day,
    ),
    ...emit(
      "review.requested",
      `SELECT c.tool, min(c.day) AS since, count(DISTINCT c.device_id) AS devices
       FROM daily_counters c LEFT JOIN review_requests r ON r.tool = c.tool
       WHERE c.event = 'review_requested' AND c.n > 0 AND c.day <= ?3 AND c.day > coalesce(r.closed_day, '')
       GROUP BY c.tool`,
      (row) =>
        row === "found"
          ? "found.tool || '/' || found.since"
          : "json_extract(data, '$.tool') || '/' || json_extract(data, '$.since')",
      "json_object('tool', found.tool, 'since', found.since, 'devices', CASE WHEN found.devices >= ?2 THEN found.devices END, 'day', ?3)",
      k,
      day,
    ),
  ];
  const results = await d1.batch(statements);
  return results.filter((_, i) => i % 2 === 0).reduce((sum, result) => sum + (result.meta.changes ?? 0), 0);
}

export interface DailyResult {
  flagged: number;
  webhookEvents: number;
  bytes: number;
}

/** Runs the daily jobs for `today` unless they already ran. */
export async function runDailyJobs(
  d1: D1Database,
  today: string,
  options: { k: number; webhooks: boolean; now: number },
): Promise<DailyResult | null> {
  if (await dailyJobsDone(d1, today)) return null;
  const closed = addDays(today, -1);
  const flagged = await flagOutliers(d1, closed);
  const webhookEvents = options.webhooks ? await emitAggregates(d1, closed, options.k, options.now) : 0;
  // Recorded last: a failure above leaves today's row missing, so the next run tries again.
  const { bytes } = await recordStorage(d1, today);
  return { flagged, webhookEvents, bytes };
}
