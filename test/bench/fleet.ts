/**
 * A simulated fleet of devices that count and report like the extension does: each device
 * keeps a counter book, grows it as its person uses AI tools, and builds its reports with the
 * extension's own code (extension/lib/counters.ts), so what reaches the worker has the shape,
 * the size and the partial "only what grew" content of real reports. A ground truth of every
 * count each device made lets a benchmark check that the server's totals are exact.
 *
 * The model, per 15-minute period (the extension's flush period) of a working day: a person
 * uses AI in some periods; a period of use visits one to three of their tools (a few favorite
 * tools each, skewed to the popular ones); the first visit of a day to a tool shows a nudge,
 * which is answered most of the time (acknowledged, dismissed, left, or justified with a
 * reason); now and then an unknown AI-looking domain is visited. Answers never outnumber the
 * nudges shown, so an honest fleet never meets the worker's plausibility checks.
 */
import {
  addCount,
  type Count,
  type CounterBook,
  candidateFits,
  countCodec,
  type Entry,
  eventCount,
  markSent,
  nextBatch,
  pendingEntries,
  toReport,
} from "../../extension/lib/counters";
import type { EventKind } from "../../shared/events";
import type { ReportRequest } from "../../shared/protocol";
import { seededRandom } from "../support/random";

/** Catalog tools the fleet uses, most used first. */
const FLEET_TOOLS = [
  "chatgpt",
  "microsoft-copilot",
  "google-gemini",
  "claude",
  "github-copilot",
  "deepl",
  "perplexity",
  "grammarly",
  "midjourney",
  "otter",
  "cursor",
  "elevenlabs",
] as const;

export interface FleetOptions {
  seed: number;
  /** Share of 15-minute periods in which a person uses AI tools. */
  activeShare: number;
  /** Justification reasons of the policy version in force. */
  reasons: readonly string[];
  policyVersion: number;
  /** Catalog tools people use, most used first (default FLEET_TOOLS). */
  tools?: readonly string[];
}

export interface Device {
  index: number;
  token: string;
  tools: string[];
  /** How likely this person is to use AI on a given working day (0.3 to 0.9). */
  propensity: number;
  counters: CounterBook;
  sent: CounterBook;
  /** Report bodies sent before, for late replays. */
  history: string[];
}

export interface PendingReport {
  device: Device;
  entries: Entry[];
  report: ReportRequest;
  body: string;
}

export class Fleet {
  readonly devices: Device[] = [];
  /** The policy version nudges are counted under (a new version is published now and then). */
  policyVersion: number;
  private readonly random: () => number;

  constructor(
    private readonly options: FleetOptions,
    tokens: string[],
  ) {
    this.random = seededRandom(options.seed);
    this.policyVersion = options.policyVersion;
    const catalog = options.tools ?? FLEET_TOOLS;
    tokens.forEach((token, index) => {
      const count = 1 + Math.floor(this.random() * 4);
      const tools = new Set<string>();
      while (tools.size < count) tools.add(catalog[this.skewed(catalog.length)] as string);
      const propensity = 0.3 + 0.6 * this.random();
      this.devices.push({ index, token, tools: [...tools], propensity, counters: {}, sent: {}, history: [] });
    });
  }

  /** A skewed pick in [0, n): low numbers (the popular tools) far more often. */
  private skewed(n: number): number {
    const x = this.random();
    return Math.min(n - 1, Math.floor(x * x * n));
  }

  private count(device: Device, day: string, count: Count, by = 1): void {
    device.counters = addCount(device.counters, day, count, by);
  }

  /** One 15-minute period of `device` on `day`: what its person did, counted as the extension counts. */
  usePeriod(device: Device, day: string, activeShare = this.options.activeShare): void {
    if (this.random() >= activeShare) return;
    const version = this.policyVersion;
    const visits = 1 + Math.floor(this.random() * 3);
    for (let v = 0; v < visits; v++) {
      const tool = device.tools[Math.floor(this.random() * device.tools.length)] as string;
      const seenToday = (device.counters[day]?.[countCodec.encode(eventCount(tool, "visit", version))] ?? 0) > 0;
      this.count(device, day, eventCount(tool, "visit", version));
      if (seenToday && this.random() < 0.8) continue;
      this.count(device, day, eventCount(tool, "nudge_shown", version));
      const answer = this.random();
      const event: EventKind | null =
        answer < 0.5
          ? "acknowledged"
          : answer < 0.75
            ? "dismissed"
            : answer < 0.85
              ? "left"
              : answer < 0.9
                ? "justified"
                : null;
      if (!event) continue;
      this.count(device, day, eventCount(tool, event, version));
      if (event === "justified") {
        const reason = this.options.reasons[Math.floor(this.random() * this.options.reasons.length)] as string;
        this.count(device, day, { kind: "justification", tool, reason, policyVersion: version });
      }
    }
    if (this.random() < 0.05) {
      const candidate: Count = { kind: "candidate", domain: `assistant-${1 + this.skewed(40)}.ai` };
      if (candidateFits(device.counters, day, candidate)) this.count(device, day, candidate);
    }
  }

  /** The report the extension would send now, or null when nothing grew since the last one. */
  pending(device: Device): PendingReport | null {
    const entries = nextBatch(pendingEntries(device.counters, device.sent));
    if (entries.length === 0) return null;
    const report = toReport(entries);
    return { device, entries, report, body: JSON.stringify(report) };
  }

  /** The server acknowledged `pending`: what the extension records after a 2xx. */
  acknowledged(pending: PendingReport): void {
    pending.device.sent = markSent(pending.device.sent, pending.entries);
    pending.device.history.push(pending.body);
    if (pending.device.history.length > 8) pending.device.history.shift();
  }

  /** An old report of `device` delivered late (a retry that outlived a newer report), or null. */
  replay(device: Device): string | null {
    if (device.history.length < 2) return null;
    return device.history[Math.floor(this.random() * (device.history.length - 1))] as string;
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  /** Drops a device's days before `day` once they are delivered, as the extension's book does. */
  forgetBefore(device: Device, day: string): void {
    const kept = (book: CounterBook) =>
      Object.fromEntries(
        Object.entries(book).filter(
          ([old, values]) => old >= day || pendingEntries({ [old]: values }, device.sent).length > 0,
        ),
      );
    device.counters = kept(device.counters);
    device.sent = Object.fromEntries(Object.entries(device.sent).filter(([old]) => old in device.counters));
    device.history.length = 0;
  }

  /** What every device counted: per tool and event, the sum; per tool, the devices that used it. */
  truth(): { events: Map<string, number>; devices: Map<string, number> } {
    const events = new Map<string, number>();
    const users = new Map<string, Set<number>>();
    for (const device of this.devices) {
      for (const values of Object.values(device.counters)) {
        for (const [key, n] of Object.entries(values)) {
          const [kind, tool = "", event = ""] = key.split("\t");
          if (kind !== "c") continue;
          events.set(`${tool}\t${event}`, (events.get(`${tool}\t${event}`) ?? 0) + n);
          const set = users.get(tool) ?? new Set<number>();
          set.add(device.index);
          users.set(tool, set);
        }
      }
    }
    return { events, devices: new Map([...users].map(([tool, set]) => [tool, set.size])) };
  }
}
