/*
 * Distinct devices over a period from per-device spans instead of the period's raw rows.
 * device_tools keeps, per device and tool, the first and last day of its counters and of its
 * visits. A span that starts or ends inside the period proves a raw row inside it, a span that
 * misses the period proves none, and only a span that crosses the whole period is looked up in
 * the raw counters (one device's rows of the period, by the primary key). For the usual period,
 * the window ending today, that is only a device that already counted tomorrow's date (a time
 * zone ahead of UTC). Retention purges raw days older than every period a view may ask for,
 * so a day a span names inside a period always still has its raw row.
 */

/**
 * SQL text: the device_tools row `t` has a counter (`counted`) or a visit (`visit`) on a day
 * between the SQL expressions `from` and `to` (bound parameters or columns, never values).
 */
export function toolUsedWithin(kind: "counted" | "visit", from: string, to: string): string {
  const first = `t.${kind}_first`;
  const last = `t.${kind}_last`;
  const visit = kind === "visit" ? "AND c.event = 'visit'" : "";
  return `(${first} <= ${to} AND ${last} >= ${from} AND (${last} <= ${to} OR ${first} >= ${from}
    OR EXISTS (SELECT 1 FROM daily_counters c WHERE c.device_id = t.device_id AND c.day BETWEEN ${from} AND ${to}
               AND c.tool = t.tool ${visit})))`;
}

/**
 * SQL text: the discovery_spans row `s` (an extension, browser or embedded tool of a device)
 * has a raw row on a day between the SQL expressions `from` and `to`, decided as above: only
 * a span that crosses the whole period is looked up in its raw table.
 */
export function discoveredWithin(from: string, to: string): string {
  const raw = (table: string, column: string) =>
    `EXISTS (SELECT 1 FROM ${table} r WHERE r.device_id = s.device_id AND r.day BETWEEN ${from} AND ${to}
             AND r.${column} = s.item)`;
  return `(s.first_day <= ${to} AND s.last_day >= ${from} AND (s.last_day <= ${to} OR s.first_day >= ${from}
    OR CASE s.kind WHEN 'extension' THEN ${raw("device_extensions", "extension")}
      WHEN 'browser' THEN ${raw("device_browsers", "browser")} ELSE ${raw("embeds", "tool")} END))`;
}
