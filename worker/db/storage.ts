import { asc, gte, sql } from "drizzle-orm";
import type { Database } from "./client";
import { storageDays } from "./schema";

/*
 * How big the database is: D1 reports the database's size in bytes with every result
 * (`meta.size_after`); the cron records it once a day (storage_days) so the dashboard can
 * show growth against D1's 10 GB cap.
 */

export interface StorageFigures {
  bytes: number;
  counterRows: number;
  devices: number;
}

/** The database's size now, with the two row counts that drive it. */
async function measureStorage(d1: D1Database): Promise<StorageFigures> {
  const [counters, devices] = await d1.batch([d1.prepare(COUNTER_ROWS), d1.prepare(DEVICE_ROWS)]);
  return figuresOf(counters, devices);
}

const COUNTER_ROWS = "SELECT count(*) AS n FROM daily_counters";
const DEVICE_ROWS = "SELECT count(*) AS n FROM devices";

function figuresOf(counters: D1Result | undefined, devices: D1Result | undefined): StorageFigures {
  const first = (result: D1Result | undefined) => Number((result?.results?.[0] as { n?: number } | undefined)?.n ?? 0);
  return {
    bytes: Number(devices?.meta.size_after ?? counters?.meta.size_after ?? 0),
    counterRows: first(counters),
    devices: first(devices),
  };
}

/** Records today's figures (once a day; a later run the same day updates them). */
export async function recordStorage(d1: D1Database, day: string): Promise<StorageFigures> {
  const figures = await measureStorage(d1);
  await d1
    .prepare(
      `INSERT INTO storage_days (day, bytes, counter_rows, devices) VALUES (?1, ?2, ?3, ?4)
       ON CONFLICT (day) DO UPDATE SET bytes = excluded.bytes, counter_rows = excluded.counter_rows,
         devices = excluded.devices`,
    )
    .bind(day, figures.bytes, figures.counterRows, figures.devices)
    .run();
  return figures;
}

/**
 * The statements of the size now and the recorded sizes since `since`, unexecuted so a view
 * can send them in its own batch (the device count as a raw statement without parameters: the
 * size comes with each result); `storageOf` reads their results.
 */
export function storageQueries(db: Database, since: string) {
  return [
    db.run(sql.raw(DEVICE_ROWS)),
    db
      .select({ day: storageDays.day, bytes: storageDays.bytes, counterRows: storageDays.counterRows })
      .from(storageDays)
      .where(gte(storageDays.day, since))
      .orderBy(asc(storageDays.day)),
  ] as const;
}

/**
 * The size now, the device rows now, and the counter rows as the daily job last counted them:
 * counting millions of raw rows on every look at the overview would cost more than the rest of
 * it together. Before the first daily job (or after a month without one) they are counted now.
 */
export async function storageOf(
  d1: D1Database,
  devices: D1Result,
  history: Array<{ day: string; bytes: number; counterRows: number }>,
) {
  const recorded = history.at(-1);
  const now = figuresOf(recorded ? undefined : await d1.prepare(COUNTER_ROWS).all(), devices);
  return {
    ...now,
    counterRows: recorded ? Number(recorded.counterRows) : now.counterRows,
    counterRowsDay: recorded?.day ?? null,
    history: history.map((row) => ({ day: row.day, bytes: Number(row.bytes) })),
  };
}
