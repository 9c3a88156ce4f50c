/**
 * `npm run bench:load`: report ingest against the floor of the same local worker.
 *
 * A local worker (`wrangler dev` on 127.0.0.1, local D1) enrolls a fleet through the real API
 * (group tokens, one client address per device, as enrollment's rate limits expect). Then, for
 * each ingest mode (`LOAD_MODES`, default "queue,direct"; the worker restarts with that
 * INGEST_MODE on the same database, the fleet carries on), every device sends its first
 * report of the day (not measured), and rounds of three short windows at the same
 * concurrency follow, in rotating order:
 *   floor       POST /api/v1/health with a report-sized body, read and ignored: receiving the
 *               same request, touching no database
 *   GET floor   GET /api/v1/health, no body (printed for comparison)
 *   queue floor (queue mode) the floor plus one message of the body to the report queue
 *               (POST /__bench/queue, test/bench/load-worker): Miniflare's local queue runs
 *               in the worker's process, so this is what queueing alone costs here. One
 *               window per way of sending in LOAD_QUEUE_FLOORS (default "text", as the
 *               report route sends): "text", "json", "v8", "bytes", one send per request
 *               with that content type
 *   reports     the fleet's reports at the extension's cadence: each device sends, once per
 *               simulated 15-minute period and only when a count grew, what the extension
 *               would send (test/bench/fleet.ts builds it with the extension's own code)
 * A flaky network is part of the report windows: a response is lost now and then (the device
 * sends those counts again later), a report is delivered twice at once, an old one arrives
 * late. Duplicates and late replays are counted apart from fresh reports. `ratioToFloor` is
 * the median over rounds of fresh reports per second over floor requests per second in the
 * same round, so the machine's load falls on both alike; `ratioToQueueFloor` is the same over
 * the "text" queue floor, printed beside it (the target stays on the floor), and each queue
 * floor's own ratio to the floor shows what the local queue leaves reachable.
 *
 * Then every device delivers what is left, the worker applies everything (in queue mode the
 * consumer drains the queue), and the inventory's totals and device counts are compared with
 * the fleet's ground truth. The worker is the real one with wrangler.toml's configuration (its
 * bindings, queue and rate limits), started through test/bench/load-worker for the queue floor,
 * without the dashboard's assets. Prints a table per mode and ends with one JSON line; exits
 * non-zero when the target is missed, a total differs, or an honest report was refused.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dayOf } from "../../shared/day";
import { LIMITS } from "../../shared/limits";
import { applyMigrations, ROOT, type RunningWorker, startWorker } from "../../worker/dev/local";
import { freePort } from "../support/net";
import { type Device, Fleet, type PendingReport } from "./fleet";
import { loadWorkerConfig } from "./load-config";
import { ADMIN_TOKEN, adminFetch, enrollFleet } from "./load-fleet";
import { type ModeResult, printProfiles, printResults, type WindowTotals } from "./load-results";
import { median, percentile, round, sortedCopy } from "./support";
import { processGroupCpuMs, type SelfTimes, WorkerProfiler } from "./worker-profile";

const DEVICES = Number(process.env.LOAD_DEVICES ?? 4000);
const CONCURRENCY = Number(process.env.LOAD_CONCURRENCY ?? 16);
const ROUNDS = Number(process.env.LOAD_ROUNDS ?? 12);
const WINDOW_MS = Number(process.env.LOAD_WINDOW_MS ?? 2000);
const MODES = (process.env.LOAD_MODES ?? "queue,direct").split(",").map((mode) => mode.trim());
/**
 * Queue floors measured in queue mode, each a way of sending the floor's body (see
 * test/bench/load-worker): "text" (as the report route sends), "json", "v8" and "bytes", one
 * send per request with that content type.
 */
const QUEUE_FLOORS = (process.env.LOAD_QUEUE_FLOORS ?? "text").split(",").map((way) => way.trim());
/**
 * LOAD_PROFILE=1: sample the worker's JavaScript through the DevTools inspector in every
 * measured window and print, per kind of window, its busy milliseconds per request and the
 * functions that took most of them (sampling slows every kind alike, a little).
 */
const PROFILE = process.env.LOAD_PROFILE === "1";
/** Requests of each kind whose CPU time is counted after the rounds. */
const CPU_REQUESTS = Number(process.env.LOAD_CPU_REQUESTS ?? 200);
/** Chances, per report, of a lost response, an instant duplicate and a late replay. */
const LOST = 0.02;
const DUPLICATE = 0.02;
const REPLAY = 0.01;
/** How long the worker may take to apply everything after the last report. */
const DRAIN_TIMEOUT_MS = 120_000;

const ENROLLMENT_TOKEN = "load-enrollment-token-0123456789";

interface Shared {
  fleet: Fleet;
  day: string;
}

async function measureMode(
  mode: string,
  url: string,
  shared: Shared,
  profiler: WorkerProfiler | null,
  group: number,
): Promise<ModeResult> {
  const { fleet, day } = shared;
  const statuses = new Map<number, number>();
  const latencies: number[] = [];
  const floorLatencies: number[] = [];
  /** A report body of the fleet's usual size, for the floor that receives one. */
  let sampleBody = "";
  /** Reports sent: fresh ones, their duplicates, late replays of older ones, and the counters fresh ones held. */
  const tally = { fresh: 0, duplicates: 0, replays: 0, counters: 0 };
  let lostResponses = 0;
  let periods = 0;
  const busy = new Set<Device>();
  let work: Device[] = [];

  const post = async (device: Device, body: string): Promise<{ status: number; ms: number }> => {
    const started = performance.now();
    const response = await fetch(`${url}/api/v1/reports`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${device.token}` },
      body,
    });
    const text = await response.text();
    if (response.status >= 300 && (statuses.get(response.status) ?? 0) < 3) {
      console.error(`  report answered ${response.status}: ${text.slice(0, 300)}`);
    }
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    return { status: response.status, ms: performance.now() - started };
  };
  const ok = () => [...statuses].every(([status]) => status < 300);

  /** The next device with something to send; a new 15-minute period starts when none is left. */
  const nextReport = (): PendingReport | null => {
    for (let attempts = 0; attempts < 1000; attempts++) {
      const device = work.pop();
      if (!device) {
        periods++;
        for (const each of fleet.devices) fleet.usePeriod(each, day);
        work = fleet.devices.filter((each) => !busy.has(each)).sort(() => (fleet.chance(0.5) ? 1 : -1));
        continue;
      }
      if (busy.has(device)) continue;
      const pending = fleet.pending(device);
      if (pending) return pending;
    }
    return null;
  };

  const sendReport = async (pending: PendingReport, timed: boolean) => {
    busy.add(pending.device);
    sampleBody = pending.body;
    const { status, ms } = await post(pending.device, pending.body);
    if (timed) latencies.push(ms);
    tally.fresh++;
    tally.counters += pending.entries.length;
    const accepted = status < 300;
    if (accepted && fleet.chance(LOST)) lostResponses++;
    else if (accepted) fleet.acknowledged(pending);
    if (fleet.chance(DUPLICATE)) {
      tally.duplicates++;
      await post(pending.device, pending.body);
    }
    const old = fleet.chance(REPLAY) ? fleet.replay(pending.device) : null;
    if (old) {
      tally.replays++;
      await post(pending.device, old);
    }
    busy.delete(pending.device);
  };

  type Kind = "floor" | "floor-body" | `queue-floor:${string}` | "reports";
  const queueFloorKinds = QUEUE_FLOORS.map((way) => `queue-floor:${way}` as const);
  /** The queue floor that sends as the report route does (or the first one measured). */
  const routeFloor = queueFloorKinds.includes("queue-floor:text") ? "queue-floor:text" : queueFloorKinds[0];
  let clientMs = 0;
  let sends = 0;
  let sentMessages = 0;
  const sendCounts = async () =>
    (await (await fetch(`${url}/__bench/sends`)).json()) as { sends: number; messages: number; consumed: number };
  const floorRequest = async (kind: Kind) => {
    const response = await fetch(
      kind.startsWith("queue-floor:")
        ? `${url}/__bench/queue?as=${kind.slice("queue-floor:".length)}`
        : `${url}/api/v1/health`,
      kind === "floor" ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: sampleBody },
    );
    if (!response.ok) throw new Error(`${kind}: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
  };
  const window = async (kind: Kind, ms: number): Promise<WindowTotals> => {
    const started = performance.now();
    const end = started + ms;
    const freshBefore = tally.fresh;
    const sendsBefore = kind === "reports" && mode === "queue" ? await sendCounts() : null;
    let floorRequests = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < end) {
          if (kind === "reports") {
            const building = performance.now();
            const pending = nextReport();
            clientMs += performance.now() - building;
            if (pending) await sendReport(pending, true);
            continue;
          }
          const t = performance.now();
          await floorRequest(kind);
          if (kind === "floor-body") floorLatencies.push(performance.now() - t);
          floorRequests++;
        }
      }),
    );
    const elapsed = performance.now() - started;
    if (sendsBefore) {
      const after = await sendCounts();
      sends += after.sends - sendsBefore.sends;
      sentMessages += after.messages - sendsBefore.messages;
    }
    return { ms: elapsed, requests: kind === "reports" ? tally.fresh - freshBefore : floorRequests };
  };

  /** Every device sends what it has pending, as at the start of a working day, until none has any. */
  const deliverAll = async () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const left = fleet.devices.map((device) => fleet.pending(device)).filter((p): p is PendingReport => p !== null);
      if (left.length === 0) return;
      let i = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (i < left.length) {
            const pending = left[i++] as PendingReport;
            busy.add(pending.device);
            if ((await post(pending.device, pending.body)).status < 300) fleet.acknowledged(pending);
            busy.delete(pending.device);
          }
        }),
      );
    }
  };

  // Not counted: a first period in which every active device reports (the fleet at work, the
  // worker warm), then a short window of each kind.
  periods++;
  for (const device of fleet.devices) fleet.usePeriod(device, day);
  await deliverAll();
  const kinds: Kind[] =
    mode === "queue" ? ["floor-body", "reports", "floor", ...queueFloorKinds] : ["floor-body", "reports", "floor"];
  for (const kind of kinds) await window(kind, 1000);
  clientMs = 0;
  sends = 0;
  sentMessages = 0;
  const totals = new Map<Kind, WindowTotals>();
  /** With LOAD_PROFILE: the worker's own time per function in the windows of each kind. */
  const profiles = new Map<Kind, SelfTimes>(kinds.filter((kind) => kind !== "floor").map((kind) => [kind, new Map()]));
  const latencyStart = latencies.length;
  floorLatencies.length = 0;
  const counted = { ...tally };
  // Every kind comes first, second, ... in turn.
  const orders = kinds.map((_, shift) => [...kinds.slice(shift), ...kinds.slice(0, shift)]);
  /** Per round, reports per second over each floor's: adjacent windows share the machine's load. */
  const roundRatios: Array<{ floor: number; get: number; queue: number; queueFloors: Map<Kind, number> }> = [];
  for (let r = 0; r < ROUNDS; r++) {
    const rates = new Map<Kind, number>();
    for (const kind of orders[r % orders.length] as Kind[]) {
      const profile = profiles.get(kind);
      const measuredWindow =
        profiler && profile
          ? await profiler.record(profile, () => window(kind, WINDOW_MS))
          : await window(kind, WINDOW_MS);
      const sum = totals.get(kind) ?? { ms: 0, requests: 0 };
      sum.ms += measuredWindow.ms;
      sum.requests += measuredWindow.requests;
      totals.set(kind, sum);
      rates.set(kind, measuredWindow.requests / measuredWindow.ms);
    }
    const reports = rates.get("reports") ?? 0;
    const floorRate = rates.get("floor-body") ?? 1;
    roundRatios.push({
      floor: reports / floorRate,
      get: reports / (rates.get("floor") ?? 1),
      queue: routeFloor ? reports / (rates.get(routeFloor) ?? 1) : 0,
      queueFloors: new Map(queueFloorKinds.map((kind) => [kind, (rates.get(kind) ?? 0) / floorRate])),
    });
  }
  if (profiler) printProfiles(profiles, totals);
  const measured = {
    fresh: tally.fresh - counted.fresh,
    duplicates: tally.duplicates - counted.duplicates,
    replays: tally.replays - counted.replays,
    counters: tally.counters - counted.counters,
  };

  /**
   * Work per request, counted apart from the rounds: for each kind in turn, the CPU time of
   * the local worker's processes (wrangler, its two workerd processes, and in them the local
   * queue and D1) from the first of CPU_REQUESTS requests until the consumer has finished with
   * every message they queued, less what the same processes use idle over as long (measured
   * just before). CPU time, unlike requests per second, does not depend on what else the
   * machine runs.
   */
  const cpuPerRequest = async (): Promise<Record<string, number> | null> => {
    if (processGroupCpuMs(group) === null) return null;
    const cpuNow = () => processGroupCpuMs(group) ?? 0;
    const drained = async () => {
      const deadline = performance.now() + DRAIN_TIMEOUT_MS;
      for (;;) {
        const counts = await sendCounts();
        if (counts.consumed >= counts.messages) return;
        if (performance.now() > deadline) throw new Error("the queue consumer did not finish within the drain timeout");
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };
    const result: Record<string, number> = {};
    for (const kind of kinds) {
      if (kind === "floor") continue;
      if (mode === "queue") await drained();
      const idleFrom = cpuNow();
      const idleStarted = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const idlePerMs = (cpuNow() - idleFrom) / (performance.now() - idleStarted);
      const started = performance.now();
      const from = cpuNow();
      const freshBefore = tally.fresh;
      let sent = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (sent < CPU_REQUESTS) {
            sent++;
            if (kind !== "reports") await floorRequest(kind);
            else {
              const pending = nextReport();
              if (pending) await sendReport(pending, false);
            }
          }
        }),
      );
      if (mode === "queue") await drained();
      const used = cpuNow() - from - idlePerMs * (performance.now() - started);
      const requests = kind === "reports" ? tally.fresh - freshBefore : sent;
      result[kind] = round(used / Math.max(1, requests), 2);
    }
    return result;
  };
  const cpu = await cpuPerRequest();
  const loadEnded = performance.now();

  // Every device delivers what is still pending (lost responses are sent again).
  await deliverAll();

  // The worker's totals against the fleet's, until they agree or stop changing.
  const truth = fleet.truth();
  let mismatches: string[] = [];
  let lastSeen = "";
  let lastChange = performance.now();
  let drainSeconds = -1;
  while (performance.now() - lastChange < DRAIN_TIMEOUT_MS) {
    const inventory = (await (await adminFetch(url, "/inventory")).json()) as {
      tools: Array<{ id: string; events: Record<string, number>; devices30: number | null }>;
    };
    mismatches = [];
    for (const [key, expected] of truth.events) {
      const [tool, event] = key.split("\t") as [string, string];
      const stored = inventory.tools.find((t) => t.id === tool)?.events[event] ?? 0;
      if (stored !== expected) mismatches.push(`${tool} ${event}: worker ${stored}, devices ${expected}`);
    }
    for (const [tool, expected] of truth.devices) {
      if (expected < LIMITS.kAnonymity) continue;
      const stored = inventory.tools.find((t) => t.id === tool)?.devices30 ?? null;
      if (stored !== expected) mismatches.push(`${tool} devices: worker ${stored}, devices ${expected}`);
    }
    if (mismatches.length === 0) {
      drainSeconds = round((performance.now() - loadEnded) / 1000);
      break;
    }
    const seen = JSON.stringify(inventory);
    if (seen !== lastSeen) {
      lastSeen = seen;
      lastChange = performance.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }

  const perSecond = (kind: Kind) => {
    const sum = totals.get(kind) ?? { ms: 1, requests: 0 };
    return sum.requests / (sum.ms / 1000);
  };
  const floorCpu = cpu?.["floor-body"];
  const reportCpu = cpu?.reports;
  const cpuRatioToFloor = floorCpu && reportCpu ? round(floorCpu / reportCpu, 2) : null;
  const freshPerSecond = perSecond("reports");
  const sorted = sortedCopy(latencies.slice(latencyStart));
  const reportSeconds = (totals.get("reports")?.ms ?? 0) / 1000;
  return {
    mode,
    floorPerSecond: round(perSecond("floor-body")),
    getFloorPerSecond: round(perSecond("floor")),
    freshPerSecond: round(freshPerSecond),
    ratioToFloor: round(median(roundRatios.map((r) => r.floor)), 2),
    ratioToGetFloor: round(median(roundRatios.map((r) => r.get)), 2),
    queueFloorPerSecond: mode === "queue" && routeFloor ? round(perSecond(routeFloor)) : null,
    ratioToQueueFloor: mode === "queue" && routeFloor ? round(median(roundRatios.map((r) => r.queue)), 2) : null,
    queueFloors:
      mode === "queue"
        ? Object.fromEntries(
            queueFloorKinds.map((kind) => [
              kind.slice("queue-floor:".length),
              {
                perSecond: round(perSecond(kind)),
                ratioToFloor: round(median(roundRatios.map((r) => r.queueFloors.get(kind) ?? 0)), 2),
              },
            ]),
          )
        : {},
    reportsPerSend: mode === "queue" ? round(sentMessages / Math.max(1, sends), 2) : null,
    clientMsPerReport: round(clientMs / Math.max(1, measured.fresh), 3),
    cpu,
    cpuRatioToFloor,
    ratioSpread: [
      round(Math.min(...roundRatios.map((r) => r.floor)), 2),
      round(Math.max(...roundRatios.map((r) => r.floor)), 2),
    ],
    reportsPerDeviceMinute: round((measured.fresh / DEVICES / reportSeconds) * 60, 2),
    fresh: measured.fresh,
    duplicates: measured.duplicates,
    replays: measured.replays,
    lostResponses,
    periods,
    countersPerReport: round(measured.counters / Math.max(1, measured.fresh)),
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    floorP50Ms: round(percentile(sortedCopy(floorLatencies), 50)),
    statuses: Object.fromEntries(statuses),
    drainSeconds,
    totalsExact: mismatches.length === 0 && ok(),
    mismatches,
  };
}

async function main(): Promise<void> {
  const results: ModeResult[] = [];
  const persistTo = mkdtempSync(join(tmpdir(), "shadowlight-load-"));
  const port = await freePort();
  const config = loadWorkerConfig();
  const inspectorPort = PROFILE ? await freePort() : undefined;
  const start = (mode: string) =>
    startWorker({
      port,
      persistTo,
      config,
      vars: { ENROLLMENT_TOKEN, ADMIN_TOKEN, INGEST_MODE: mode },
      ...(inspectorPort ? { inspectorPort } : {}),
    });
  let worker: RunningWorker | null = null;
  try {
    await applyMigrations(persistTo);
    worker = await start(MODES[0] ?? "queue");
    const enrollStarted = performance.now();
    const tokens = await enrollFleet(worker.url, DEVICES, 2 * CONCURRENCY);
    console.log(
      `${DEVICES} devices enrolled through the API in ${round((performance.now() - enrollStarted) / 1000)} s`,
    );
    const policy = JSON.parse(readFileSync(join(ROOT, "policies/dist/default-policy.json"), "utf8")) as {
      reasons: Array<{ id: string }>;
    };
    const shared: Shared = {
      fleet: new Fleet(
        { seed: 16, activeShare: 0.35, reasons: policy.reasons.map((r) => r.id), policyVersion: 1 },
        tokens,
      ),
      day: dayOf(Date.now()),
    };
    for (const [i, mode] of MODES.entries()) {
      if (i > 0) {
        await worker.stop();
        worker = await start(mode);
      }
      const windows = mode === "queue" ? 3 + QUEUE_FLOORS.length : 3;
      console.log(
        `Mode ${mode}: concurrency ${CONCURRENCY}, ${ROUNDS} rounds of ${windows} windows of ${WINDOW_MS} ms`,
      );
      const profiler = inspectorPort ? new WorkerProfiler(inspectorPort) : null;
      const group = worker.process.pid ?? 0;
      const result = await measureMode(mode, worker.url, shared, profiler, group).finally(() => profiler?.close());
      results.push(result);
      for (const mismatch of result.mismatches.slice(0, 10)) console.log(`    ${mismatch}`);
    }
  } finally {
    await worker?.stop();
    rmSync(persistTo, { recursive: true, force: true });
    rmSync(config, { force: true });
  }
  if (!printResults(results, { cpuRequests: CPU_REQUESTS, devices: DEVICES, concurrency: CONCURRENCY }))
    process.exitCode = 1;
}

await main();
