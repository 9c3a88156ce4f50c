import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/*
 * Lesson outcomes per device and day, their spans per device, and their daily rollups.
 */

/**
 * Cumulative per-device, per-day counts of a lesson outcome (opened, completed, passed at the
 * first try) for one lesson version, max-merged like the counters. Past the raw retention
 * they are summed into lesson_rollups and deleted.
 */
export const lessonOutcomes = sqliteTable(
  "lesson_outcomes",
  {
    deviceId: text("device_id").notNull(),
    day: text("day").notNull(),
    lesson: text("lesson").notNull(),
    version: integer("version").notNull(),
    outcome: text("outcome").notNull(),
    n: integer("n").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.deviceId, t.day, t.lesson, t.version, t.outcome] }),
    index("lesson_outcomes_day").on(t.day),
  ],
);

/**
 * Per device, lesson version and outcome: the first and last day it happened. Literacy
 * coverage counts distinct devices from here, never sums of `n`. Purged once `last_day`
 * leaves the retention window, like device_events.
 */
export const deviceLessons = sqliteTable(
  "device_lessons",
  {
    deviceId: text("device_id").notNull(),
    lesson: text("lesson").notNull(),
    version: integer("version").notNull(),
    outcome: text("outcome").notNull(),
    firstDay: text("first_day").notNull(),
    lastDay: text("last_day").notNull(),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.lesson, t.version, t.outcome] })],
);

/** Lesson outcomes of days past the raw retention, summed per day (distinct devices that day). */
export const lessonRollups = sqliteTable(
  "lesson_rollups",
  {
    day: text("day").notNull(),
    lesson: text("lesson").notNull(),
    version: integer("version").notNull(),
    outcome: text("outcome").notNull(),
    n: integer("n").notNull(),
    devices: integer("devices").notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.lesson, t.version, t.outcome] })],
);
