import { sql } from "drizzle-orm";
import { check, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/*
 * What ingest keeps for itself: the guard that rolls back a stale write, and the reports a
 * queue consumer dropped.
 */

/**
 * Never holds a row: its CHECK refuses every insert, so an ingest batch whose guard finds a
 * device changed since its counts were checked inserts here and rolls back (db/ingest.ts).
 */
export const ingestGuard = sqliteTable("ingest_guard", { deviceId: text("device_id").notNull() }, () => [
  check("ingest_guard_refuses_every_row", sql`0`),
]);

/**
 * Reports that passed the checks made when they were queued but not those made when they
 * were applied, and were dropped: per day received and reason, no device id (the device is
 * flagged for review instead). An honest device never lands here.
 */
export const ingestRefusals = sqliteTable(
  "ingest_refusals",
  {
    day: text("day").notNull(),
    reason: text("reason").notNull(),
    reports: integer("reports").notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.reason] })],
);
