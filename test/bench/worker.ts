/**
 * `npm run bench:worker`: the dashboard on a year of a 10,000-device organization, and what
 * one D1 database absorbs.
 *
 * 1. A year is simulated through the worker's own code (test/bench/year.ts): enrollment with
 *    group tokens, two policy versions, every working day's reports applied by the code the
 *    queue consumer runs, the cron after every day (rollups and the 90-day raw purge).
 * 2. On that database, the code the consumer runs applies fresh reports in batches of 100 (a
 *    queue batch) and one at a time (direct ingest): reports per second one D1 writer takes,
 *    measured inside the worker, without HTTP.
 * 3. The real worker (`wrangler dev`, wrangler.toml) answers every admin view the dashboard
 *    loads, sampled round-robin so the machine's noise spreads over all of them: p50 and p99
 *    per view against BUDGETS.dashboardViewP50Ms, the database's size, and the inventory's
 *    totals against the ground truth of every count the devices made.
 *
 * Prints tables and ends with one JSON line; exits non-zero when a view misses its target or
 * a total differs. Only 127.0.0.1; a temporary persist folder. BENCH_DEVICES, BENCH_DAYS and
 * BENCH_SAMPLES make a smaller run; BENCH_KEEP=1 keeps the persist folder (its path is printed)
 * for looking at the database afterwards.
 *
 * BENCH_STATE=<kept persist folder> samples the views of a database an earlier run kept,
 * without building a year again (this checkout's new migrations are applied to it first; the
 * ingest capacity and the totals, which need the simulated devices, are left out), and
 * BENCH_BASELINE=<another checkout of the project> serves a copy of that database (taken before
 * the migrations) from that checkout's worker as well: every view is asked of both in turn,
 * sample after sample, and their answers must be the same (but for an evidence pack's time,
 * chain and signature).
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { addDays, dayOf } from "../../shared/day";
import { BUDGETS, LIMITS } from "../../shared/limits";
import { applyMigrations, newEvidenceKey, ROOT, type RunningWorker, run, startWorker } from "../../worker/dev/local";
import { freePort } from "../support/net";
import { printTable } from "../support/table";
import type { PendingReport } from "./fleet";
import { describeTarget, met, percentile, round, sortedCopy, type Target } from "./support";
import { record, simulateYear, type YearResult } from "./year";

const DEVICES = Number(process.env.BENCH_DEVICES ?? 10_000);
const DAYS = Number(process.env.BENCH_DAYS ?? 365);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 21);
const KEEP = process.env.BENCH_KEEP === "1";
const STATE = process.env.BENCH_STATE;
const BASELINE = process.env.BENCH_BASELINE;
const ADMIN_TOKEN = "bench-admin-token";
const ENROLLMENT_TOKEN = "bench-enrollment-token-0123456789";

const today = dayOf(Date.now());

function databaseBytes(persistTo: string): number {
  const folder = join(persistTo, "v3", "d1", "miniflare-D1DatabaseObject");
  return readdirSync(folder)
    .filter((name) => name !== "metadata.sqlite" && name.includes(".sqlite"))
    .reduce((sum, name) => sum + statSync(join(folder, name)).size, 0);
}

async function admin<T>(url: string, path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${ADMIN_TOKEN}`);
  headers.set("Content-Type", "application/json");
  const response = await fetch(`${url}/api/admin${path}`, { ...init, headers });
  const text = await response.text();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${text.slice(0, 300)}`);
  return (response.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text) as T;
}

/** What a security team does in a year: reviews, an exception decision. Through the admin API. */
async function decide(url: string): Promise<void> {
  const reviews: Array<[string, string, string | null]> = [
    ["chatgpt", "approved_with_conditions", null],
    ["microsoft-copilot", "approved", null],
    ["deepl", "approved", null],
    ["perplexity", "restricted", "microsoft-copilot"],
    ["claude", "unreviewed", null],
  ];
  for (const [tool, status, alternative] of reviews) {
    await admin(url, `/tools/${tool}/review`, {
      method: "PUT",
      body: JSON.stringify({ status, owner: "Security", ...(alternative ? { alternative } : {}) }),
    });
  }
  const { exceptions } = await admin<{ exceptions: Array<{ tool: string; reason: string }> }>(url, "/exceptions");
  const first = exceptions[0];
  if (first) {
    await admin(url, `/exceptions/${first.tool}/${first.reason}`, {
      method: "PUT",
      body: JSON.stringify({ decision: "granted", owner: "Legal", expiry: addDays(today, 60) }),
    });
  }
}

/** Reports per second the consumer's code applies in batches of `batch`, on the full database. */
async function ingestCapacity(url: string, year: YearResult, count: number, batch: number) {
  const { fleet } = year;
  const sent: PendingReport[] = [];
  for (const device of fleet.devices) {
    if (sent.length >= count) break;
    fleet.usePeriod(device, today, 1);
    const pending = fleet.pending(device);
    if (pending) sent.push(pending);
  }
  const response = await fetch(`${url}/__bench/ingest`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      receivedAt: Date.now(),
      batch,
      reports: sent.map((p) => ({ deviceId: year.deviceIds[p.device.index], report: p.report })),
    }),
  });
  const result = (await response.json()) as { applied: number; ms: number; refused: unknown[] };
  if (result.refused.length > 0) throw new Error(`capacity run refused: ${JSON.stringify(result.refused)}`);
  for (const pending of sent) record(year, pending);
  return { reports: result.applied, perSecond: round(result.applied / (result.ms / 1000)) };
}

/** The tool the fewest simulated devices used. */
function rareTool(year: YearResult): string {
  return [...year.lastUse].sort((a, b) => a[1].size - b[1].size)[0]?.[0] ?? "claude";
}

/** On a kept database: the catalog tool with the fewest devices in 30 days of those shown with figures. */
async function rareToolOf(url: string): Promise<string> {
  const { tools } = await admin<{ tools: Array<{ id: string; kind: string; devices30: number | null }> }>(
    url,
    "/inventory",
  );
  const shown = tools.filter((tool) => tool.kind === "tool" && tool.devices30 !== null);
  return shown.sort((a, b) => (a.devices30 ?? 0) - (b.devices30 ?? 0))[0]?.id ?? "claude";
}

/** Every view the dashboard loads, as the dashboard asks for it. */
function views(rare: string): Array<[string, string]> {
  return [
    ["overview", "/overview"],
    ["inventory", "/inventory"],
    ["tool (most used)", "/tools/chatgpt"],
    ["tool (least used)", `/tools/${rare}`],
    ["candidates", "/candidates"],
    ["awareness", "/awareness"],
    ["awareness v1", "/awareness?version=1"],
    ["exceptions", "/exceptions"],
    ["review requests", "/review-requests"],
    ["organization entries", "/organization"],
    ["policy", "/policy"],
    ["policy lessons", "/policy/lessons"],
    ["devices", "/devices?limit=200&offset=0"],
    ["devices flagged", "/devices?limit=200&offset=0&flagged=true"],
    ["enrollment tokens", "/enrollment-tokens"],
    ["audit", "/audit?limit=100"],
    ["evidence (json)", "/evidence"],
    ["evidence (html)", "/evidence?format=html"],
    ["me", "/me"],
  ];
}

/**
 * An answer as compared between two workers: an evidence pack without its time, chain and
 * signature, the overview without the database's size and counter rows (each worker has its own copy), and
 * nothing of the audit log (it records what each worker was asked, and when).
 */
function comparable(path: string, body: unknown): string {
  if (path.startsWith("/audit")) return "";
  if (typeof body === "string") return body.replace(/<span class="hash">[^<]*<\/span>|\d{4}-\d\d-\d\d \d\d:\d\d/g, "");
  const { generatedAt: _time, previousHash: _chain, signature: _signature, ...rest } = body as Record<string, unknown>;
  if (path === "/overview") {
    // The counter rows: an older checkout counts them on every look, a newer one reads the
    // daily job's count (and names its day).
    const {
      bytes: _bytes,
      history: _history,
      counterRows: _rows,
      counterRowsDay: _rowsDay,
      ...storage
    } = rest.storage as Record<string, unknown>;
    return JSON.stringify({ ...rest, storage });
  }
  return JSON.stringify(rest);
}

/**
 * p50 and p99 per view and worker, every view asked of each worker in turn (the order swapped
 * every sample, so the machine's noise falls on all alike); the answers of the workers must agree.
 */
async function measureViews(urls: string[], list: Array<[string, string]>) {
  const times = urls.map(() => new Map<string, number[]>(list.map(([name]) => [name, []])));
  const differing = new Set<string>();
  for (let sample = -2; sample < SAMPLES; sample++) {
    for (const [name, path] of list) {
      const order = urls.map((_, i) => i);
      if (sample % 2 !== 0) order.reverse();
      const answers: string[] = [];
      for (const i of order) {
        const started = performance.now();
        const body = await admin(urls[i] as string, path);
        if (sample >= 0) times[i]?.get(name)?.push(performance.now() - started);
        answers.push(comparable(path, body));
      }
      if (answers.some((answer) => answer !== answers[0])) differing.add(name);
    }
  }
  const measured = times.map((perView) =>
    list.map(([name, path]) => {
      const sorted = sortedCopy(perView.get(name) ?? []);
      return { name, path, p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)) };
    }),
  );
  return { measured, differing: [...differing] };
}

/** The inventory's totals and 30-day device counts against every count the devices made. */
async function checkTotals(url: string, year: YearResult): Promise<string[]> {
  const inventory = await admin<{
    tools: Array<{ id: string; events: Record<string, number>; devices30: number | null; withheld: boolean }>;
  }>(url, "/inventory");
  const mismatches: string[] = [];
  for (const [key, expected] of year.events) {
    const [tool, event] = key.split("\t") as [string, string];
    const entry = inventory.tools.find((t) => t.id === tool);
    // A tool fewer than k devices used is listed with its figures withheld.
    if (entry?.withheld) continue;
    const stored = entry?.events[event] ?? 0;
    if (stored !== expected) mismatches.push(`${tool} ${event}: worker ${stored}, devices ${expected}`);
  }
  const since = addDays(today, -29);
  for (const [tool, users] of year.lastUse) {
    const expected = [...users.values()].filter((day) => day >= since).length;
    if (expected < LIMITS.kAnonymity) continue;
    const stored = inventory.tools.find((t) => t.id === tool)?.devices30 ?? null;
    if (stored !== expected) mismatches.push(`${tool} devices30: worker ${stored}, devices ${expected}`);
  }
  return mismatches;
}

type Measured = Awaited<ReturnType<typeof measureViews>>["measured"][number];

/** The views' table against the target (and the baseline's figures beside them); returns the views that missed it. */
function printViews(measured: Measured, baseline?: Measured): Target[] {
  console.log(`\nAdmin views on local D1, ${SAMPLES} samples each, round-robin (ms):`);
  const targets: Target[] = measured.map((view) => ({
    name: view.name,
    value: view.p50,
    kind: "max",
    limit: BUDGETS.dashboardViewP50Ms,
    unit: "ms",
  }));
  printTable([
    ["view", ...(baseline ? ["baseline p50", "baseline p99"] : []), "p50", "p99", "target p50", ""],
    ...measured.map((view, i) => [
      view.name,
      ...(baseline ? [String(baseline[i]?.p50), String(baseline[i]?.p99)] : []),
      String(view.p50),
      String(view.p99),
      `<= ${BUDGETS.dashboardViewP50Ms}`,
      met(targets[i] as Target) ? "met" : "MISSED",
    ]),
  ]);
  const missed = targets.filter((target) => !met(target));
  for (const target of missed) console.log(`  ${describeTarget(target)}`);
  return missed;
}

const perView = (measured: Measured, key: "p50" | "p99") =>
  Object.fromEntries(measured.map((view) => [view.name, view[key]]));

async function storageFigures(url: string, persistTo: string) {
  const overview = await admin<{ storage: { bytes: number; counterRows: number } }>(url, "/overview");
  const fileBytes = databaseBytes(persistTo);
  console.log(
    `Database: ${round(fileBytes / 1_048_576)} MB on disk (D1 reports ${round(overview.storage.bytes / 1_048_576)} MB), ${overview.storage.counterRows.toLocaleString("en-US")} raw counter rows in the ${LIMITS.retentionDays}-day window`,
  );
  return {
    databaseMB: round(fileBytes / 1_048_576),
    d1ReportedMB: round(overview.storage.bytes / 1_048_576),
    rawCounterRows: overview.storage.counterRows,
  };
}

/** The worker serves the dashboard's build as its static assets: it will not start without one. */
async function dashboardBuilt(): Promise<void> {
  if (!existsSync(join(ROOT, "worker/dashboard/dist"))) {
    await run("vite", ["build", "--config", "worker/dashboard/vite.config.ts", "--logLevel", "warn"]);
  }
}

/** Builds a year, then measures ingest and the views on it. */
async function buildAndMeasure(): Promise<void> {
  const started = performance.now();
  const persistTo = mkdtempSync(join(tmpdir(), "shadowlight-bench-worker-"));
  const port = await freePort();
  const vars = { ENROLLMENT_TOKEN, ADMIN_TOKEN, EVIDENCE_SIGNING_KEY: newEvidenceKey() };
  let worker: RunningWorker | null = null;
  try {
    await dashboardBuilt();
    await applyMigrations(persistTo);
    worker = await startWorker({ port, persistTo, vars, config: "test/bench/year-worker/wrangler.toml" });
    console.log(
      `Simulating ${DAYS} days of ${DEVICES.toLocaleString("en-US")} devices through the worker's ingest code:`,
    );
    const year = await simulateYear(worker.url, today, {
      devices: DEVICES,
      days: DAYS,
      policyChangeDaysAgo: 120,
      adminToken: ADMIN_TOKEN,
      batch: 500,
      log: (line) => console.log(line),
    });
    await decide(worker.url);
    const queued = await ingestCapacity(worker.url, year, 3_000, 100);
    const direct = await ingestCapacity(worker.url, year, 300, 1);
    await worker.stop();

    worker = await startWorker({ port, persistTo, vars });
    const mismatches = await checkTotals(worker.url, year);
    const [measured] = (await measureViews([worker.url], views(rareTool(year)))).measured as [Measured];

    console.log(
      `\n${year.reports.toLocaleString("en-US")} reports on ${year.workingDays} working days: ingest ${round(year.ingestSeconds)} s, cron ${round(year.cronSeconds)} s`,
    );
    const storage = await storageFigures(worker.url, persistTo);
    console.log(
      `One D1 writer, the consumer's code inside the worker: ${queued.perSecond} reports/s in batches of 100, ${direct.perSecond} reports/s one at a time`,
    );
    const missed = printViews(measured);
    console.log(`Totals exact against the devices' own counts: ${mismatches.length === 0 ? "yes" : "NO"}`);
    for (const mismatch of mismatches.slice(0, 10)) console.log(`  ${mismatch}`);
    console.log(
      JSON.stringify({
        bench: "worker",
        devices: DEVICES,
        days: DAYS,
        reports: year.reports,
        seconds: round((performance.now() - started) / 1000),
        ...storage,
        ingestReportsPerSecond: { batchesOf100: queued.perSecond, oneAtATime: direct.perSecond },
        viewP50Ms: perView(measured, "p50"),
        viewP99Ms: perView(measured, "p99"),
        target: BUDGETS.dashboardViewP50Ms,
        allViewsMet: missed.length === 0,
        totalsExact: mismatches.length === 0,
      }),
    );
    if (missed.length > 0 || mismatches.length > 0) process.exitCode = 1;
  } finally {
    await worker?.stop();
    if (KEEP) console.log(`Persist folder kept: ${persistTo}`);
    else rmSync(persistTo, { recursive: true, force: true });
  }
}

/** The views of a kept database, and of the same data served by a baseline checkout when one is named. */
async function measureKept(state: string, baseline: string | undefined): Promise<void> {
  if (!existsSync(join(state, "v3", "d1"))) throw new Error(`BENCH_STATE: ${state} holds no local D1 database`);
  const vars = { ENROLLMENT_TOKEN, ADMIN_TOKEN, EVIDENCE_SIGNING_KEY: newEvidenceKey() };
  const copy = baseline ? mkdtempSync(join(tmpdir(), "shadowlight-bench-baseline-")) : null;
  const workers: RunningWorker[] = [];
  try {
    await dashboardBuilt();
    if (baseline && copy) {
      if (!existsSync(join(baseline, "worker/dashboard/dist"))) {
        throw new Error(`BENCH_BASELINE: ${baseline} has no dashboard build (worker/dashboard/dist)`);
      }
      cpSync(state, copy, { recursive: true });
      await applyMigrations(copy, baseline);
    }
    await applyMigrations(state);
    workers.push(await startWorker({ port: await freePort(), persistTo: state, vars }));
    if (baseline && copy) {
      workers.push(await startWorker({ port: await freePort(), persistTo: copy, vars, root: baseline }));
    }
    const urls = workers.map((worker) => worker.url);
    const list = views(await rareToolOf(urls[0] as string));
    const { measured, differing } = await measureViews(urls, list);
    const [current, before] = measured as [Measured, Measured | undefined];
    const storage = await storageFigures(urls[0] as string, state);
    const missed = printViews(current, before);
    if (baseline) {
      console.log(
        `Answers the same on both workers: ${differing.length === 0 ? "yes" : `NO (${differing.join(", ")})`}`,
      );
    }
    console.log(
      JSON.stringify({
        bench: "worker",
        state,
        ...storage,
        viewP50Ms: perView(current, "p50"),
        viewP99Ms: perView(current, "p99"),
        ...(before ? { baselineP50Ms: perView(before, "p50"), baselineP99Ms: perView(before, "p99") } : {}),
        target: BUDGETS.dashboardViewP50Ms,
        allViewsMet: missed.length === 0,
        ...(baseline ? { answersSame: differing.length === 0 } : {}),
      }),
    );
    if (missed.length > 0 || differing.length > 0) process.exitCode = 1;
  } finally {
    for (const worker of workers) await worker.stop();
    if (copy) rmSync(copy, { recursive: true, force: true });
  }
}

if (STATE) await measureKept(STATE, BASELINE);
else await buildAndMeasure();
