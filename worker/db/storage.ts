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
  const [counters, devices] = await d1.batch([
    d1.prepare("SELECT count(*) AS n FROM daily_counters"),
    d1.prepare("SELECT count(*) AS n FROM devices"),
  ]);
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

/** Now, and the recorded sizes since `since`. */
export async function storageNow(d1: D1Database, since: string) {
  const [figures, history] = await Promise.all([
    measureStorage(d1),
    d1
      .prepare("SELECT day, bytes FROM storage_days WHERE day >= ?1 ORDER BY day")
      .bind(since)
      .all<{ day: string; bytes: number }>(),
  ]);
  return { ...figures, history: history.results.map((row) => ({ day: row.day, bytes: Number(row.bytes) })) };
}
