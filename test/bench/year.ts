/**
 * A simulated year of an organization, written through the worker's own code: groups get
 * enrollment tokens from the admin API, devices enroll with those tokens' grants, two policy
 * versions are published, and on every working day each device that uses AI sends the
 * day's counts as the extension builds them (test/bench/fleet.ts), applied by the code the
 * queue consumer runs (test/bench/year-worker); after every day the cron runs as of the next
 * morning (outlier flags, storage, retention rolling raw days past 90 into the daily rollups).
 * Time is compressed: each day's reports arrive at once, dated that day.
 *
 * A device's reports of one day merge into its last one (counts are cumulative and
 * max-merged), so one report per device and day writes the same rows as the day's many.
 * The ground truth (every count, every tool's last day per device) is kept here, so the
 * inventory can be checked for exact totals at the end.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { countCodec, eventCount } from "../../extension/lib/counters";
import type { CompiledIndex } from "../../shared/catalog/compile";
import { addDays } from "../../shared/day";
import type { ReportRequest } from "../../shared/protocol";
import { ROOT } from "../../worker/dev/local";
import { Fleet, type PendingReport } from "./fleet";

export interface YearOptions {
  devices: number;
  /** Days simulated, ending today. */
  days: number;
  /** Days before today when policy v2 replaced v1. */
  policyChangeDaysAgo: number;
  adminToken: string;
  /** Reports per ingest batch (the queue consumer takes up to 100). */
  batch: number;
  log: (line: string) => void;
}

export interface YearResult {
  /** `tool\tevent` -> every count the devices made */
  events: Map<string, number>;
  /** tool -> device -> the last day it used the tool */
  lastUse: Map<string, Map<number, string>>;
  reports: number;
  workingDays: number;
  ingestSeconds: number;
  cronSeconds: number;
  /** Devices and their tokens, for later requests. */
  tokens: string[];
  deviceIds: string[];
  fleet: Fleet;
}

const POPULAR = ["chatgpt", "microsoft-copilot", "google-gemini", "claude", "github-copilot", "deepl", "perplexity"];

const catalogIndex = (): CompiledIndex =>
  JSON.parse(readFileSync(join(ROOT, "policies/dist/index.json"), "utf8")) as CompiledIndex;

/** 60 catalog tools met in pages, the popular ones first (the fleet's skew makes low positions the most used). */
function yearTools(): string[] {
  const web = catalogIndex()
    .tools.filter((tool) => tool.kind === undefined)
    .map((tool) => tool.id);
  return [...POPULAR, ...web.filter((id) => !POPULAR.includes(id))].slice(0, 60);
}

/**
 * What a device reports besides its counters, as the extension does: its lessons (opened and
 * completed on its first day of AI use, passed at the first try by most), the catalogued AI
 * extension one device in six has installed, the AI browser one in thirty runs in, and now
 * and then a site embedding an AI tool.
 */
function addSections(
  report: ReportRequest,
  entries: { extensions: string[]; browsers: string[] },
  device: number,
  day: string,
  firstDay: boolean,
  seed: number,
): void {
  const { extensions, browsers } = entries;
  if (firstDay) {
    report.lessons = [
      { day, lesson: "chat-assistants", version: 1, outcome: "opened", n: 1 },
      { day, lesson: "chat-assistants", version: 1, outcome: "completed", n: 1 },
      ...(device % 4 !== 0
        ? [{ day, lesson: "chat-assistants", version: 1, outcome: "passed_first_try" as const, n: 1 }]
        : []),
    ];
  }
  if (device % 6 === 0) {
    report.extensions = [
      { day, extension: extensions[device % extensions.length] as string, enabled: device % 12 === 0 },
    ];
  }
  if (device % 30 === 1) report.browsers = [{ day, browser: browsers[device % browsers.length] as string }];
  if ((device + seed) % 10 === 0) {
    report.embeds = [
      {
        day,
        site: ["example.com", "example.org", "example.net"][device % 3] as string,
        tool: "openai-platform",
        n: 1 + (seed % 5),
      },
    ];
  }
}

async function post<T>(url: string, path: string, body: unknown, admin?: string): Promise<T> {
  const response = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(admin ? { Authorization: `Bearer ${admin}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/**
 * Adds what a report carries to the ground truth (the growth of each count over what the
 * device sent before), then records it as acknowledged, as the extension does after a 2xx.
 */
export function record(year: Pick<YearResult, "events" | "lastUse" | "fleet">, pending: PendingReport): void {
  const { device } = pending;
  for (const entry of pending.report.days) {
    for (const counter of entry.counters) {
      const before =
        device.sent[entry.day]?.[countCodec.encode(eventCount(counter.tool, counter.event, counter.policyVersion))] ??
        0;
      const key = `${counter.tool}\t${counter.event}`;
      year.events.set(key, (year.events.get(key) ?? 0) + counter.n - before);
      const users = year.lastUse.get(counter.tool) ?? new Map<number, string>();
      users.set(device.index, entry.day);
      year.lastUse.set(counter.tool, users);
    }
  }
  year.fleet.acknowledged(pending);
}

const isWorkingDay = (day: string) => {
  const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
};

export async function simulateYear(url: string, today: string, options: YearOptions): Promise<YearResult> {
  const first = addDays(today, -(options.days - 1));
  const policyChange = addDays(today, -options.policyChangeDaysAgo);
  const policy = JSON.parse(readFileSync(join(ROOT, "policies/dist/default-policy.json"), "utf8")) as {
    reasons: Array<{ id: string }>;
  };
  for (const [version, day] of [
    [1, addDays(first, -10)],
    [2, policyChange],
  ] as const) {
    await post(url, "/__bench/policy", {
      version,
      publishedAt: Date.parse(`${day}T00:00:00Z`),
      policy: { ...policy, version },
    });
  }

  // Groups of 250 devices each with its own enrollment token, and three devices in a group
  // below k (every view must withhold it).
  const tokens: string[] = [];
  const deviceIds: string[] = [];
  const enrolledAt = Date.parse(`${addDays(first, -1)}T09:00:00Z`);
  let next = 0;
  for (let g = 0; next < options.devices; g++) {
    const size = g === 0 ? 3 : 250;
    const group = g === 0 ? "Board" : `Team ${String(g).padStart(2, "0")}`;
    const { token } = await post<{ token: string }>(
      url,
      "/api/admin/enrollment-tokens",
      { label: `${group} laptops`, group, maxDevices: size + 10 },
      options.adminToken,
    );
    const devices = [];
    for (let i = 0; i < size && next < options.devices; i++, next++) {
      const deviceToken = randomBytes(24).toString("base64url");
      const id = `year-${String(next).padStart(5, "0")}`;
      tokens.push(deviceToken);
      deviceIds.push(id);
      devices.push({
        id,
        tokenHash: createHash("sha256").update(deviceToken).digest("hex"),
        browser: ["chrome", "edge", "firefox"][next % 3],
      });
    }
    const { enrolled } = await post<{ enrolled: number }>(url, "/__bench/enroll", { token, enrolledAt, devices });
    if (enrolled !== devices.length) throw new Error(`${group}: ${enrolled} of ${devices.length} enrolled`);
  }

  const fleet = new Fleet(
    { seed: 2026, activeShare: 0.6, reasons: policy.reasons.map((r) => r.id), policyVersion: 1, tools: yearTools() },
    tokens,
  );
  const events = new Map<string, number>();
  const lastUse = new Map<string, Map<number, string>>();
  let reports = 0;
  let workingDays = 0;
  const reported = new Set<number>();
  const index = catalogIndex();
  const of = (kind: "extension" | "browser") => index.tools.filter((tool) => tool.kind === kind).map((t) => t.id);
  const entries = { extensions: of("extension"), browsers: of("browser") };
  let ingestMs = 0;
  let cronMs = 0;
  for (let day = first; day <= today; day = addDays(day, 1)) {
    if (isWorkingDay(day)) {
      workingDays++;
      fleet.policyVersion = day >= policyChange ? 2 : 1;
      const sent: Array<{ deviceId: string; report: ReportRequest }> = [];
      for (const device of fleet.devices) {
        fleet.forgetBefore(device, day);
        if (!fleet.chance(device.propensity)) continue;
        const periods = 1 + Math.round(device.propensity * 6);
        for (let p = 0; p < periods; p++) fleet.usePeriod(device, day, 0.7);
        const pending = fleet.pending(device);
        if (!pending) continue;
        record({ events, lastUse, fleet }, pending);
        const report = { ...pending.report };
        addSections(report, entries, device.index, day, !reported.has(device.index), workingDays);
        reported.add(device.index);
        sent.push({ deviceId: deviceIds[device.index] as string, report });
      }
      const started = performance.now();
      const receivedAt = Date.parse(`${day}T17:00:00Z`);
      for (let i = 0; i < sent.length; i += 2_000) {
        const result = await post<{ applied: number; refused: unknown[] }>(url, "/__bench/ingest", {
          receivedAt,
          batch: options.batch,
          reports: sent.slice(i, i + 2_000),
        });
        if (result.refused.length > 0) throw new Error(`${day}: refused ${JSON.stringify(result.refused)}`);
      }
      ingestMs += performance.now() - started;
      reports += sent.length;
    }
    const cronStarted = performance.now();
    await post(url, "/__bench/cron", { now: Date.parse(`${addDays(day, 1)}T00:05:00Z`) });
    cronMs += performance.now() - cronStarted;
    if (day.endsWith("-01") || day === today) {
      options.log(`  ${day}: ${reports.toLocaleString("en-US")} reports over ${workingDays} working days`);
    }
  }
  return {
    events,
    lastUse,
    reports,
    workingDays,
    ingestSeconds: ingestMs / 1000,
    cronSeconds: cronMs / 1000,
    tokens,
    deviceIds,
    fleet,
  };
}
