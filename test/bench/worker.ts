/**
 * `npm run bench:worker`: the worker on local D1 with a simulated year of a 10,000-device
 * organization, time-compressed.
 *
 * The data is generated inside D1 by SQL (recursive CTEs run by `wrangler d1 execute
 * --local`), far faster than a year of HTTP reports, in the shapes ingest writes: raw per-device
 * counters for the 90-day retention window and the per-device tables (`device_tools`,
 * `device_days`, `device_acknowledgements`), daily rollups for older days. The organization
 * "ages" a quarter at a time, newest quarter first, so each checkpoint is the database of an
 * organization that has run Shadowlight for 3, 6, 9 and 12 months, as of today. At each
 * checkpoint the real worker (`wrangler dev` on 127.0.0.1) answers the dashboard's queries;
 * once, the cron rolls up and purges days that left the window. Last, devices report over HTTP
 * with bounded concurrency for a bounded time (some reports duplicated), and today's total on
 * the overview is checked against the devices' own counts.
 *
 * Prints a table and ends with one JSON line. Only 127.0.0.1; a temporary persist folder.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CompiledIndex } from "../../shared/catalog/compile";
import { addDays, dayOf } from "../../shared/day";
import { LIMITS } from "../../shared/limits";
import { applyMigrations, ROOT, type RunningWorker, run, startWorker, WRANGLER_ENV } from "../../worker/dev/local";
import { freePort } from "../support/net";

const DEVICES = Number(process.env.BENCH_DEVICES ?? 10_000);
/** Share of devices that use an AI tool on a given working day. */
const ACTIVE_PERCENT = Number(process.env.BENCH_ACTIVE_PERCENT ?? 60);
const INGEST_SECONDS = Number(process.env.BENCH_INGEST_SECONDS ?? 15);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 9);
/** Days before today when policy v2 replaced v1. */
const POLICY_CHANGE_DAYS_AGO = 120;
/** Raw days older than the window generated at the 6-month checkpoint, for the cron to roll up. */
const DAYS_FOR_RETENTION = 9;
const VIEWS = ["overview", "inventory", "awareness", "evidence"] as const;
const POPULAR = ["chatgpt", "microsoft-copilot", "google-gemini", "claude", "github-copilot", "deepl", "perplexity"];

const today = dayOf(Date.now());
const index = JSON.parse(readFileSync(join(ROOT, "policies/dist/index.json"), "utf8")) as CompiledIndex;
// 60 tools, the popular ones first: the generator's skew makes low numbers the most used.
const TOOLS = [...POPULAR, ...index.tools.map((tool) => tool.id).filter((id) => !POPULAR.includes(id))].slice(0, 60);

const ADMIN_TOKEN = "bench-admin-token";
const deviceToken = (i: number) => `bench-device-token-${String(i).padStart(5, "0")}-0123456789abcdef`;
const deviceId = (i: number) => `bench-${String(i).padStart(5, "0")}`;

// ------------------------------------------------------------------------- generation (SQL)

/**
 * Rows (device_id, day, tool, event, policy_version, n) for the working days from `from` to
 * `to`: a device is active on ~ACTIVE_PERCENT% of days, uses 1 to 4 tools a day (skewed to
 * the popular ones), and each use yields a visit count plus, sometimes, nudge outcomes. The
 * pseudo-randomness is integer arithmetic on ids and days, so every run generates the same.
 */
function generator(from: string, to: string): string {
  const span = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;
  const policyDay = addDays(today, -POLICY_CHANGE_DAYS_AGO);
  const tools = TOOLS.map((id, no) => `(${no}, '${id}')`).join(", ");
  return `WITH RECURSIVE
  dn(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM dn WHERE i < ${span - 1}),
  workdays(day, jd) AS (
    SELECT d, CAST(julianday(d) AS INTEGER) FROM (SELECT date('${from}', '+' || i || ' days') AS d FROM dn)
    WHERE strftime('%w', d) NOT IN ('0', '6')),
  dev(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM dev WHERE i < ${DEVICES}),
  active(day, jd, dev) AS (
    SELECT w.day, w.jd, v.i FROM workdays w, dev v WHERE (v.i * 7919 + w.jd * 104729) % 100 < ${ACTIVE_PERCENT}),
  slot(s) AS (VALUES (0), (1), (2), (3)),
  uses(day, jd, dev, s, x) AS (
    SELECT a.day, a.jd, a.dev, s.s, (a.dev * 31 + s.s * 517 + (a.jd % 7) * s.s * 97) % 1000
    FROM active a, slot s WHERE s.s <= a.dev % 4),
  tools(no, id) AS (VALUES ${tools}),
  ev(event, rate) AS (VALUES ('visit', 100), ('nudge_shown', 40), ('acknowledged', 8), ('dismissed', 5),
    ('justified', 2), ('blocked', 2)),
  gen(device_id, day, tool, event, policy_version, n) AS (
    SELECT printf('bench-%05d', u.dev), u.day, t.id, e.event,
      CASE WHEN u.day < '${policyDay}' THEN 1 ELSE 2 END,
      CASE e.event WHEN 'visit' THEN 1 + (u.dev + u.jd + u.s) % 12 ELSE 1 END
    FROM uses u JOIN tools t ON t.no = u.x * u.x / ${Math.ceil(1_000_000 / TOOLS.length)}
    JOIN ev e ON (u.dev * 13 + u.jd * 7 + u.s * 3 + length(e.event) * 37) % 100 < e.rate)`;
}

/**
 * What ingest would have written for the working days from `from` to `to`. The generated rows
 * are materialized once in a scratch table (one row per counter key, in primary-key order, so
 * inserting them is sequential) and every table is derived from it. `raw` days keep their
 * per-device counters and device days; older days keep only rollups with distinct devices, as
 * after the cron's retention.
 */
function quarterSql(from: string, to: string, raw: boolean): string[] {
  return [
    "DROP TABLE IF EXISTS bench_gen",
    `CREATE TABLE bench_gen AS ${generator(from, to)}
     SELECT device_id, day, tool, event, policy_version, max(n) AS n FROM gen
     GROUP BY device_id, day, tool, event, policy_version`,
    ...(raw
      ? [
          "INSERT INTO daily_counters (device_id, day, tool, event, policy_version, n) SELECT * FROM bench_gen",
          "INSERT OR IGNORE INTO device_days (day, device_id) SELECT DISTINCT day, device_id FROM bench_gen",
        ]
      : []),
    `INSERT INTO daily_rollups (day, tool, event, policy_version, n, devices)
     SELECT day, tool, event, policy_version, sum(n), ${raw ? "NULL" : "count(*)"} FROM bench_gen WHERE true
     GROUP BY day, tool, event, policy_version
     ON CONFLICT (day, tool, event, policy_version) DO UPDATE SET n = excluded.n, devices = excluded.devices`,
    `INSERT INTO device_tools (device_id, tool, first_seen, last_seen)
     SELECT device_id, tool, min(day), max(day) FROM bench_gen WHERE event = 'visit' GROUP BY device_id, tool
     ON CONFLICT (device_id, tool) DO UPDATE SET first_seen = min(device_tools.first_seen, excluded.first_seen),
       last_seen = max(device_tools.last_seen, excluded.last_seen)`,
    `INSERT INTO device_acknowledgements (device_id, policy_version, first_day, last_day)
     SELECT device_id, policy_version, min(day), max(day) FROM bench_gen WHERE event = 'acknowledged'
     GROUP BY device_id, policy_version
     ON CONFLICT (device_id, policy_version) DO UPDATE SET
       first_day = min(device_acknowledgements.first_day, excluded.first_day),
       last_day = max(device_acknowledgements.last_day, excluded.last_day)`,
    "UPDATE devices SET last_report_day = (SELECT max(last_seen) FROM device_tools t WHERE t.device_id = devices.id)",
    "DROP TABLE bench_gen",
  ];
}

function fleetSql(): string[] {
  const statements: string[] = [];
  const enrolledAt = Date.now() - 400 * 86_400_000;
  for (let start = 1; start <= DEVICES; start += 500) {
    const values: string[] = [];
    for (let i = start; i < Math.min(start + 500, DEVICES + 1); i++) {
      const hash = createHash("sha256").update(deviceToken(i)).digest("hex");
      // Three devices form a group below k, so the views must suppress it.
      const group = i <= 3 ? "Board" : `Team ${String((i % 40) + 1).padStart(2, "0")}`;
      const browser = ["chrome", "edge", "firefox"][i % 3];
      values.push(`('${deviceId(i)}', '${hash}', '${group}', '${browser}', '1.0.0', ${enrolledAt})`);
    }
    statements.push(
      `INSERT INTO devices (id, token_hash, group_label, browser, extension_version, enrolled_at) VALUES ${values.join(", ")}`,
    );
  }
  const policy = JSON.parse(readFileSync(join(ROOT, "policies/dist/default-policy.json"), "utf8"));
  const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;
  for (const version of [1, 2]) {
    const published = Date.now() - (version === 1 ? 400 : POLICY_CHANGE_DAYS_AGO) * 86_400_000;
    statements.push(
      `INSERT INTO policy_versions (version, body, published_at, published_by)
       VALUES (${version}, ${quote(JSON.stringify({ ...policy, version }))}, ${published}, 'bench')`,
    );
  }
  return statements;
}

async function execute(persistTo: string, statements: string[]): Promise<number> {
  const file = join(persistTo, "bench.sql");
  writeFileSync(file, `${statements.map((statement) => `${statement.trim()};`).join("\n")}\n`);
  const started = performance.now();
  await run("wrangler", ["d1", "execute", "DB", "--local", "--persist-to", persistTo, "--file", file], WRANGLER_ENV);
  return performance.now() - started;
}

async function queryRows<T>(persistTo: string, sql: string): Promise<T[]> {
  const output = await run(
    "wrangler",
    ["d1", "execute", "DB", "--local", "--persist-to", persistTo, "--json", "--command", sql],
    // The results are printed at log level, which WRANGLER_ENV's "warn" would hide.
    { ...WRANGLER_ENV, WRANGLER_LOG: "log" },
  );
  // wrangler's warnings share the output; the JSON result starts on a line of its own.
  const start = output.search(/^\[/m);
  if (start < 0) throw new Error(`no JSON in wrangler's output:\n${output}`);
  const parsed = JSON.parse(output.slice(start, output.lastIndexOf("]") + 1)) as Array<{ results: T[] }>;
  return parsed[0]?.results ?? [];
}

function databaseBytes(persistTo: string): number {
  const folder = join(persistTo, "v3", "d1", "miniflare-D1DatabaseObject");
  return readdirSync(folder)
    .filter((name) => name !== "metadata.sqlite" && name.includes(".sqlite"))
    .reduce((sum, name) => sum + statSync(join(folder, name)).size, 0);
}

// ------------------------------------------------------------------------- measurement (HTTP)

function percentile(sorted: number[], p: number): number {
  return sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] as number) : 0;
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

async function viewLatency(url: string, view: (typeof VIEWS)[number]): Promise<{ p50: number; max: number }> {
  const path = `${url}/api/admin/${view}`;
  const headers = { Authorization: `Bearer ${ADMIN_TOKEN}` };
  const warm = await fetch(path, { headers });
  if (warm.status !== 200) throw new Error(`${view}: ${warm.status} ${await warm.text()}`);
  await warm.arrayBuffer();
  const times: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    const response = await fetch(path, { headers });
    await response.arrayBuffer();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: round(percentile(times, 50)), max: round(times.at(-1) ?? 0) };
}

interface IngestResult {
  reports: number;
  reportsPerSecond: number;
  p50: number;
  p99: number;
  duplicates: number;
  refused: number;
  countersPerReport: number;
  changedPerReport: number;
  exact: boolean;
}

/**
 * Devices report today's cumulative counters, like the extension: each report carries the
 * counters that grew since the last one; one in ten is sent twice, as after a lost response.
 */
async function ingest(url: string): Promise<IngestResult> {
  const state = new Map<number, Map<string, number>>();
  const latencies: number[] = [];
  let next = 1;
  let reports = 0;
  let duplicates = 0;
  let refused = 0;
  let counters = 0;
  let changed = 0;
  const deadline = performance.now() + INGEST_SECONDS * 1000;

  const bodyFor = (device: number): string => {
    const counts = state.get(device) ?? new Map<string, number>();
    state.set(device, counts);
    const grown: Array<{ tool: string; event: string; policyVersion: number; n: number }> = [];
    const uses = 1 + (device % 3);
    for (let s = 0; s < uses; s++) {
      const tool = TOOLS[(device * 7 + s * 13) % TOOLS.length] as string;
      for (const [event, step] of [
        ["visit", 1 + ((device + reports) % 3)],
        ["nudge_shown", (device + s) % 2],
      ] as const) {
        if (step === 0) continue;
        const key = `${tool}\t${event}`;
        const n = (counts.get(key) ?? 0) + step;
        counts.set(key, n);
        grown.push({ tool, event, policyVersion: 2, n });
      }
    }
    counters += grown.length;
    return JSON.stringify({ days: [{ day: today, counters: grown }] });
  };

  const send = async (device: number, body: string) => {
    const started = performance.now();
    const response = await fetch(`${url}/api/v1/reports`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${deviceToken(device)}` },
      body,
    });
    const text = await response.text();
    latencies.push(performance.now() - started);
    reports++;
    if (response.status !== 200) {
      refused++;
      if (refused <= 3) console.error(`report refused: ${response.status} ${text}`);
      return;
    }
    changed += (JSON.parse(text) as { changed: number }).changed;
  };

  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const device = next;
        next = (next % DEVICES) + 1;
        const body = bodyFor(device);
        await send(device, body);
        if (reports % 10 === 0) {
          duplicates++;
          await send(device, body);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;

  // Today's visits on the overview must equal the sum of every device's final counters.
  let truth = 0;
  for (const counts of state.values()) {
    for (const [key, n] of counts) if (key.endsWith("\tvisit")) truth += n;
  }
  const overview = (await (
    await fetch(`${url}/api/admin/overview`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })
  ).json()) as { trend: Array<{ day: string; visits: number }> };
  const measured = overview.trend.find((point) => point.day === today)?.visits ?? -1;
  if (measured !== truth) console.error(`today's visits: worker ${measured}, devices ${truth}`);

  latencies.sort((a, b) => a - b);
  return {
    reports,
    reportsPerSecond: round(reports / seconds),
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    duplicates,
    refused,
    countersPerReport: round(counters / Math.max(1, reports - duplicates)),
    changedPerReport: round(changed / Math.max(1, reports)),
    exact: measured === truth,
  };
}

// ------------------------------------------------------------------------- the run

interface Checkpoint {
  months: number;
  generateSeconds: number;
  rawRows: number;
  rollupRows: number;
  deviceDayRows: number;
  deviceToolRows: number;
  megabytes: number;
  views: Record<(typeof VIEWS)[number], { p50: number; max: number }>;
}

async function main(): Promise<void> {
  const benchStarted = performance.now();
  const persistTo = mkdtempSync(join(tmpdir(), "shadowlight-bench-worker-"));
  const port = await freePort();
  let worker: RunningWorker | null = null;
  const start = async () => {
    worker = await startWorker({
      port,
      persistTo,
      testScheduled: true,
      vars: { ENROLLMENT_TOKEN: "bench-enrollment-token", ADMIN_TOKEN },
    });
    return worker.url;
  };
  try {
    await applyMigrations(persistTo);
    await execute(persistTo, fleetSql());

    // Quarters newest first: [from, to] of each, and which part stays raw.
    const windowStart = addDays(today, -(LIMITS.retentionDays + 1));
    const quarters = [0, 1, 2, 3].map((q) => ({
      months: (q + 1) * 3,
      from: q === 0 ? windowStart : addDays(windowStart, -91 * q),
      to: q === 0 ? addDays(today, -1) : addDays(windowStart, -91 * (q - 1) - 1),
    }));
    const checkpoints: Checkpoint[] = [];
    let retention = { days: 0, rows: 0, ms: 0 };
    for (const quarter of quarters) {
      if (worker) await (worker as RunningWorker).stop();
      let statements: string[];
      let pendingRetention = 0;
      if (quarter.months === 3) statements = quarterSql(quarter.from, quarter.to, true);
      else if (quarter.months === 6) {
        // The newest days of this quarter are generated raw, as if the cron had not run yet.
        const rawFrom = addDays(quarter.to, -(DAYS_FOR_RETENTION - 1));
        statements = [
          ...quarterSql(quarter.from, addDays(rawFrom, -1), false),
          ...quarterSql(rawFrom, quarter.to, true),
        ];
        pendingRetention = DAYS_FOR_RETENTION;
      } else statements = quarterSql(quarter.from, quarter.to, false);
      const generateMs = await execute(persistTo, statements);
      const [sizes] = await queryRows<Record<string, number>>(
        persistTo,
        `SELECT (SELECT count(*) FROM daily_counters) AS raw,
           (SELECT count(*) FROM daily_counters WHERE day < '${windowStart}') AS expired,
           (SELECT count(DISTINCT day) FROM daily_counters WHERE day < '${windowStart}') AS expiredDays,
           (SELECT count(*) FROM device_days WHERE day < '${windowStart}') AS expiredDeviceDays,
           (SELECT count(*) FROM daily_rollups) AS rollups, (SELECT count(*) FROM device_days) AS deviceDays,
           (SELECT count(*) FROM device_tools) AS deviceTools`,
      );
      const url = await start();
      if (pendingRetention > 0) {
        const started = performance.now();
        const response = await fetch(`${url}/__scheduled?cron=${encodeURIComponent("*/5 * * * *")}`);
        await response.text();
        retention = {
          days: sizes?.expiredDays ?? 0,
          rows: sizes?.expired ?? 0,
          ms: round(performance.now() - started, 0),
        };
      }
      const views = {} as Checkpoint["views"];
      for (const view of VIEWS) views[view] = await viewLatency(url, view);
      checkpoints.push({
        months: quarter.months,
        generateSeconds: round(generateMs / 1000),
        rawRows: (sizes?.raw ?? 0) - (pendingRetention > 0 ? (sizes?.expired ?? 0) : 0),
        rollupRows: sizes?.rollups ?? 0,
        deviceDayRows: (sizes?.deviceDays ?? 0) - (pendingRetention > 0 ? (sizes?.expiredDeviceDays ?? 0) : 0),
        deviceToolRows: sizes?.deviceTools ?? 0,
        megabytes: round(databaseBytes(persistTo) / 1_048_576),
        views,
      });
      const last = checkpoints.at(-1) as Checkpoint;
      console.log(
        `${last.months} months generated in ${last.generateSeconds} s: ${last.rawRows.toLocaleString("en-US")} raw counter rows, ${last.megabytes} MB`,
      );
    }
    const url = worker ? (worker as RunningWorker).url : await start();
    const ingestResult = await ingest(url);

    console.log(
      `\nDashboard latency on local D1 (${DEVICES.toLocaleString("en-US")} devices, ${ACTIVE_PERCENT}% active per working day), ms p50 / max of ${SAMPLES}:`,
    );
    const header = ["age", "raw rows", "rollups", "device-days", "DB MB", ...VIEWS];
    const rows = checkpoints.map((c) => [
      `${c.months} mo`,
      c.rawRows.toLocaleString("en-US"),
      c.rollupRows.toLocaleString("en-US"),
      c.deviceDayRows.toLocaleString("en-US"),
      String(c.megabytes),
      ...VIEWS.map((view) => `${c.views[view].p50} / ${c.views[view].max}`),
    ]);
    const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] as string).length)));
    for (const row of [header, ...rows])
      console.log(row.map((cell, i) => cell.padStart(widths[i] as number)).join("  "));
    console.log(
      `\nRetention (cron): ${retention.days} working days, ${retention.rows.toLocaleString("en-US")} raw rows rolled up and purged in ${retention.ms} ms`,
    );
    console.log(
      `Ingest over HTTP (concurrency ${CONCURRENCY}, ${INGEST_SECONDS} s, one in ten sent twice): ${ingestResult.reports} reports, ${ingestResult.reportsPerSecond} reports/s, p50 ${ingestResult.p50} ms, p99 ${ingestResult.p99} ms, ${ingestResult.countersPerReport} counters/report, ${ingestResult.changedPerReport} changed/report, refused ${ingestResult.refused}, totals exact: ${ingestResult.exact}`,
    );
    const final = checkpoints.at(-1) as Checkpoint;
    console.log(
      JSON.stringify({
        bench: "worker",
        devices: DEVICES,
        seconds: round((performance.now() - benchStarted) / 1000),
        rawRows: final.rawRows,
        rollupRows: final.rollupRows,
        databaseMB: final.megabytes,
        ingest: ingestResult,
        retention,
        dashboardMs: Object.fromEntries(checkpoints.map((c) => [`${c.months}mo`, c.views])),
      }),
    );
    if (!ingestResult.exact || ingestResult.refused > 0) process.exitCode = 1;
  } finally {
    if (worker) await (worker as RunningWorker).stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}

await main();
