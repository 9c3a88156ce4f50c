import { addDays } from "../../shared/day";
import { LIMITS } from "../../shared/limits";

/*
 * Retention: raw per-device rows older than the window are summarized into per-day rollups
 * (with that day's distinct-device counts) and deleted, one day per transaction; then every
 * other per-device row whose last day left the window goes too: device_tools, device_events,
 * device_lessons, devices that fell silent or were revoked before it (with their flags),
 * candidate domains nobody triaged or reported within it, and the discovery rows (extensions,
 * unknown extensions, browsers, embeds, extension tokens and named extensions) of days before
 * it. After a run no table holds a device-level row
 * older than the window. policies/PRIVACY.md lists each table and what it keeps.
 *
 * Ingest accepts days back to today - retentionDays; the purge starts one day further back,
 * so no report that passed validation just before midnight can write into a day the cron has
 * already rolled up: every day is rolled up exactly once, from complete data.
 * `daily_rollups.n` is already exact (ingest adds each counter's growth), so the rollup only
 * fills `devices`; justifications, candidates, lesson outcomes and guard counts are summed
 * here for the first time.
 */

/** Days rolled up per cron run: bounds one run's work; a backlog drains over a few runs. */
const MAX_DAYS_PER_RUN = 10;

/** Delivered webhook events are kept this long for inspection; failed ones longer. */
const DELIVERED_KEEP_MS = 7 * 86_400_000;
const FAILED_KEEP_MS = 30 * 86_400_000;

/**
 * Raw per-device counts summed into rollups: the raw table, its rollup, and the columns besides
 * the day that key a rollup row.
 */
const SUMMED: Array<[raw: string, rollup: string, keys: string]> = [
  ["justifications", "justification_rollups", "tool, reason, policy_version"],
  ["candidates", "candidate_rollups", "domain"],
  ["lesson_outcomes", "lesson_rollups", "lesson, version, outcome"],
  ["guard_counts", "guard_rollups", "tool, detector, outcome, policy_version"],
];

/** The tables whose rows of a day are deleted once that day is rolled up. */
const RAW_BY_DAY = ["daily_counters", ...SUMMED.map(([raw]) => raw), "device_days"];

/** Adds one day of `raw` to `rollup`: the sum of its counts and its distinct devices per key. */
function summedRollup(raw: string, rollup: string, keys: string): string {
  return `INSERT INTO ${rollup} (day, ${keys}, n, devices)
    SELECT day, ${keys}, sum(n), count(DISTINCT device_id) FROM ${raw} WHERE day = ?1 GROUP BY ${keys}
    ON CONFLICT (day, ${keys}) DO UPDATE SET
      n = ${rollup}.n + excluded.n, devices = ${rollup}.devices + excluded.devices`;
}

function purgeBefore(today: string): string {
  return addDays(today, -(LIMITS.retentionDays + 1));
}

export interface RetentionResult {
  /** Days rolled up and purged, oldest first. */
  days: string[];
  /** Rows deleted (raw counts, then per-device rows past the window). */
  rowsDeleted: number;
}

export async function applyRetention(d1: D1Database, today: string, now = Date.now()): Promise<RetentionResult> {
  const cutoff = purgeBefore(today);
  const { results } = await d1
    .prepare(
      // D1 allows at most five terms in one compound SELECT: two nested compounds.
      `SELECT day FROM (
         SELECT day FROM (
           SELECT DISTINCT day FROM daily_counters WHERE day < ?1
           UNION SELECT DISTINCT day FROM justifications WHERE day < ?1
           UNION SELECT DISTINCT day FROM candidates WHERE day < ?1
         )
         UNION SELECT day FROM (
           SELECT DISTINCT day FROM lesson_outcomes WHERE day < ?1
           UNION SELECT DISTINCT day FROM guard_counts WHERE day < ?1
           UNION SELECT DISTINCT day FROM device_days WHERE day < ?1
         )
       ) ORDER BY day LIMIT ?2`,
    )
    .bind(cutoff, MAX_DAYS_PER_RUN)
    .all<{ day: string }>();
  let rowsDeleted = 0;
  for (const { day } of results) {
    const batch = await d1.batch([
      d1
        .prepare(
          `INSERT INTO daily_rollups (day, tool, event, policy_version, n, devices)
           SELECT day, tool, event, policy_version, sum(n), count(DISTINCT device_id)
           FROM daily_counters WHERE day = ?1 GROUP BY tool, event, policy_version
           ON CONFLICT (day, tool, event, policy_version) DO UPDATE SET devices = excluded.devices`,
        )
        .bind(day),
      ...SUMMED.map(([raw, rollup, keys]) => d1.prepare(summedRollup(raw, rollup, keys)).bind(day)),
      ...RAW_BY_DAY.map((table) => d1.prepare(`DELETE FROM ${table} WHERE day = ?1`).bind(day)),
    ]);
    rowsDeleted += batch.slice(1 + SUMMED.length).reduce((sum, result) => sum + (result.meta.changes ?? 0), 0);
  }
  const cutoffMs = Date.parse(`${cutoff}T00:00:00Z`);
  const perDevice = await d1.batch([
    d1.prepare("DELETE FROM device_tools WHERE last_seen < ?1").bind(cutoff),
    d1.prepare("DELETE FROM device_lessons WHERE last_day < ?1").bind(cutoff),
    d1
      .prepare(
        `DELETE FROM devices WHERE (revoked_at IS NOT NULL AND revoked_at < ?2)
           OR (last_report_day IS NOT NULL AND last_report_day < ?1)
           OR (last_report_day IS NULL AND enrolled_at < ?2)`,
      )
      .bind(cutoff, cutoffMs),
    // After the devices: a device deleted here takes all its event rows with it, even one
    // counted on a day still in the window (revoked late in the day a time zone ahead), so
    // the views count event rows without looking up their device (db/awareness.ts).
    d1
      .prepare("DELETE FROM device_events WHERE last_day < ?1 OR device_id NOT IN (SELECT id FROM devices)")
      .bind(cutoff),
    d1
      .prepare("DELETE FROM device_flags WHERE device_id NOT IN (SELECT id FROM devices) OR flagged_day < ?1")
      .bind(cutoff),
    d1.prepare("DELETE FROM candidate_domains WHERE state = 'new' AND last_seen < ?1").bind(cutoff),
    // Discovery rows are per device and day; their organization-wide traces (tool_days,
    // embed_days) hold no device id and stay.
    d1.prepare("DELETE FROM device_extensions WHERE day < ?1").bind(cutoff),
    d1.prepare("DELETE FROM unknown_extensions WHERE day < ?1").bind(cutoff),
    d1.prepare("DELETE FROM device_browsers WHERE day < ?1").bind(cutoff),
    d1.prepare("DELETE FROM embeds WHERE day < ?1").bind(cutoff),
    d1.prepare("DELETE FROM discovery_spans WHERE last_day < ?1").bind(cutoff),
    d1.prepare("DELETE FROM extension_tokens WHERE day < ?1").bind(cutoff),
    d1.prepare("DELETE FROM revealed_extensions WHERE day < ?1").bind(cutoff),
  ]);
  rowsDeleted += perDevice.reduce((sum, result) => sum + (result.meta.changes ?? 0), 0);
  await d1
    .prepare(
      `DELETE FROM webhook_outbox
       WHERE (delivered_at IS NOT NULL AND delivered_at < ?1) OR (failed_at IS NOT NULL AND failed_at < ?2)`,
    )
    .bind(now - DELIVERED_KEEP_MS, now - FAILED_KEEP_MS)
    .run();
  return { days: results.map((row) => row.day), rowsDeleted };
}
