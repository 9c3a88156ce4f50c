/*
 * How checked reports become rows: one list of D1 statements for any number of devices, sent
 * as one batch (one transaction, so everything applies or nothing does). ingest/apply.ts has
 * already refused every implausible count and merged each device's reports into one set of
 * counts (the largest value per key), so every key appears once per device here.
 *
 * Counters are cumulative per day, so every table keyed by device keeps max(stored,
 * received): a retry, duplicate or late delivery never adds twice, and the upsert's WHERE
 * skips rows that did not grow, so re-sends write nothing. The organization-wide tables must
 * add, not max; each adds exactly what the devices' counters contribute, computed against the
 * stored rows by a statement that runs just before those counters' upsert inside the same
 * transaction:
 *   daily_rollups  the counters' growth (sum of n per day, tool, event, version)
 *   tool_days      the devices whose first counter of that day and tool this is
 *   event_days     the devices whose first counter of that day, event and version this is
 * Catalogued extensions and AI browsers grow tool_days the same way (their first row of a day
 * for the device), and embeds grow embed_days (the first of a day, site and tool).
 * Those three hold no device id and outlive the raw retention; k is compared with their
 * device counts. Each device's extensions, browsers and embedded tools also widen their
 * spans of days in discovery_spans, purged with the raw rows.
 *
 * Rows travel as one JSON array bound to a single parameter and unpacked with json_each, so a
 * statement carries any number of rows under D1's 100 bound parameters, and a batch holds
 * about two dozen statements (one per table a section writes) however many devices it merges.
 *
 * The batch opens with a guard: each device's `ingest_seq` must still be the one read with the
 * stored counts the checks used, else the guard inserts into `ingest_guard`, whose CHECK
 * refuses every row, and the whole transaction rolls back. The batch then bumps each
 * device's `ingest_seq`. So two reports of one device checked at the same time can never
 * both be written: the second is checked again against what the first stored.
 */
import type { InventoryKind } from "../../shared/events";
import { chunk, newDevicesOfDay, ROWS_PER_STATEMENT, type Row, rowsOf, spans, statementsFor } from "./statements";

/** One device's merged counts and the `ingest_seq` its checks were made against. */
export interface DeviceCounts {
  deviceId: string;
  seq: number;
  /** [day, tool, event, policyVersion, n] */
  counters: Array<[string, string, string, number, number]>;
  /** [day, tool, reason, policyVersion, n] */
  justifications: Array<[string, string, string, number, number]>;
  /** [day, domain, n, signals (bit set)] */
  candidates: Array<[string, string, number, number]>;
  /** [day, lesson, version, outcome, n] */
  lessons: Array<[string, string, number, string, number]>;
  /** [day, tool, detector, outcome, policyVersion, n] */
  guard: Array<[string, string, string, string, number, number]>;
  /** [day, extension, enabled (0 or 1)] */
  extensions: Array<[string, string, number]>;
  /** [day, browser] */
  browsers: Array<[string, string]>;
  /** [day, n] */
  unknownExtensions: Array<[string, number]>;
  /** [day, site, tool, n] */
  embeds: Array<[string, string, string, number]>;
  /** [day, token] */
  extensionTokens: Array<[string, string]>;
  /** [day, store, extension id] */
  revealedExtensions: Array<[string, string, string]>;
}

export interface IngestPlan {
  statements: D1PreparedStatement[];
  /** Positions of the statements whose changed rows are counts that grew. */
  counted: number[];
}

const COUNTER = ["device_id", "day", "tool", "event", "policy_version", "n"];

const ROLLUPS = `${rowsOf(COUNTER)}
  INSERT INTO daily_rollups (day, tool, event, policy_version, n)
  SELECT v.day, v.tool, v.event, v.policy_version, sum(v.n - coalesce(c.n, 0))
  FROM v LEFT JOIN daily_counters AS c ON c.device_id = v.device_id AND c.day = v.day AND c.tool = v.tool
    AND c.event = v.event AND c.policy_version = v.policy_version
  WHERE v.n > coalesce(c.n, 0)
  GROUP BY v.day, v.tool, v.event, v.policy_version
  ON CONFLICT (day, tool, event, policy_version) DO UPDATE SET n = daily_rollups.n + excluded.n`;

const TOOL_DAYS = newDevicesOfDay(COUNTER, "tool_days", { tool: "tool" }, "daily_counters", ["tool"]);

const EVENT_DAYS = newDevicesOfDay(
  COUNTER,
  "event_days",
  { event: "event", policy_version: "policy_version" },
  "daily_counters",
  ["event", "policy_version"],
);

const COUNTERS = `${rowsOf(COUNTER)}
  INSERT INTO daily_counters (device_id, day, tool, event, policy_version, n)
  SELECT device_id, day, tool, event, policy_version, n FROM v WHERE true
  ON CONFLICT (device_id, day, tool, event, policy_version) DO UPDATE SET n = excluded.n
  WHERE excluded.n > daily_counters.n`;

/** The earlier (`min`) or later (`max`) of a stored and a received day, either of which may be null. */
const widen = (fn: "min" | "max", column: string) =>
  `${column} = ${fn}(coalesce(device_tools.${column}, excluded.${column}), coalesce(excluded.${column}, device_tools.${column}))`;

/** Whether the received day lies outside the stored span (a null stored day is outside everything). */
const beyond = (first: string, last: string) =>
  `(excluded.${first} IS NOT NULL AND (device_tools.${first} IS NULL OR excluded.${first} < device_tools.${first}
     OR excluded.${last} > device_tools.${last}))`;

const DEVICE_TOOLS = `${rowsOf(["device_id", "tool", "first_seen", "last_seen", "counted_first", "counted_last", "visit_first", "visit_last"])}
  INSERT INTO device_tools (device_id, tool, first_seen, last_seen, counted_first, counted_last, visit_first, visit_last)
  SELECT device_id, tool, first_seen, last_seen, counted_first, counted_last, visit_first, visit_last FROM v WHERE true
  ON CONFLICT (device_id, tool) DO UPDATE SET
    first_seen = min(device_tools.first_seen, excluded.first_seen),
    last_seen = max(device_tools.last_seen, excluded.last_seen),
    ${widen("min", "counted_first")}, ${widen("max", "counted_last")},
    ${widen("min", "visit_first")}, ${widen("max", "visit_last")}
  WHERE excluded.first_seen < device_tools.first_seen OR excluded.last_seen > device_tools.last_seen
    OR ${beyond("counted_first", "counted_last")} OR ${beyond("visit_first", "visit_last")}`;

/** Per-key spans of days: the stored span widens to take in the received one, written only when it does. */
function spanUpsert(table: string, keys: string[]): string {
  const columns = [...keys, "first_day", "last_day"].join(", ");
  return `${rowsOf([...keys, "first_day", "last_day"])}
  INSERT INTO ${table} (${columns}) SELECT ${columns} FROM v WHERE true
  ON CONFLICT (${keys.join(", ")}) DO UPDATE SET
    first_day = min(${table}.first_day, excluded.first_day), last_day = max(${table}.last_day, excluded.last_day)
  WHERE excluded.first_day < ${table}.first_day OR excluded.last_day > ${table}.last_day`;
}

const DEVICE_EVENTS = spanUpsert("device_events", ["device_id", "policy_version", "event"]);
const DEVICE_LESSONS = spanUpsert("device_lessons", ["device_id", "lesson", "version", "outcome"]);
const DISCOVERY_SPANS = spanUpsert("discovery_spans", ["kind", "item", "device_id"]);

const JUSTIFICATIONS = `${rowsOf(["device_id", "day", "tool", "reason", "policy_version", "n"])}
  INSERT INTO justifications (device_id, day, tool, reason, policy_version, n)
  SELECT device_id, day, tool, reason, policy_version, n FROM v WHERE true
  ON CONFLICT (device_id, day, tool, reason, policy_version) DO UPDATE SET n = excluded.n
  WHERE excluded.n > justifications.n`;

const CANDIDATE_DOMAINS = `${rowsOf(["domain", "first_seen", "last_seen", "signals"])}
  INSERT INTO candidate_domains (domain, first_seen, last_seen, signals)
  SELECT domain, first_seen, last_seen, signals FROM v WHERE true
  ON CONFLICT (domain) DO UPDATE SET
    first_seen = min(candidate_domains.first_seen, excluded.first_seen),
    last_seen = max(candidate_domains.last_seen, excluded.last_seen),
    signals = candidate_domains.signals | excluded.signals
  WHERE excluded.first_seen < candidate_domains.first_seen OR excluded.last_seen > candidate_domains.last_seen
    OR (candidate_domains.signals | excluded.signals) != candidate_domains.signals`;

// Visits are max-merged; signals only add up (a bit set), so a re-sent day never loses one.
const CANDIDATES = `${rowsOf(["device_id", "day", "domain", "n", "signals"])}
  INSERT INTO candidates (device_id, day, domain, n, signals)
  SELECT device_id, day, domain, n, signals FROM v WHERE true
  ON CONFLICT (device_id, day, domain) DO UPDATE SET
    n = max(candidates.n, excluded.n), signals = candidates.signals | excluded.signals
  WHERE excluded.n > candidates.n OR (candidates.signals | excluded.signals) != candidates.signals`;

const DEVICE_DAYS = `${rowsOf(["day", "device_id"])}
  INSERT INTO device_days (day, device_id) SELECT day, device_id FROM v WHERE true ON CONFLICT DO NOTHING`;

const EXTENSION = ["device_id", "day", "extension", "enabled"];

const EXTENSION_TOOL_DAYS = newDevicesOfDay(EXTENSION, "tool_days", { tool: "extension" }, "device_extensions", [
  "extension",
]);

const EXTENSIONS = `${rowsOf(EXTENSION)}
  INSERT INTO device_extensions (device_id, day, extension, enabled)
  SELECT device_id, day, extension, enabled FROM v WHERE true
  ON CONFLICT (device_id, day, extension) DO UPDATE SET enabled = excluded.enabled
  WHERE excluded.enabled > device_extensions.enabled`;

const BROWSER = ["device_id", "day", "browser"];

const BROWSER_TOOL_DAYS = newDevicesOfDay(BROWSER, "tool_days", { tool: "browser" }, "device_browsers", []);

const BROWSERS = `${rowsOf(BROWSER)}
  INSERT INTO device_browsers (device_id, day, browser) SELECT device_id, day, browser FROM v WHERE true
  ON CONFLICT (device_id, day) DO NOTHING`;

const UNKNOWN_EXTENSIONS = `${rowsOf(["device_id", "day", "n"])}
  INSERT INTO unknown_extensions (device_id, day, n) SELECT device_id, day, n FROM v WHERE true
  ON CONFLICT (device_id, day) DO UPDATE SET n = excluded.n WHERE excluded.n > unknown_extensions.n`;

const EMBED = ["device_id", "day", "site", "tool", "n"];

const EMBED_DAYS = newDevicesOfDay(EMBED, "embed_days", { site: "site", tool: "tool" }, "embeds", ["site", "tool"]);

const EMBEDS = `${rowsOf(EMBED)}
  INSERT INTO embeds (device_id, day, site, tool, n) SELECT device_id, day, site, tool, n FROM v WHERE true
  ON CONFLICT (device_id, day, site, tool) DO UPDATE SET n = excluded.n WHERE excluded.n > embeds.n`;

const EXTENSION_TOKENS = `${rowsOf(["device_id", "day", "token"])}
  INSERT INTO extension_tokens (device_id, day, token) SELECT device_id, day, token FROM v WHERE true
  ON CONFLICT DO NOTHING`;

const REVEALED_EXTENSIONS = `${rowsOf(["device_id", "day", "store", "extension_id"])}
  INSERT INTO revealed_extensions (device_id, day, store, extension_id)
  SELECT device_id, day, store, extension_id FROM v WHERE true ON CONFLICT DO NOTHING`;

const LESSON_OUTCOMES = `${rowsOf(["device_id", "day", "lesson", "version", "outcome", "n"])}
  INSERT INTO lesson_outcomes (device_id, day, lesson, version, outcome, n)
  SELECT device_id, day, lesson, version, outcome, n FROM v WHERE true
  ON CONFLICT (device_id, day, lesson, version, outcome) DO UPDATE SET n = excluded.n
  WHERE excluded.n > lesson_outcomes.n`;

const GUARD_COUNTS = `${rowsOf(["device_id", "day", "tool", "detector", "outcome", "policy_version", "n"])}
  INSERT INTO guard_counts (device_id, day, tool, detector, outcome, policy_version, n)
  SELECT device_id, day, tool, detector, outcome, policy_version, n FROM v WHERE true
  ON CONFLICT (device_id, day, tool, detector, outcome, policy_version) DO UPDATE SET n = excluded.n
  WHERE excluded.n > guard_counts.n`;

const GUARD = `${rowsOf(["device_id", "seq"])}
  INSERT INTO ingest_guard (device_id)
  SELECT d.id FROM v JOIN devices AS d ON d.id = v.device_id WHERE d.ingest_seq <> v.seq`;

const DEVICES = `${rowsOf(["device_id", "last_day"])}
  UPDATE devices SET last_report_day = max(coalesce(devices.last_report_day, ''), v.last_day),
    ingest_seq = devices.ingest_seq + 1
  FROM v WHERE devices.id = v.device_id`;

export function planIngest(d1: D1Database, devices: DeviceCounts[]): IngestPlan {
  const counterRows: Row[] = [];
  const toolSpans: Row[] = [];
  const eventSpans: Row[] = [];
  const justificationRows: Row[] = [];
  const candidateRows: Row[] = [];
  const lessonRows: Row[] = [];
  const guardRows: Row[] = [];
  const lessonSpans: Row[] = [];
  const extensionRows: Row[] = [];
  const browserRows: Row[] = [];
  const unknownRows: Row[] = [];
  const embedRows: Row[] = [];
  const discoverySpans: Row[] = [];
  const tokenRows: Row[] = [];
  const revealedRows: Row[] = [];
  const dayRows: Row[] = [];
  const deviceRows: Row[] = [];
  const domainSignals = new Map<string, number>();
  const domainSpans = spans(
    devices.flatMap((device) => device.candidates),
    ([, domain]) => domain,
    ([day]) => day,
  );
  for (const device of devices) {
    const id = device.deviceId;
    for (const [day, tool, event, version, n] of device.counters) counterRows.push([id, day, tool, event, version, n]);
    // Extensions and browsers are inventory entries too: their days count in device_tools.
    const entries: Array<[string, string]> = [
      ...device.counters.map(([day, tool]): [string, string] => [day, tool]),
      ...device.extensions.map(([day, extension]): [string, string] => [day, extension]),
      ...device.browsers,
    ];
    // Per tool: the span of every trace, of its counters and of its visits (null when none).
    const counted = spans(
      device.counters,
      ([, tool]) => tool,
      ([day]) => day,
    );
    const visited = spans(
      device.counters.filter(([, , event]) => event === "visit"),
      ([, tool]) => tool,
      ([day]) => day,
    );
    for (const [tool, [first, last]] of spans(
      entries,
      ([, tool]) => tool,
      ([day]) => day,
    )) {
      const [countedFirst = null, countedLast = null] = counted.get(tool) ?? [];
      const [visitFirst = null, visitLast = null] = visited.get(tool) ?? [];
      toolSpans.push([id, tool, first, last, countedFirst, countedLast, visitFirst, visitLast]);
    }
    for (const [key, [first, last]] of spans(
      device.counters,
      ([, , event, version]) => `${version}|${event}`,
      ([day]) => day,
    )) {
      const [version = "0", event = ""] = key.split("|");
      eventSpans.push([id, Number(version), event, first, last]);
    }
    for (const [day, tool, reason, version, n] of device.justifications) {
      justificationRows.push([id, day, tool, reason, version, n]);
    }
    for (const [day, domain, n, signals] of device.candidates) {
      candidateRows.push([id, day, domain, n, signals]);
      domainSignals.set(domain, (domainSignals.get(domain) ?? 0) | signals);
    }
    for (const [day, lesson, version, outcome, n] of device.lessons)
      lessonRows.push([id, day, lesson, version, outcome, n]);
    for (const [key, [first, last]] of spans(
      device.lessons,
      ([, lesson, version, outcome]) => `${lesson}|${version}|${outcome}`,
      ([day]) => day,
    )) {
      const [lesson = "", version = "0", outcome = ""] = key.split("|");
      lessonSpans.push([id, lesson, Number(version), outcome, first, last]);
    }
    for (const row of device.guard) guardRows.push([id, ...row]);
    for (const row of device.extensions) extensionRows.push([id, ...row]);
    for (const row of device.browsers) browserRows.push([id, ...row]);
    for (const row of device.unknownExtensions) unknownRows.push([id, ...row]);
    for (const row of device.embeds) embedRows.push([id, ...row]);
    // Per extension, browser and embedded tool: the span of its days in this report.
    const discovered: Array<[InventoryKind, string, string]> = [
      ...device.extensions.map(([day, extension]): [InventoryKind, string, string] => ["extension", extension, day]),
      ...device.browsers.map(([day, browser]): [InventoryKind, string, string] => ["browser", browser, day]),
      ...device.embeds.map(([day, , tool]): [InventoryKind, string, string] => ["embedded", tool, day]),
    ];
    for (const [key, [first, last]] of spans(
      discovered,
      ([kind, item]) => `${kind}|${item}`,
      ([, , day]) => day,
    )) {
      const [kind = "", item = ""] = key.split("|");
      discoverySpans.push([kind, item, id, first, last]);
    }
    for (const row of device.extensionTokens) tokenRows.push([id, ...row]);
    for (const row of device.revealedExtensions) revealedRows.push([id, ...row]);
    const days = [
      ...new Set(
        [
          device.counters,
          device.justifications,
          device.candidates,
          device.lessons,
          device.guard,
          device.extensions,
          device.browsers,
          device.unknownExtensions,
          device.embeds,
          device.extensionTokens,
          device.revealedExtensions,
        ].flatMap((rows: Array<[string, ...unknown[]]>) => rows.map(([day]) => day)),
      ),
    ].sort();
    for (const day of days) dayRows.push([day, id]);
    deviceRows.push([id, days.at(-1) ?? ""]);
  }

  const statements: D1PreparedStatement[] = [];
  const counted: number[] = [];
  const add = (list: D1PreparedStatement[], countsChanges = false) => {
    for (const statement of list) {
      if (countsChanges) counted.push(statements.length);
      statements.push(statement);
    }
  };
  add(
    statementsFor(
      d1,
      GUARD,
      devices.map((device) => [device.deviceId, device.seq]),
    ),
  );
  // Per chunk of counters: the organization-wide tables grow by what they add, then the counters.
  for (const rows of chunk(counterRows, ROWS_PER_STATEMENT)) {
    add(statementsFor(d1, ROLLUPS, rows));
    add(statementsFor(d1, TOOL_DAYS, rows));
    add(statementsFor(d1, EVENT_DAYS, rows));
    add(statementsFor(d1, COUNTERS, rows), true);
  }
  add(statementsFor(d1, DEVICE_TOOLS, toolSpans));
  add(statementsFor(d1, DEVICE_EVENTS, eventSpans));
  add(statementsFor(d1, JUSTIFICATIONS, justificationRows), true);
  add(
    statementsFor(
      d1,
      CANDIDATE_DOMAINS,
      [...domainSpans].map(([domain, [first, last]]) => [domain, first, last, domainSignals.get(domain) ?? 0]),
    ),
  );
  add(statementsFor(d1, CANDIDATES, candidateRows), true);
  // Discovery: each chunk grows the organization-wide table before its rows are stored.
  const grown = (growth: string, upsert: string, rows: Row[]) => {
    for (const part of chunk(rows, ROWS_PER_STATEMENT)) {
      add(statementsFor(d1, growth, part));
      add(statementsFor(d1, upsert, part), true);
    }
  };
  grown(EXTENSION_TOOL_DAYS, EXTENSIONS, extensionRows);
  grown(BROWSER_TOOL_DAYS, BROWSERS, browserRows);
  grown(EMBED_DAYS, EMBEDS, embedRows);
  add(statementsFor(d1, DISCOVERY_SPANS, discoverySpans));
  add(statementsFor(d1, UNKNOWN_EXTENSIONS, unknownRows), true);
  add(statementsFor(d1, EXTENSION_TOKENS, tokenRows), true);
  add(statementsFor(d1, REVEALED_EXTENSIONS, revealedRows), true);
  add(statementsFor(d1, LESSON_OUTCOMES, lessonRows), true);
  add(statementsFor(d1, DEVICE_LESSONS, lessonSpans));
  add(statementsFor(d1, GUARD_COUNTS, guardRows), true);
  add(statementsFor(d1, DEVICE_DAYS, dayRows));
  add(statementsFor(d1, DEVICES, deviceRows));
  return { statements, counted };
}
