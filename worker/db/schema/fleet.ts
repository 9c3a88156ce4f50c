import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/*
 * Devices and how they enroll: tokens, pseudonyms, the days each reported, outlier flags,
 * and the database's size per day.
 */

/**
 * Enrollment tokens an admin created; only their SHA-256 hash is kept. A token carries the
 * group its devices belong to (the server decides groups, never the client) and a cap on
 * the devices enrolled with it: the group's expected headcount.
 */
export const enrollmentTokens = sqliteTable("enrollment_tokens", {
  id: text("id").primaryKey(),
  label: text("label").notNull(),
  tokenHash: text("token_hash").notNull().unique(),
  groupLabel: text("group_label"),
  maxDevices: integer("max_devices").notNull().default(1000),
  createdAt: integer("created_at").notNull(),
  revokedAt: integer("revoked_at"),
});

export const devices = sqliteTable(
  "devices",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull().unique(),
    groupLabel: text("group_label"),
    /** The enrollment token it enrolled with; null for the bootstrap ENROLLMENT_TOKEN. */
    enrollmentTokenId: text("enrollment_token_id"),
    browser: text("browser"),
    extensionVersion: text("extension_version"),
    /** Internal only (enrollment-rate alarms); views show the week at most. */
    enrolledAt: integer("enrolled_at").notNull(),
    /** Day of the latest report: the coverage measure. */
    lastReportDay: text("last_report_day"),
    revokedAt: integer("revoked_at"),
    /**
     * Bumped by every ingest batch that writes the device's counts: a batch whose checks read
     * an older value is rolled back and checked again (see db/ingest.ts).
     */
    ingestSeq: integer("ingest_seq").notNull().default(0),
  },
  (t) => [
    index("devices_last_report_day").on(t.lastReportDay),
    index("devices_enrollment_token").on(t.enrollmentTokenId, t.enrolledAt),
    index("devices_group").on(t.groupLabel),
  ],
);

/** Days on which each device reported: exact, cheap "active devices in a period". */
export const deviceDays = sqliteTable(
  "device_days",
  {
    day: text("day").notNull(),
    deviceId: text("device_id").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.deviceId] }),
    // Whether one device reported within a period, in one seek (evidence/period.ts).
    index("device_days_device").on(t.deviceId, t.day),
  ],
);

/**
 * Devices whose counts stand out against the fleet (found by the cron). Until an admin
 * reviews one, it is kept out of the evidence pack; `state` is pending, kept or excluded.
 */
export const deviceFlags = sqliteTable("device_flags", {
  deviceId: text("device_id").primaryKey(),
  reason: text("reason").notNull(),
  /** JSON `{value, fleetMedian}`: the device's count and the fleet's median that day. */
  detail: text("detail").notNull(),
  flaggedDay: text("flagged_day").notNull(),
  state: text("state").notNull().default("pending"),
  reviewedAt: integer("reviewed_at"),
  reviewedBy: text("reviewed_by"),
});

/** The database's size each day (from D1's own figure), so growth is visible on the dashboard. */
export const storageDays = sqliteTable("storage_days", {
  day: text("day").primaryKey(),
  bytes: integer("bytes").notNull(),
  counterRows: integer("counter_rows").notNull(),
  devices: integer("devices").notNull(),
});
