import { LIMITS } from "../../shared/limits";
import type { ReportRequest } from "../../shared/protocol";

/*
 * How one report becomes rows: one list of D1 statements, sent as one batch (one
 * transaction, so the report applies completely or not at all). routes/reports.ts has
 * already refused every implausible count, so everything here is merged as it comes.
 *
 * Counters are cumulative per day, so every table keyed by device keeps max(stored,
 * received): a retry, duplicate or late delivery never adds twice, and the upsert's WHERE
 * skips rows that did not grow, so re-sends write nothing. The organization-wide tables must
 * add, not max; each adds exactly what a device's counter contributes, computed against the
 * stored rows by a statement that runs just before that counter's upsert inside the same
 * transaction:
 *   daily_rollups  the counter's growth (sum of n per day, tool, event, version)
 *   tool_days      one device more, when it is the device's first counter of that day and tool
 *   event_days     one device more, when it is its first of that day, event and version
 * Catalogued extensions and AI browsers grow tool_days the same way (their first row of a day
 * for the device), and embeds grow embed_days (the first of a day, site and tool).
 * Those three hold no device id and outlive the raw retention; k is compared with their
 * device counts.
 *
 * Rows travel as `WITH v(...) AS (VALUES ...)` with the device id bound once as ?1, so a
 * statement carries as many rows as fit under D1's 100 bound parameters. The body limit
 * (256 KiB, about 4,000 counts) keeps a report well under D1's 1,000 statements per call.
 */

export interface IngestContext {
  deviceId: string;
}

export interface IngestPlan {
  statements: D1PreparedStatement[];
  /** Positions of the statements whose changed rows are counts that grew. */
  counted: number[];
  /** Counts the report carried. */
  accepted: number;
}

type Row = Array<string | number>;

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * Statements for `rows`, as many per statement as fit beside the `fixed` parameters.
 * `sql` receives the VALUES list, numbered after the fixed parameters (?1.. are fixed).
 */
function rowStatements(
  d1: D1Database,
  sql: (values: string) => string,
  fixed: Row,
  rows: Row[],
): D1PreparedStatement[] {
  const width = rows[0]?.length ?? 0;
  if (width === 0) return [];
  const perStatement = Math.floor((LIMITS.d1MaxParams - fixed.length) / width);
  return chunk(rows, perStatement).map((part) => {
    const values = part
      .map((_, i) => {
        const first = fixed.length + i * width + 1;
        return `(${Array.from({ length: width }, (_, j) => `?${first + j}`).join(", ")})`;
      })
      .join(", ");
    return d1.prepare(sql(values)).bind(...fixed, ...part.flat());
  });
}

/** The first and last day per key of the rows. */
function spans<T>(rows: T[], keyOf: (row: T) => string, dayOf: (row: T) => string): Array<[string, string, string]> {
  const found = new Map<string, [string, string]>();
  for (const row of rows) {
    const key = keyOf(row);
    const day = dayOf(row);
    const span = found.get(key);
    if (!span) found.set(key, [day, day]);
    else {
      if (day < span[0]) span[0] = day;
      if (day > span[1]) span[1] = day;
    }
  }
  return [...found].map(([key, [first, last]]) => [key, first, last]);
}

export function planIngest(d1: D1Database, report: ReportRequest, context: IngestContext): IngestPlan {
  const { deviceId } = context;
  const device: Row = [deviceId];
  const counterRows = report.days.flatMap((entry) =>
    entry.counters.map((c): Row => [entry.day, c.tool, c.event, c.policyVersion, c.n]),
  );
  const justificationRows = (report.justifications ?? []).map(
    (j): Row => [j.day, j.tool, j.reason, j.policyVersion, j.n],
  );
  const candidateRows = (report.candidates ?? []).map((c): Row => [c.day, c.domain, c.n]);
  const guardRows = (report.guard ?? []).map((g): Row => [g.day, g.tool, g.detector, g.outcome, g.policyVersion, g.n]);
  const lessonRows = (report.lessons ?? []).map((l): Row => [l.day, l.lesson, l.version, l.outcome, l.n]);
  const extensionRows = (report.extensions ?? []).map((e): Row => [e.day, e.extension, e.enabled ? 1 : 0]);
  const browserRows = (report.browsers ?? []).map((b): Row => [b.day, b.browser]);
  const unknownExtensionRows = (report.unknownExtensions ?? []).map((u): Row => [u.day, u.n]);
  const embedRows = (report.embeds ?? []).map((e): Row => [e.day, e.site, e.tool, e.n]);
  const tokenRows = (report.extensionTokens ?? []).map((t): Row => [t.day, t.token]);
  const revealedRows = (report.revealedExtensions ?? []).map((r): Row => [r.day, r.store, r.id]);
  // Extensions and browsers are inventory entries too: their days count in device_tools.
  const toolSpans = spans(
    [...counterRows, ...extensionRows, ...browserRows],
    (row) => String(row[1]),
    (row) => String(row[0]),
  );
  const domainSpans = spans(
    candidateRows,
    (row) => String(row[1]),
    (row) => String(row[0]),
  );
  const eventSpans = spans(
    counterRows,
    (row) => `${row[3]}|${row[2]}`,
    (row) => String(row[0]),
  );
  const lessonSpans = spans(
    lessonRows,
    (row) => `${row[1]}|${row[2]}|${row[3]}`,
    (row) => String(row[0]),
  );
  const days = [
    ...new Set(
      [
        ...counterRows,
        ...justificationRows,
        ...candidateRows,
        ...lessonRows,
        ...extensionRows,
        ...browserRows,
        ...unknownExtensionRows,
        ...embedRows,
        ...tokenRows,
        ...revealedRows,
        ...guardRows,
      ].map((row) => String(row[0])),
    ),
  ].sort();

  const statements: D1PreparedStatement[] = [];
  const counted: number[] = [];
  const add = (list: D1PreparedStatement[], countsChanges = false) => {
    for (const statement of list) {
      if (countsChanges) counted.push(statements.length);
      statements.push(statement);
    }
  };

  // Counters: the organization-wide tables grow by what each counter adds, then the counter.
  for (const rows of chunk(counterRows, Math.floor((LIMITS.d1MaxParams - 1) / 5))) {
    const statements = (sql: string) =>
      rowStatements(
        d1,
        (values) => `WITH v(day, tool, event, policy_version, n) AS (VALUES ${values}) ${sql}`,
        device,
        rows,
      );
    add(
      statements(`INSERT INTO daily_rollups (day, tool, event, policy_version, n)
        SELECT v.day, v.tool, v.event, v.policy_version, v.n - coalesce(c.n, 0)
        FROM v LEFT JOIN daily_counters AS c ON c.device_id = ?1 AND c.day = v.day AND c.tool = v.tool
          AND c.event = v.event AND c.policy_version = v.policy_version
        WHERE v.n > coalesce(c.n, 0)
        ON CONFLICT (day, tool, event, policy_version) DO UPDATE SET n = daily_rollups.n + excluded.n`),
    );
    add(
      statements(`INSERT INTO tool_days (day, tool, devices)
        SELECT DISTINCT v.day, v.tool, 1 FROM v
        WHERE NOT EXISTS (SELECT 1 FROM daily_counters AS c WHERE c.device_id = ?1 AND c.day = v.day AND c.tool = v.tool)
        ON CONFLICT (day, tool) DO UPDATE SET devices = tool_days.devices + 1`),
    );
    add(
      statements(`INSERT INTO event_days (day, event, policy_version, devices)
        SELECT DISTINCT v.day, v.event, v.policy_version, 1 FROM v
        WHERE NOT EXISTS (SELECT 1 FROM daily_counters AS c WHERE c.device_id = ?1 AND c.day = v.day
          AND c.event = v.event AND c.policy_version = v.policy_version)
        ON CONFLICT (day, event, policy_version) DO UPDATE SET devices = event_days.devices + 1`),
    );
    add(
      statements(`INSERT INTO daily_counters (device_id, day, tool, event, policy_version, n)
        SELECT ?1, day, tool, event, policy_version, n FROM v WHERE true
        ON CONFLICT (device_id, day, tool, event, policy_version) DO UPDATE SET n = excluded.n
        WHERE excluded.n > daily_counters.n`),
      true,
    );
  }

  add(
    rowStatements(
      d1,
      (values) => `WITH v(tool, first_seen, last_seen) AS (VALUES ${values})
        INSERT INTO device_tools (device_id, tool, first_seen, last_seen)
        SELECT ?1, tool, first_seen, last_seen FROM v WHERE true
        ON CONFLICT (device_id, tool) DO UPDATE SET
          first_seen = min(device_tools.first_seen, excluded.first_seen),
          last_seen = max(device_tools.last_seen, excluded.last_seen)
        WHERE excluded.first_seen < device_tools.first_seen OR excluded.last_seen > device_tools.last_seen`,
      device,
      toolSpans,
    ),
  );
  // Discovery: an extension's or browser's first row of a day for this device adds one device
  // to tool_days (as a tool's first counter does); embeds do the same in embed_days.
  const growToolDays = (columns: string, entry: string, seen: string, rows: Row[]) =>
    rowStatements(
      d1,
      (values) => `WITH v(${columns}) AS (VALUES ${values})
        INSERT INTO tool_days (day, tool, devices) SELECT v.day, v.${entry}, 1 FROM v WHERE NOT EXISTS (${seen})
        ON CONFLICT (day, tool) DO UPDATE SET devices = tool_days.devices + 1`,
      device,
      rows,
    );
  add(
    growToolDays(
      "day, extension, enabled",
      "extension",
      "SELECT 1 FROM device_extensions AS e WHERE e.device_id = ?1 AND e.day = v.day AND e.extension = v.extension",
      extensionRows,
    ),
  );
  add(
    rowStatements(
      d1,
      (values) => `WITH v(day, extension, enabled) AS (VALUES ${values})
        INSERT INTO device_extensions (device_id, day, extension, enabled)
        SELECT ?1, day, extension, enabled FROM v WHERE true
        ON CONFLICT (device_id, day, extension) DO UPDATE SET enabled = excluded.enabled
        WHERE excluded.enabled > device_extensions.enabled`,
      device,
      extensionRows,
    ),
    true,
  );
  add(
    growToolDays(
      "day, browser",
      "browser",
      "SELECT 1 FROM device_browsers AS b WHERE b.device_id = ?1 AND b.day = v.day",
      browserRows,
    ),
  );
  add(
    rowStatements(
      d1,
      (values) => `WITH v(day, browser) AS (VALUES ${values})
        INSERT INTO device_browsers (device_id, day, browser) SELECT ?1, day, browser FROM v WHERE true
        ON CONFLICT (device_id, day) DO NOTHING`,
      device,
      browserRows,
    ),
    true,
  );
  add(
    rowStatements(
      d1,
      (values) => `WITH v(day, n) AS (VALUES ${values})
        INSERT INTO unknown_extensions (device_id, day, n) SELECT ?1, day, n FROM v WHERE true
        ON CONFLICT (device_id, day) DO UPDATE SET n = excluded.n WHERE excluded.n > unknown_extensions.n`,
      device,
      unknownExtensionRows,
    ),
    true,
  );
  add(
    rowStatements(
      d1,
      (values) => `WITH v(day, site, tool, n) AS (VALUES ${values})
        INSERT INTO embed_days (day, site, tool, devices)
        SELECT v.day, v.site, v.tool, 1 FROM v
        WHERE NOT EXISTS (SELECT 1 FROM embeds AS e WHERE e.device_id = ?1 AND e.day = v.day AND e.site = v.site AND e.tool = v.tool)
        ON CONFLICT (day, site, tool) DO UPDATE SET devices = embed_days.devices + 1`,
      device,
      embedRows,
    ),
  );
  add(
    rowStatements(
      d1,
      (values) => `WITH v(day, site, tool, n) AS (VALUES ${values})
        INSERT INTO embeds (device_id, day, site, tool, n) SELECT ?1, day, site, tool, n FROM v WHERE true
        ON CONFLICT (device_id, day, site, tool) DO UPDATE SET n = excluded.n WHERE excluded.n > embeds.n`,
      device,
      embedRows,
    ),
    true,
  );

  add(
    rowStatements(
      d1,
      (values) => `WITH v(policy_version, event, first_day, last_day) AS (VALUES ${values})
        INSERT INTO device_events (device_id, policy_version, event, first_day, last_day)
        SELECT ?1, policy_version, event, first_day, last_day FROM v WHERE true
        ON CONFLICT (device_id, policy_version, event) DO UPDATE SET
          first_day = min(device_events.first_day, excluded.first_day),
          last_day = max(device_events.last_day, excluded.last_day)
        WHERE excluded.first_day < device_events.first_day OR excluded.last_day > device_events.last_day`,
      device,
      eventSpans.map(([key, first, last]) => {
        const [version = "0", event = ""] = key.split("|");
        return [Number(version), event, first, last];
      }),
    ),
  );
  add(
    rowStatements(
      d1,
      (values) => `WITH v(day, tool, reason, policy_version, n) AS (VALUES ${values})
        INSERT INTO justifications (device_id, day, tool, reason, policy_version, n)
        SELECT ?1, day, tool, reason, policy_version, n FROM v WHERE true
        ON CONFLICT (device_id, day, tool, reason, policy_version) DO UPDATE SET n = excluded.n
        WHERE excluded.n > justifications.n`,
      device,
      justificationRows,
    ),
    true,
  );
  add(
    rowStatements(
      d1,
      (values) => `WITH v(domain, first_seen, last_seen) AS (VALUES ${values})
        INSERT INTO candidate_domains (domain, first_seen, last_seen)
        SELECT domain, first_seen, last_seen FROM v WHERE true
        ON CONFLICT (domain) DO UPDATE SET
          first_seen = min(candidate_domains.first_seen, excluded.first_seen),
          last_seen = max(candidate_domains.last_seen, excluded.last_seen)
        WHERE excluded.first_seen < candidate_domains.first_seen OR excluded.last_seen > candidate_domains.last_seen`,
      [],
      domainSpans,
    ),
  );
  add(
    rowStatements(
      d1,
      (values) => `WITH v(day, domain, n) AS (VALUES ${values})
        INSERT INTO candidates (device_id, day, domain, n) SELECT ?1, day, domain, n FROM v WHERE true
        ON CONFLICT (device_id, day, domain) DO UPDATE SET n = excluded.n WHERE excluded.n > candidates.n`,
      device,
      candidateRows,
    ),
    true,
  );

  // Lesson outcomes: max-merged per day, and the device's first and last day of each outcome.
  add(
    rowStatements(
      d1,
      (values) => `WITH v(day, lesson, version, outcome, n) AS (VALUES ${values})
        INSERT INTO lesson_outcomes (device_id, day, lesson, version, outcome, n)
        SELECT ?1, day, lesson, version, outcome, n FROM v WHERE true
        ON CONFLICT (device_id, day, lesson, version, outcome) DO UPDATE SET n = excluded.n
        WHERE excluded.n > lesson_outcomes.n`,
      device,
      lessonRows,
    ),
    true,
  );
  add(
    rowStatements(
      d1,
      (values) => `WITH v(lesson, version, outcome, first_day, last_day) AS (VALUES ${values})
        INSERT INTO device_lessons (device_id, lesson, version, outcome, first_day, last_day)
        SELECT ?1, lesson, version, outcome, first_day, last_day FROM v WHERE true
        ON CONFLICT (device_id, lesson, version, outcome) DO UPDATE SET
          first_day = min(device_lessons.first_day, excluded.first_day),
          last_day = max(device_lessons.last_day, excluded.last_day)
        WHERE excluded.first_day < device_lessons.first_day OR excluded.last_day > device_lessons.last_day`,
      device,
      lessonSpans.map(([key, first, last]) => {
        const [lesson = "", version = "0", outcome = ""] = key.split("|");
        return [lesson, Number(version), outcome, first, last];
      }),
    ),
  );

  add(
    rowStatements(
      d1,
      (values) => `WITH v(day, tool, detector, outcome, policy_version, n) AS (VALUES ${values})
        INSERT INTO guard_counts (device_id, day, tool, detector, outcome, policy_version, n)
        SELECT ?1, day, tool, detector, outcome, policy_version, n FROM v WHERE true
        ON CONFLICT (device_id, day, tool, detector, outcome, policy_version) DO UPDATE SET n = excluded.n
        WHERE excluded.n > guard_counts.n`,
      device,
      guardRows,
    ),
    true,
  );

  add(
    rowStatements(
      d1,
      (values) => `WITH v(day) AS (VALUES ${values})
        INSERT INTO device_days (day, device_id) SELECT day, ?1 FROM v WHERE true ON CONFLICT DO NOTHING`,
      device,
      days.map((day) => [day]),
    ),
  );
  add([
    d1
      .prepare("UPDATE devices SET last_report_day = max(coalesce(last_report_day, ''), ?2) WHERE id = ?1")
      .bind(deviceId, days.at(-1) ?? ""),
  ]);

  add(
    rowStatements(
      d1,
      (values) => `WITH v(day, token) AS (VALUES ${values})
        INSERT INTO extension_tokens (device_id, day, token) SELECT ?1, day, token FROM v WHERE true
        ON CONFLICT DO NOTHING`,
      device,
      tokenRows,
    ),
    true,
  );
  add(
    rowStatements(
      d1,
      (values) => `WITH v(day, store, extension_id) AS (VALUES ${values})
        INSERT INTO revealed_extensions (device_id, day, store, extension_id)
        SELECT ?1, day, store, extension_id FROM v WHERE true ON CONFLICT DO NOTHING`,
      device,
      revealedRows,
    ),
    true,
  );
  const discovered =
    extensionRows.length +
    browserRows.length +
    unknownExtensionRows.length +
    embedRows.length +
    tokenRows.length +
    revealedRows.length;
  return {
    statements,
    counted,
    accepted:
      counterRows.length +
      justificationRows.length +
      candidateRows.length +
      lessonRows.length +
      guardRows.length +
      discovered,
  };
}
