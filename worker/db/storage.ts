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
 * can send them in its own batch (the counts as raw statements without parameters: the size comes with each result);
 * `storageOf` reads their results.
 */
export function storageQueries(db: Database, since: string) {
  return [
    db.run(sql.raw(COUNTER_ROWS)),
    db.run(sql.raw(DEVICE_ROWS)),
    db
      .select({ day: storageDays.day, bytes: storageDays.bytes })
      .from(storageDays)
      .where(gte(storageDays.day, since))
      .orderBy(asc(storageDays.day)),
  ] as const;
}

export function storageOf(counters: D1Result, devices: D1Result, history: Array<{ day: string; bytes: number }>) {
  return {
    ...figuresOf(counters, devices),
    history: history.map((row) => ({ day: row.day, bytes: Number(row.bytes) })),
  };
}
