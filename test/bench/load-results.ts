/** The load benchmark's results: what each mode measured, printed as tables and one JSON line. */
import { BUDGETS } from "../../shared/limits";
import { printTable } from "../support/table";
import { describeTarget, met, round, type Target } from "./support";
import type { SelfTimes } from "./worker-profile";
import { busyMs, topSelfTimes } from "./worker-profile";

export interface WindowTotals {
  ms: number;
  requests: number;
}

export interface ModeResult {
  mode: string;
  floorPerSecond: number;
  getFloorPerSecond: number;
  freshPerSecond: number;
  ratioToFloor: number;
  ratioToGetFloor: number;
  /** Queue mode only (null in direct mode): the floor plus one queue message, the route's way. */
  queueFloorPerSecond: number | null;
  ratioToQueueFloor: number | null;
  /** Queue mode only: each way's queue floor per second, and its median ratio to the floor. */
  queueFloors: Record<string, { perSecond: number; ratioToFloor: number }>;
  /** Queue mode only: reports per queue send in the report windows. */
  reportsPerSend: number | null;
  /** Milliseconds the load generator spent building each report (on the same cores). */
  clientMsPerReport: number;
  /**
   * CPU ms of the local worker's processes per request of each kind, counted apart from the
   * rounds (see cpuPerRequest below); null without /proc.
   */
  cpu: Record<string, number> | null;
  /**
   * The floor's CPU per request over a fresh report's (its duplicates and replays and the
   * consumer's work included): the ratio to the floor where the worker's processes are what
   * limits both, whatever else the machine runs.
   */
  cpuRatioToFloor: number | null;
  /** Lowest and highest per-round ratio. */
  ratioSpread: [number, number];
  reportsPerDeviceMinute: number;
  fresh: number;
  duplicates: number;
  replays: number;
  lostResponses: number;
  periods: number;
  countersPerReport: number;
  p50Ms: number;
  p99Ms: number;
  floorP50Ms: number;
  statuses: Record<string, number>;
  drainSeconds: number;
  totalsExact: boolean;
  mismatches: string[];
}

export function printProfiles(profiles: Map<string, SelfTimes>, totals: Map<string, WindowTotals>): void {
  console.log("  The worker's JavaScript (DevTools profile), busy ms per request by kind of window:");
  printTable([
    ["window", "requests", "busy ms", "busy ms/request"],
    ...[...profiles].map(([kind, times]) => {
      const requests = totals.get(kind)?.requests ?? 0;
      return [kind, String(requests), String(busyMs(times)), String(round(busyMs(times) / Math.max(1, requests), 3))];
    }),
  ]);
  for (const [kind, times] of profiles) {
    if (kind !== "reports" && kind !== "floor-body") continue;
    console.log(`  Most of the worker's time in the ${kind} windows (own time, share of busy time):`);
    for (const entry of topSelfTimes(times, 14)) console.log(`    ${entry.share}%  ${entry.ms} ms  ${entry.name}`);
  }
}

/** Prints every mode's figures and the JSON line; false when the target is missed or a total differs. */
export function printResults(
  results: ModeResult[],
  options: { cpuRequests: number; devices: number; concurrency: number },
): boolean {
  console.log("\nIngest against the floor (local wrangler dev and D1 on 127.0.0.1; compare ratios, not absolutes):");
  printTable([
    [
      "mode",
      "floor/s",
      "GET/s",
      "queue floor/s",
      "reports/s",
      "ratio",
      "per round",
      "vs GET",
      "vs queue floor",
      "p50 ms",
      "p99 ms",
      "floor p50",
    ],
    ...results.map((r) => [
      r.mode,
      String(r.floorPerSecond),
      String(r.getFloorPerSecond),
      r.queueFloorPerSecond === null ? "-" : String(r.queueFloorPerSecond),
      String(r.freshPerSecond),
      String(r.ratioToFloor),
      `${r.ratioSpread[0]}-${r.ratioSpread[1]}`,
      String(r.ratioToGetFloor),
      r.ratioToQueueFloor === null ? "-" : String(r.ratioToQueueFloor),
      String(r.p50Ms),
      String(r.p99Ms),
      String(r.floorP50Ms),
    ]),
  ]);
  printTable([
    ["mode", "per device/min", "counts/report", "duplicates", "late replays", "lost answers", "drain s", "exact"],
    ...results.map((r) => [
      r.mode,
      String(r.reportsPerDeviceMinute),
      String(r.countersPerReport),
      String(r.duplicates),
      String(r.replays),
      String(r.lostResponses),
      String(r.drainSeconds),
      r.totalsExact ? "yes" : "NO",
    ]),
  ]);
  console.log(
    `\nCPU time of the local worker's processes per request (${options.cpuRequests} requests of each kind after the rounds,` +
      " until the queue consumer finished with them, less idle use; reports: per fresh report):",
  );
  printTable([
    ["mode", "kind", "CPU ms/request", "floor CPU over this"],
    ...results.flatMap((r) =>
      Object.entries(r.cpu ?? {}).map(([kind, ms]) => [
        r.mode,
        kind,
        String(ms),
        String(round((r.cpu?.["floor-body"] ?? 0) / Math.max(0.01, ms), 2)),
      ]),
    ),
  ]);
  for (const r of results) {
    console.log(
      `  ${r.mode}: cpuRatioToFloor ${r.cpuRatioToFloor ?? "- (no /proc)"}: the ratio to the floor where the worker's processes are what limits both`,
    );
  }
  const queued = results.find((r) => r.mode === "queue");
  if (queued && Object.keys(queued.queueFloors).length > 0) {
    console.log("\nQueue floors (queue mode): the floor plus one queue message, sent each way");
    printTable([
      ["way", "requests/s", "ratio to floor"],
      ...Object.entries(queued.queueFloors).map(([way, floor]) => [
        way,
        String(floor.perSecond),
        String(floor.ratioToFloor),
      ]),
    ]);
    console.log(
      `  reports per queue send in the report windows: ${queued.reportsPerSend} (duplicates and replays included);` +
        ` the load generator spent ${queued.clientMsPerReport} ms building each report on the same cores`,
    );
  }
  console.log(
    "  floor: POST /api/v1/health with a report of the same size, read and ignored (no database); GET: the same\n" +
      "  without a body; queue floor: the floor plus one send of its body to the report queue (Miniflare's, in the\n" +
      "  worker's process). ratio: median over rounds of reports/s over floor/s in adjacent windows (vs queue floor:\n" +
      "  the same over the queue floor, what the local queue leaves reachable; the target is on the floor). reports/s: fresh\n" +
      "  reports only; duplicates and late replays are counted apart (their time is included). drain: seconds from\n" +
      "  the last report until every total was exact.",
  );
  const primary = results[0] as ModeResult;
  const target: Target = {
    name: `ratioToFloor (${primary.mode})`,
    value: primary.ratioToFloor,
    kind: "min",
    limit: BUDGETS.ingestMinRatioToFloor,
  };
  console.log(`  ${describeTarget(target)}`);
  const exact = results.every((r) => r.totalsExact);
  console.log(`  totals exact in every mode: ${exact ? "yes" : "NO"}`);
  console.log(
    JSON.stringify({
      bench: "load",
      ratioToFloor: primary.ratioToFloor,
      ratioToQueueFloor: primary.ratioToQueueFloor,
      cpuRatioToFloor: primary.cpuRatioToFloor,
      target: BUDGETS.ingestMinRatioToFloor,
      mode: primary.mode,
      totalsExact: exact,
      devices: options.devices,
      concurrency: options.concurrency,
      modes: Object.fromEntries(results.map(({ mismatches, ...rest }) => [rest.mode, rest])),
    }),
  );
  return met(target) && exact;
}
