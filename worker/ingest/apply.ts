import { signalMask } from "../../shared/catalog/candidates";
import { dayOf } from "../../shared/day";
import { LIMITS } from "../../shared/limits";
import type { RefusedCount, ReportRequest } from "../../shared/protocol";
import { database } from "../db/client";
import { type DeviceCounts, planIngest } from "../db/ingest";
import { addToDay, type DeviceReport, readIngestState, type StoredCounts } from "../db/ingest-state";
import { loadEffectiveCatalog } from "../db/organization";
import { implausibleCounts } from "../plausibility";

/*
 * Applying reports, for both ingest paths: one report at a time (direct) or a queue's batch
 * of many devices' reports at once. Reports are checked in order, each against what its
 * device has stored plus the reports of the same device accepted before it in this call, so
 * the result is the one a sequence of single reports would give. The accepted reports are
 * merged per device (the largest value per key) and written in one batch. The batch's guard
 * (db/ingest.ts) rolls it back when a device's counts changed after they were read; then
 * everything is read and checked again, so two reports of one device can never pass together
 * what one of them would be refused for.
 */

export interface IngestItem extends DeviceReport {
  /** When the report was received: its checks use that day as "today". */
  receivedAt: number;
}

export type IngestOutcome =
  | { kind: "applied"; counts: number }
  | { kind: "refused"; refused: RefusedCount[] }
  | { kind: "device_unknown" }
  | { kind: "device_revoked" };

export interface IngestResult {
  outcomes: IngestOutcome[];
  /** Counts that grew (rows changed by the counted statements). */
  changed: number;
  /** Write attempts the guard made necessary (1 when nothing raced). */
  attempts: number;
}

/** Counts in a report: every section is a list of counts, `days` a list of counters per day. */
export function countsIn(report: ReportRequest): number {
  let counts = report.days.reduce((sum, entry) => sum + entry.counters.length, 0);
  for (const [name, section] of Object.entries(report)) {
    if (name !== "days" && Array.isArray(section)) counts += section.length;
  }
  return counts;
}

const cloneDays = (map: Map<string, Set<string>>) => new Map([...map].map(([day, keys]) => [day, new Set(keys)]));

function cloneStored(stored: StoredCounts): StoredCounts {
  return {
    counters: new Map(stored.counters),
    justifications: new Map(stored.justifications),
    candidates: cloneDays(stored.candidates),
    lessons: new Map(stored.lessons),
    guard: new Map(stored.guard),
    embeds: cloneDays(stored.embeds),
    browsers: new Map(stored.browsers),
    extensionTokens: cloneDays(stored.extensionTokens),
    revealedExtensions: cloneDays(stored.revealedExtensions),
  };
}

/** Merged counts of one device: key (its fields joined by "|") -> largest value. */
const SECTIONS = [
  "counters",
  "justifications",
  "candidates",
  "candidateSignals",
  "lessons",
  "guard",
  "extensions",
  "browsers",
  "unknownExtensions",
  "embeds",
  "extensionTokens",
  "revealedExtensions",
] as const;
type Merged = Record<(typeof SECTIONS)[number], Map<string, number>>;

const emptyMerged = (): Merged =>
  Object.fromEntries(SECTIONS.map((section) => [section, new Map<string, number>()])) as Merged;

const keepMax = (map: Map<string, number>, key: string, n: number) => {
  if (n > (map.get(key) ?? -1)) map.set(key, n);
};

/** Adds an accepted report to its device's working state and merged counts. */
function merge(report: ReportRequest, stored: StoredCounts, merged: Merged): void {
  for (const entry of report.days) {
    for (const c of entry.counters) {
      const key = `${entry.day}|${c.tool}|${c.event}|${c.policyVersion}`;
      keepMax(stored.counters, key, c.n);
      keepMax(merged.counters, key, c.n);
    }
  }
  for (const j of report.justifications ?? []) {
    const key = `${j.day}|${j.tool}|${j.reason}|${j.policyVersion}`;
    keepMax(stored.justifications, key, j.n);
    keepMax(merged.justifications, key, j.n);
  }
  for (const c of report.candidates ?? []) {
    addToDay(stored.candidates, c.day, c.domain);
    keepMax(merged.candidates, `${c.day}|${c.domain}`, c.n);
    // Signals only add up: the day's bit set is the union of every report's.
    const key = `${c.day}|${c.domain}`;
    merged.candidateSignals.set(key, (merged.candidateSignals.get(key) ?? 0) | signalMask(c.signals ?? []));
  }
  for (const l of report.lessons ?? []) {
    const key = `${l.day}|${l.lesson}|${l.version}|${l.outcome}`;
    keepMax(stored.lessons, key, l.n);
    keepMax(merged.lessons, key, l.n);
  }
  for (const g of report.guard ?? []) {
    const key = `${g.day}|${g.tool}|${g.detector}|${g.outcome}|${g.policyVersion}`;
    keepMax(stored.guard, key, g.n);
    keepMax(merged.guard, key, g.n);
  }
  for (const e of report.extensions ?? []) keepMax(merged.extensions, `${e.day}|${e.extension}`, e.enabled ? 1 : 0);
  for (const b of report.browsers ?? []) {
    // The checks refused a second browser for a day: the first one stays.
    if (!stored.browsers.has(b.day)) stored.browsers.set(b.day, b.browser);
    merged.browsers.set(`${b.day}|${stored.browsers.get(b.day)}`, 1);
  }
  for (const u of report.unknownExtensions ?? []) keepMax(merged.unknownExtensions, u.day, u.n);
  for (const e of report.embeds ?? []) {
    addToDay(stored.embeds, e.day, `${e.site}|${e.tool}`);
    keepMax(merged.embeds, `${e.day}|${e.site}|${e.tool}`, e.n);
  }
  for (const t of report.extensionTokens ?? []) {
    addToDay(stored.extensionTokens, t.day, t.token);
    merged.extensionTokens.set(`${t.day}|${t.token}`, 1);
  }
  for (const r of report.revealedExtensions ?? []) {
    addToDay(stored.revealedExtensions, r.day, `${r.store}|${r.id}`);
    merged.revealedExtensions.set(`${r.day}|${r.store}|${r.id}`, 1);
  }
}

/** The merged keys of a section split into their fields, and the value. */
const fields = (map: Map<string, number>) => [...map].map(([key, n]) => ({ parts: key.split("|"), n }));

function toDeviceCounts(deviceId: string, seq: number, merged: Merged): DeviceCounts {
  const text = (parts: string[], i: number) => parts[i] ?? "";
  return {
    deviceId,
    seq,
    counters: fields(merged.counters).map(({ parts: p, n }) => [text(p, 0), text(p, 1), text(p, 2), Number(p[3]), n]),
    justifications: fields(merged.justifications).map(({ parts: p, n }) => [
      text(p, 0),
      text(p, 1),
      text(p, 2),
      Number(p[3]),
      n,
    ]),
    candidates: fields(merged.candidates).map(({ parts: p, n }) => [
      text(p, 0),
      text(p, 1),
      n,
      merged.candidateSignals.get(`${text(p, 0)}|${text(p, 1)}`) ?? 0,
    ]),
    lessons: fields(merged.lessons).map(({ parts: p, n }) => [text(p, 0), text(p, 1), Number(p[2]), text(p, 3), n]),
    guard: fields(merged.guard).map(({ parts: p, n }) => [
      text(p, 0),
      text(p, 1),
      text(p, 2),
      text(p, 3),
      Number(p[4]),
      n,
    ]),
    extensions: fields(merged.extensions).map(({ parts: p, n }) => [text(p, 0), text(p, 1), n]),
    browsers: fields(merged.browsers).map(({ parts: p }) => [text(p, 0), text(p, 1)]),
    unknownExtensions: fields(merged.unknownExtensions).map(({ parts: p, n }) => [text(p, 0), n]),
    embeds: fields(merged.embeds).map(({ parts: p, n }) => [text(p, 0), text(p, 1), text(p, 2), n]),
    extensionTokens: fields(merged.extensionTokens).map(({ parts: p }) => [text(p, 0), text(p, 1)]),
    revealedExtensions: fields(merged.revealedExtensions).map(({ parts: p }) => [text(p, 0), text(p, 1), text(p, 2)]),
  };
}

/** Checks `items` in order and plans the write of those accepted. */
async function prepare(d1: D1Database, items: IngestItem[]) {
  // The organization's own entries count like catalog tools, read fresh with every batch: a
  // refusal is final, so a count for an entry added a minute ago must not meet a stale list.
  const [state, catalog] = await Promise.all([readIngestState(d1, items), loadEffectiveCatalog(database(d1))]);
  const working = new Map<string, StoredCounts>();
  const merged = new Map<string, Merged>();
  const outcomes = items.map((item): IngestOutcome => {
    const device = state.devices.get(item.deviceId);
    if (!device) return { kind: "device_unknown" };
    if (device.revoked) return { kind: "device_revoked" };
    const stored = working.get(item.deviceId) ?? cloneStored(device.stored);
    working.set(item.deviceId, stored);
    const refused = implausibleCounts(
      item.report,
      { ...stored, published: state.published, reasons: state.reasons, lessonVersions: state.lessonVersions },
      catalog.byId,
      dayOf(item.receivedAt),
      { vendorDomains: catalog.vendorDomains },
    );
    if (refused.length > 0) return { kind: "refused", refused };
    const counts = merged.get(item.deviceId) ?? emptyMerged();
    merged.set(item.deviceId, counts);
    merge(item.report, stored, counts);
    return { kind: "applied", counts: countsIn(item.report) };
  });
  const devices = [...merged].map(([deviceId, counts]) =>
    toDeviceCounts(deviceId, state.devices.get(deviceId)?.seq ?? 0, counts),
  );
  return { outcomes, plan: devices.length > 0 ? planIngest(d1, devices) : { statements: [], counted: [] } };
}

/**
 * Checks and applies `items`. `alongside` adds statements to the same transaction, knowing
 * every item's outcome (the queue consumer records the reports it drops).
 */
export async function applyReports(
  d1: D1Database,
  items: IngestItem[],
  alongside: (outcomes: IngestOutcome[]) => D1PreparedStatement[] = () => [],
): Promise<IngestResult> {
  for (let attempt = 1; ; attempt++) {
    const { outcomes, plan } = await prepare(d1, items);
    const statements = [...plan.statements, ...alongside(outcomes)];
    if (statements.length === 0) return { outcomes, changed: 0, attempts: attempt };
    try {
      const results = await d1.batch(statements);
      const changed = plan.counted.reduce((sum, i) => sum + (results[i]?.meta.changes ?? 0), 0);
      return { outcomes, changed, attempts: attempt };
    } catch (error) {
      // Most likely the guard: a device's counts changed since they were read. Read, check
      // and write again; a failure that persists is not a race and is passed on.
      if (attempt >= LIMITS.ingestWriteAttempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}
