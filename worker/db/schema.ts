import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/*
 * What the worker stores. Devices are random pseudonyms; nothing here can hold a URL path,
 * a page title, an IP address or a User-Agent: the tables have no column for them.
 */

/** Enrollment tokens an admin created; only their SHA-256 hash is kept. */
export const enrollmentTokens = sqliteTable("enrollment_tokens", {
  id: text("id").primaryKey(),
  label: text("label").notNull(),
  tokenHash: text("token_hash").notNull().unique(),
  createdAt: integer("created_at").notNull(),
  revokedAt: integer("revoked_at"),
});

export const devices = sqliteTable(
  "devices",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull().unique(),
    groupLabel: text("group_label"),
    browser: text("browser"),
    extensionVersion: text("extension_version"),
    enrolledAt: integer("enrolled_at").notNull(),
    /** Day of the latest report: the coverage measure. */
    lastReportDay: text("last_report_day"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("devices_last_report_day").on(t.lastReportDay)],
);

/**
 * Cumulative per-device, per-day counters, upserted with max(old, new) so a retried or
 * duplicated report never counts twice.
 */
export const dailyCounters = sqliteTable(
  "daily_counters",
  {
    deviceId: text("device_id").notNull(),
    day: text("day").notNull(),
    tool: text("tool").notNull(),
    event: text("event").notNull(),
    policyVersion: integer("policy_version").notNull(),
    n: integer("n").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.deviceId, t.day, t.tool, t.event, t.policyVersion] }),
    index("daily_counters_day_tool").on(t.day, t.tool),
  ],
);

/** First and last day each device used each tool: exact, cheap active-device counts. */
export const deviceTools = sqliteTable(
  "device_tools",
  {
    deviceId: text("device_id").notNull(),
    tool: text("tool").notNull(),
    firstSeen: text("first_seen").notNull(),
    lastSeen: text("last_seen").notNull(),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.tool] }), index("device_tools_tool_last_seen").on(t.tool, t.lastSeen)],
);

/** The security team's review of a tool. */
export const toolReviews = sqliteTable("tool_reviews", {
  tool: text("tool").primaryKey(),
  status: text("status").notNull(),
  owner: text("owner"),
  notes: text("notes"),
  conditions: text("conditions"),
  nextReview: text("next_review"),
  alternative: text("alternative"),
  updatedAt: integer("updated_at").notNull(),
  updatedBy: text("updated_by").notNull(),
});

/** Published acceptable-use policy versions; the highest version is in force. */
export const policyVersions = sqliteTable("policy_versions", {
  version: integer("version").primaryKey(),
  body: text("body").notNull(),
  publishedAt: integer("published_at").notNull(),
  publishedBy: text("published_by").notNull(),
});

/** Every admin action, append-only. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: integer("at").notNull(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    target: text("target"),
    detail: text("detail"),
  },
  (t) => [index("audit_log_at").on(t.at)],
);
