import { dayOf } from "../../shared/day";
import type { ReportRequest } from "../../shared/protocol";
import { PUBLISHED_LESSON_VERSIONS } from "./lessons";
import { publishedPolicy } from "./published";

/*
 * What the plausibility checks need besides the reports, read in one D1 batch (one snapshot)
 * for any number of devices: each device's `ingest_seq` and revocation, its stored counters,
 * justification reasons, candidate domains, guard counts and discovery rows (embeds, AI browser,
 * extension tokens and named extensions) for the days its reports name, every published policy
 * version's day, and the reasons of the versions the justifications name. When a report
 * carries lesson outcomes, also the stored outcomes and every published lesson version's day.
 */

/** What one device already stored for the days its reports name. */
export interface StoredCounts {
  /** `day|tool|event|version` -> n */
  counters: Map<string, number>;
  /** `day|tool|reason|version` -> n */
  justifications: Map<string, number>;
  /** day -> candidate domains stored for the device */
  candidates: Map<string, Set<string>>;
  /** `day|lesson|version|outcome` -> n */
  lessons: Map<string, number>;
  /** `day|tool|detector|outcome|version` -> n */
  guard: Map<string, number>;
  /** day -> `site|tool` embeds stored for the device */
  embeds: Map<string, Set<string>>;
  /** day -> the AI browser stored for the device */
  browsers: Map<string, string>;
  /** day -> extension tokens stored for the device */
  extensionTokens: Map<string, Set<string>>;
  /** day -> `store|id` of named extensions stored for the device */
  revealedExtensions: Map<string, Set<string>>;
}

/** A device with nothing stored yet. */
export function emptyStored(): StoredCounts {
  return {
    counters: new Map(),
    justifications: new Map(),
    candidates: new Map(),
    lessons: new Map(),
    guard: new Map(),
    embeds: new Map(),
    browsers: new Map(),
    extensionTokens: new Map(),
    revealedExtensions: new Map(),
  };
}

/** Adds `key` to the set of `day` in `map`. */
export function addToDay(map: Map<string, Set<string>>, day: string, key: string): void {
  const keys = map.get(day) ?? new Set<string>();
  keys.add(key);
  map.set(day, keys);
}

interface DeviceState {
  seq: number;
  revoked: boolean;
  stored: StoredCounts;
}

export interface IngestState {
  /** Devices that exist, by id. */
  devices: Map<string, DeviceState>;
  /** version -> day it was published (UTC) */
  published: Map<number, string>;
  /** version -> its justification reason ids (the versions the reports' justifications name) */
  reasons: Map<number, Set<string>>;
  /** `lesson|version` -> day it was first published (read only when a report carries lesson outcomes) */
  lessonVersions: Map<string, string>;
}

export interface DeviceReport {
  deviceId: string;
  report: ReportRequest;
}

/** Every day a report names that its checks need stored rows of (extension presence needs none). */
function daysOf(report: ReportRequest): string[] {
  return [
    ...new Set([
      ...report.days.map((entry) => entry.day),
      ...(report.justifications ?? []).map((j) => j.day),
      ...(report.candidates ?? []).map((c) => c.day),
      ...(report.lessons ?? []).map((l) => l.day),
      ...(report.browsers ?? []).map((b) => b.day),
      ...(report.embeds ?? []).map((e) => e.day),
      ...(report.extensionTokens ?? []).map((t) => t.day),
      ...(report.revealedExtensions ?? []).map((r) => r.day),
      ...(report.guard ?? []).map((g) => g.day),
    ]),
  ];
}

type Row = Record<string, string | number | null>;

export async function readIngestState(d1: D1Database, reports: DeviceReport[]): Promise<IngestState> {
  const pairs = new Set<string>();
  const deviceIds = new Set<string>();
  const versions = new Set<number>();
  for (const { deviceId, report } of reports) {
    deviceIds.add(deviceId);
    for (const day of daysOf(report)) pairs.add(JSON.stringify([deviceId, day]));
    for (const j of report.justifications ?? []) versions.add(j.policyVersion);
  }
  const deviceDays = `[${[...pairs].join(",")}]`;
  const byDeviceDay = (columns: string, table: string) =>
    d1
      .prepare(
        `SELECT ${columns} FROM json_each(?1) AS j
         JOIN ${table} AS t ON t.device_id = j.value ->> 0 AND t.day = j.value ->> 1`,
      )
      .bind(deviceDays);
  const withLessons = reports.some(({ report }) => (report.lessons?.length ?? 0) > 0);
  const [
    devices,
    counters,
    justifications,
    candidates,
    published,
    bodies,
    embeds,
    browsers,
    tokens,
    named,
    guard,
    ...lessons
  ] = await d1.batch([
    d1
      .prepare(
        "SELECT id, ingest_seq AS seq, revoked_at AS revokedAt FROM devices WHERE id IN (SELECT value FROM json_each(?1))",
      )
      .bind(JSON.stringify([...deviceIds])),
    byDeviceDay("t.device_id AS device, t.day, t.tool, t.event, t.policy_version AS version, t.n", "daily_counters"),
    byDeviceDay("t.device_id AS device, t.day, t.tool, t.reason, t.policy_version AS version, t.n", "justifications"),
    byDeviceDay("t.device_id AS device, t.day, t.domain AS key", "candidates"),
    d1.prepare("SELECT version, published_at AS publishedAt FROM policy_versions"),
    d1
      .prepare("SELECT version, body FROM policy_versions WHERE version IN (SELECT value FROM json_each(?1))")
      .bind(JSON.stringify([...versions])),
    byDeviceDay("t.device_id AS device, t.day, t.site || '|' || t.tool AS key", "embeds"),
    byDeviceDay("t.device_id AS device, t.day, t.browser", "device_browsers"),
    byDeviceDay("t.device_id AS device, t.day, t.token AS key", "extension_tokens"),
    byDeviceDay("t.device_id AS device, t.day, t.store || '|' || t.extension_id AS key", "revealed_extensions"),
    byDeviceDay(
      "t.device_id AS device, t.day, t.tool, t.detector, t.outcome, t.policy_version AS version, t.n",
      "guard_counts",
    ),
    // Lesson outcomes are rarer than counters: their state is read only when a report has some.
    ...(withLessons
      ? [
          byDeviceDay("t.device_id AS device, t.day, t.lesson, t.version, t.outcome, t.n", "lesson_outcomes"),
          d1.prepare(PUBLISHED_LESSON_VERSIONS),
        ]
      : []),
  ]);
  const rows = (result: D1Result | undefined) => (result?.results ?? []) as Row[];
  const [lessonRows, lessonVersions] = lessons;
  const state: IngestState = {
    devices: new Map(),
    published: new Map(rows(published).map((r) => [Number(r.version), dayOf(Number(r.publishedAt))])),
    reasons: new Map(
      rows(bodies).map((r) => [
        Number(r.version),
        new Set(publishedPolicy(String(r.body)).reasons.map((reason) => reason.id)),
      ]),
    ),
    lessonVersions: new Map(
      rows(lessonVersions).map((r) => [`${r.lesson}|${r.version}`, dayOf(Number(r.publishedAt))]),
    ),
  };
  for (const row of rows(devices)) {
    state.devices.set(String(row.id), { seq: Number(row.seq), revoked: row.revokedAt !== null, stored: emptyStored() });
  }
  const storedOf = (row: Row) => state.devices.get(String(row.device))?.stored;
  for (const row of rows(counters)) {
    storedOf(row)?.counters.set(`${row.day}|${row.tool}|${row.event}|${row.version}`, Number(row.n));
  }
  for (const row of rows(justifications)) {
    storedOf(row)?.justifications.set(`${row.day}|${row.tool}|${row.reason}|${row.version}`, Number(row.n));
  }
  for (const row of rows(lessonRows)) {
    storedOf(row)?.lessons.set(`${row.day}|${row.lesson}|${row.version}|${row.outcome}`, Number(row.n));
  }
  for (const row of rows(guard)) {
    storedOf(row)?.guard.set(`${row.day}|${row.tool}|${row.detector}|${row.outcome}|${row.version}`, Number(row.n));
  }
  for (const row of rows(browsers)) storedOf(row)?.browsers.set(String(row.day), String(row.browser));
  const perDay = (result: D1Result | undefined, pick: (stored: StoredCounts) => Map<string, Set<string>>) => {
    for (const row of rows(result)) {
      const stored = storedOf(row);
      if (stored) addToDay(pick(stored), String(row.day), String(row.key));
    }
  };
  perDay(candidates, (stored) => stored.candidates);
  perDay(embeds, (stored) => stored.embeds);
  perDay(tokens, (stored) => stored.extensionTokens);
  perDay(named, (stored) => stored.revealedExtensions);
  return state;
}
