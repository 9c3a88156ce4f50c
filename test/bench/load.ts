/**
 * `npm run bench:load`: many simulated devices reporting at once against the local worker on
 * 127.0.0.1 for a bounded time. Each device behaves like the extension: it keeps cumulative
 * daily counters and sends the ones that grew; some reports are duplicated and some old ones
 * are replayed late, as a flaky network would. Prints reports/s, latency p50/p99, the check
 * that the server's totals equal the devices' ground truth, and the comparison with the peak
 * rate of a 10,000-device fleet. Ends with one JSON line.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dayOf } from "../../shared/day";
import { applyMigrations, startWorker } from "../../worker/dev/local";
import { freePort } from "../support/net";

const DEVICES = Number(process.env.LOAD_DEVICES ?? 400);
const CONCURRENCY = Number(process.env.LOAD_CONCURRENCY ?? 16);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 20);
/** A 10,000-device fleet at its morning peak (DESIGN.md "Scale"): about 33 reports/s. */
const FLEET_PEAK_REPORTS_PER_S = 33;
const TOOLS = ["chatgpt", "claude", "perplexity", "google-gemini", "github-copilot", "deepl", "midjourney", "otter"];
const EVENTS = ["visit", "nudge_shown", "acknowledged"] as const;

interface Device {
  token: string;
  counts: Map<string, number>;
  sent: Map<string, number>;
  history: string[];
  busy: boolean;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] as number) : 0;
}

async function main(): Promise<void> {
  const persistTo = mkdtempSync(join(tmpdir(), "shadowlight-load-"));
  const port = await freePort();
  const tokens = { ENROLLMENT_TOKEN: "load-enrollment-token", ADMIN_TOKEN: "load-admin-token" };
  await applyMigrations(persistTo);
  const worker = await startWorker({ port, persistTo, vars: tokens });
  const url = worker.url;
  const day = dayOf(Date.now());

  try {
    const devices: Device[] = [];
    for (let i = 0; i < DEVICES; i += CONCURRENCY) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(CONCURRENCY, DEVICES - i) }, async () => {
          const response = await fetch(`${url}/api/v1/enroll`, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ token: tokens.ENROLLMENT_TOKEN, group: `Group ${i % 7}` }),
          });
          const { deviceToken } = (await response.json()) as { deviceToken: string };
          return { token: deviceToken, counts: new Map(), sent: new Map(), history: [], busy: false } as Device;
        }),
      );
      devices.push(...batch);
    }

    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    let reports = 0;

    async function send(device: Device, body: string): Promise<number> {
      const started = performance.now();
      const response = await fetch(`${url}/api/v1/reports`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${device.token}` },
        body,
      });
      await response.arrayBuffer();
      latencies.push(performance.now() - started);
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      reports++;
      return response.status;
    }

    function grow(device: Device): void {
      for (let k = 0; k < 1 + Math.floor(Math.random() * 3); k++) {
        const key = `${TOOLS[Math.floor(Math.random() * TOOLS.length)]}|${EVENTS[Math.floor(Math.random() * EVENTS.length)]}`;
        device.counts.set(key, (device.counts.get(key) ?? 0) + 1);
      }
    }

    function pendingBody(device: Device): { body: string; pending: Array<[string, number]> } | null {
      const pending = [...device.counts].filter(([key, n]) => n > (device.sent.get(key) ?? 0));
      if (pending.length === 0) return null;
      const counters = pending.map(([key, n]) => {
        const [tool, event] = key.split("|");
        return { tool, event, policyVersion: 1, n };
      });
      return { body: JSON.stringify({ days: [{ day, counters }] }), pending };
    }

    async function flushDevice(device: Device): Promise<void> {
      const next = pendingBody(device);
      if (!next) return;
      const status = await send(device, next.body);
      if (status === 200) for (const [key, n] of next.pending) device.sent.set(key, n);
      device.history.push(next.body);
      // A flaky network: a duplicate now and then, and an old report replayed late.
      if (Math.random() < 0.1) await send(device, next.body);
      if (Math.random() < 0.05 && device.history.length > 2) await send(device, device.history[0] as string);
    }

    const deadline = Date.now() + SECONDS * 1000;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (Date.now() < deadline) {
          const device = devices[Math.floor(Math.random() * devices.length)] as Device;
          if (device.busy) continue;
          device.busy = true;
          grow(device);
          await flushDevice(device);
          device.busy = false;
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    const loadReports = reports;
    const loadLatencies = [...latencies].sort((a, b) => a - b);

    // Drain: every device delivers what is still pending (retrying refusals such as 429).
    for (let round = 0; round < 20; round++) {
      const waiting = devices.filter((d) => pendingBody(d) !== null);
      if (waiting.length === 0) break;
      for (let i = 0; i < waiting.length; i += CONCURRENCY) {
        await Promise.all(waiting.slice(i, i + CONCURRENCY).map((d) => flushDevice(d)));
      }
      if (round > 0) await new Promise((resolve) => setTimeout(resolve, 1000));
    }

    const truth = new Map<string, number>();
    for (const device of devices) {
      for (const [key, n] of device.counts) truth.set(key, (truth.get(key) ?? 0) + n);
    }
    const inventory = (await (
      await fetch(`${url}/api/admin/inventory`, { headers: { Authorization: `Bearer ${tokens.ADMIN_TOKEN}` } })
    ).json()) as { tools: Array<{ id: string; events: Record<string, number> }> };
    const mismatches: string[] = [];
    for (const [key, expected] of truth) {
      const [tool, event] = key.split("|") as [string, string];
      const stored = inventory.tools.find((t) => t.id === tool)?.events[event] ?? 0;
      if (stored !== expected) mismatches.push(`${key}: server ${stored}, devices ${expected}`);
    }

    const rate = loadReports / elapsed;
    const figures = {
      bench: "load",
      devices: DEVICES,
      concurrency: CONCURRENCY,
      seconds: Number(elapsed.toFixed(1)),
      reports: loadReports,
      reportsPerSecond: Number(rate.toFixed(1)),
      p50Ms: Number(percentile(loadLatencies, 50).toFixed(1)),
      p99Ms: Number(percentile(loadLatencies, 99).toFixed(1)),
      statuses: Object.fromEntries(statuses),
      totalsExact: mismatches.length === 0,
      fleetPeakReportsPerSecond: FLEET_PEAK_REPORTS_PER_S,
      headroomVsFleetPeak: Number((rate / FLEET_PEAK_REPORTS_PER_S).toFixed(1)),
    };
    console.log("Load on the local worker (127.0.0.1, wrangler dev, local D1)");
    console.log(`  devices ${DEVICES}, concurrency ${CONCURRENCY}, ${figures.seconds} s`);
    console.log(`  reports ${loadReports}  -> ${figures.reportsPerSecond} reports/s`);
    console.log(`  latency p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms`);
    console.log(`  statuses ${JSON.stringify(figures.statuses)}`);
    console.log(`  totals exact: ${figures.totalsExact ? "yes" : `NO (${mismatches.length} differ)`}`);
    console.log(
      `  a 10,000-device fleet peaks near ${FLEET_PEAK_REPORTS_PER_S} reports/s: ${figures.headroomVsFleetPeak}x headroom`,
    );
    for (const mismatch of mismatches.slice(0, 10)) console.log(`    ${mismatch}`);
    console.log(JSON.stringify(figures));
    if (mismatches.length) process.exitCode = 1;
  } finally {
    await worker.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}

await main();
