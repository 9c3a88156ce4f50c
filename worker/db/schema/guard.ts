import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/*
 * Sensitive-data guard outcomes per device and day, and their daily rollups.
 */

/** What a guard count is about (day, tool, detector, outcome, policy version) and the count. */
const guardCount = () => ({
  day: text("day").notNull(),
  tool: text("tool").notNull(),
  detector: text("detector").notNull(),
  outcome: text("outcome").notNull(),
  policyVersion: integer("policy_version").notNull(),
  n: integer("n").notNull(),
});

/**
 * Cumulative per-device, per-day counts of what became of pastes the sensitive-data guard
 * stopped: per tool, detector (or "unscanned") and outcome (warned, pasted_anyway, removed,
 * blocked), max-merged. Which detector and what the person did, never anything of the text.
 */
export const guardCounts = sqliteTable(
  "guard_counts",
  {
    deviceId: text("device_id").notNull(),
    ...guardCount(),
  },
  (t) => [
    primaryKey({ columns: [t.deviceId, t.day, t.tool, t.detector, t.outcome, t.policyVersion] }),
    index("guard_counts_day").on(t.day),
  ],
);

/** Guard counts of days past the raw retention, summed per day (distinct devices that day). */
export const guardRollups = sqliteTable(
  "guard_rollups",
  {
    ...guardCount(),
    devices: integer("devices").notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.tool, t.detector, t.outcome, t.policyVersion] })],
);
