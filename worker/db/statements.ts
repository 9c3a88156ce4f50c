/*
 * Statement helpers of the ingest batch (db/ingest.ts): rows travel as one JSON array bound to
 * a single parameter and unpacked with json_each, chunked so a statement stays a few tens of
 * kilobytes.
 */

export type Row = Array<string | number | null>;

/** Rows per statement: a JSON parameter of a few tens of kilobytes. */
export const ROWS_PER_STATEMENT = 1_000;

export function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** `WITH v(a, b, ...) AS (rows of the JSON array ?1)`, for a statement over `columns`. */
export function rowsOf(columns: string[]): string {
  const fields = columns.map((_, i) => `value ->> ${i}`).join(", ");
  return `WITH v(${columns.join(", ")}) AS (SELECT ${fields} FROM json_each(?1))`;
}

/** One statement per chunk of `rows`, each binding its chunk as JSON. */
export function statementsFor(d1: D1Database, sql: string, rows: Row[]): D1PreparedStatement[] {
  return chunk(rows, ROWS_PER_STATEMENT).map((part) => d1.prepare(sql).bind(JSON.stringify(part)));
}

/** The first and last day per key of the rows. */
export function spans<T>(
  rows: T[],
  keyOf: (row: T) => string,
  dayOf: (row: T) => string,
): Map<string, [string, string]> {
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
  return found;
}

/**
 * Adds to `rollup`, a count of distinct devices per day and key, the devices whose first row
 * of that day and key this is: those with no row yet in `raw`, the per-device table keyed by
 * device, day and the `matched` columns of v. `keys` names each key column of the rollup
 * after the column of v that fills it. Runs just before the upsert into `raw`, in the same
 * transaction, over the same rows (`columns`).
 */
export function newDevicesOfDay(
  columns: string[],
  rollup: string,
  keys: Record<string, string>,
  raw: string,
  matched: string[],
): string {
  const rollupKeys = ["day", ...Object.keys(keys)].join(", ");
  const values = ["day", ...Object.values(keys)].map((column) => `v.${column}`).join(", ");
  const match = ["device_id", "day", ...matched].map((column) => `r.${column} = v.${column}`).join(" AND ");
  return `${rowsOf(columns)}
  INSERT INTO ${rollup} (${rollupKeys}, devices)
  SELECT ${values}, count(DISTINCT v.device_id) FROM v
  WHERE NOT EXISTS (SELECT 1 FROM ${raw} AS r WHERE ${match})
  GROUP BY ${values}
  ON CONFLICT (${rollupKeys}) DO UPDATE SET devices = ${rollup}.devices + excluded.devices`;
}
