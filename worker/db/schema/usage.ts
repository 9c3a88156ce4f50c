import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/*
 * What devices counted: per-device counters and their spans, the organization's daily
 * rollups, justification reasons and unknown AI domains.
 */

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
    // The review queue's distinct devices per tool: only review requests, a few rows, so
    // the queue never scans every counter.
    index("daily_counters_review_requests").on(t.tool, t.deviceId).where(sql`event = 'review_requested'`),
  ],
);

/**
 * First and last day each device used each tool: exact, cheap active-device counts. Besides
 * the span of every trace (counters, installed extensions, the AI browser), the span of the
 * device's counters of the tool and of its visits (null when it has none): a period's
 * distinct devices count every row whose span ends or starts inside the period, and look up
 * the raw counters only for spans that cross the whole period (evidence/period.ts).
 */
export const deviceTools = sqliteTable(
  "device_tools",
  {
    deviceId: text("device_id").notNull(),
    tool: text("tool").notNull(),
    firstSeen: text("first_seen").notNull(),
    lastSeen: text("last_seen").notNull(),
    countedFirst: text("counted_first"),
    countedLast: text("counted_last"),
    visitFirst: text("visit_first"),
    visitLast: text("visit_last"),
  },
  (t) => [
    primaryKey({ columns: [t.deviceId, t.tool] }),
    // Covers the dashboard's per-tool queries (spans, devices since a day) without touching
    // the table. Like the one below, it changes only when a span grows (a device's first
    // trace of a tool on a later day), not with every report.
    index("device_tools_tool_last_seen_device").on(t.tool, t.lastSeen, t.deviceId, t.firstSeen),
    // Covers the spans a period's distinct devices are read from (db/spans.ts): the
    // counters' (tools used) and the visits' (literacy), without reading the table.
    index("device_tools_tool_spans").on(t.tool, t.countedLast, t.countedFirst, t.visitLast, t.visitFirst, t.deviceId),
  ],
);

/**
 * Organization-wide totals per day, tool, event and policy version. `n` grows at ingest by
 * exactly how much each device's counter grew (max-merge turned into a delta in the same
 * transaction), so dashboards sum a few rows per day instead of every device's counters.
 * `devices` (distinct devices) is filled by the cron when the day's raw counters are purged;
 * within the raw window it is null and distinct counts come from the raw tables.
 */
export const dailyRollups = sqliteTable(
  "daily_rollups",
  {
    day: text("day").notNull(),
    tool: text("tool").notNull(),
    event: text("event").notNull(),
    policyVersion: integer("policy_version").notNull(),
    n: integer("n").notNull(),
    devices: integer("devices"),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.tool, t.event, t.policyVersion] }),
    // All-time totals per tool and event (inventory, tool detail) read from the index alone,
    // in order, instead of sorting every day's rows.
    index("daily_rollups_tool_event").on(t.tool, t.event, t.n),
  ],
);

/**
 * Per device, policy version and event: the first and last day it happened. Awareness and
 * evidence count distinct devices from here ("412 devices acknowledged v4"), never sums of
 * self-reported `n`. Purged like every per-device table once `last_day` leaves the retention.
 */
export const deviceEvents = sqliteTable(
  "device_events",
  {
    deviceId: text("device_id").notNull(),
    policyVersion: integer("policy_version").notNull(),
    event: text("event").notNull(),
    firstDay: text("first_day").notNull(),
    lastDay: text("last_day").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.deviceId, t.policyVersion, t.event] }),
    index("device_events_version_event").on(t.policyVersion, t.event, t.lastDay),
    // Awareness counts devices per version and event: covered without reading the table.
    index("device_events_version_event_device").on(t.policyVersion, t.event, t.deviceId),
  ],
);

/**
 * Distinct devices that reported anything about a tool on a day: what k is compared with for
 * every per-day cell of a tool (trends, first seen). Grown by ingest when a device's first
 * counter of that day and tool arrives; holds no device id, so it is kept after the raw purge.
 */
export const toolDays = sqliteTable(
  "tool_days",
  {
    day: text("day").notNull(),
    tool: text("tool").notNull(),
    devices: integer("devices").notNull(),
  },
  // The index covers each tool's first and last day and busiest day (inventory, overview).
  (t) => [primaryKey({ columns: [t.day, t.tool] }), index("tool_days_tool").on(t.tool, t.day, t.devices)],
);

/** Distinct devices with an event under a policy version on a day, across tools (awareness trends). */
export const eventDays = sqliteTable(
  "event_days",
  {
    day: text("day").notNull(),
    event: text("event").notNull(),
    policyVersion: integer("policy_version").notNull(),
    devices: integer("devices").notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.event, t.policyVersion] })],
);

/** Cumulative per-device, per-day counts of a justification reason chosen for a tool (max-merged). */
export const justifications = sqliteTable(
  "justifications",
  {
    deviceId: text("device_id").notNull(),
    day: text("day").notNull(),
    tool: text("tool").notNull(),
    reason: text("reason").notNull(),
    policyVersion: integer("policy_version").notNull(),
    n: integer("n").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.deviceId, t.day, t.tool, t.reason, t.policyVersion] }),
    index("justifications_day").on(t.day),
    // Covers the exceptions register (per tool and reason: requests, distinct devices, days).
    index("justifications_tool_reason").on(t.tool, t.reason, t.deviceId, t.n, t.day),
  ],
);

/** Justifications of days past the raw retention, summed per day (distinct devices that day). */
export const justificationRollups = sqliteTable(
  "justification_rollups",
  {
    day: text("day").notNull(),
    tool: text("tool").notNull(),
    reason: text("reason").notNull(),
    policyVersion: integer("policy_version").notNull(),
    n: integer("n").notNull(),
    devices: integer("devices").notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.tool, t.reason, t.policyVersion] })],
);

/** Cumulative per-device, per-day visits to unknown AI-looking registrable domains (max-merged). */
export const candidates = sqliteTable(
  "candidates",
  {
    deviceId: text("device_id").notNull(),
    day: text("day").notNull(),
    domain: text("domain").notNull(),
    n: integer("n").notNull(),
    /** The signals reported for the domain that day, as a bit set (shared/catalog/candidates.ts); 0: none named. */
    signals: integer("signals").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.deviceId, t.day, t.domain] }),
    index("candidates_day").on(t.day),
    // Covers the candidates view (per domain: distinct devices and visits).
    index("candidates_domain").on(t.domain, t.deviceId, t.n),
    // Whether a domain was seen in a period, in one seek (evidence pack).
    index("candidates_domain_day").on(t.domain, t.day),
  ],
);

/** Candidate visits of days past the raw retention, summed per day (distinct devices that day). */
export const candidateRollups = sqliteTable(
  "candidate_rollups",
  {
    day: text("day").notNull(),
    domain: text("domain").notNull(),
    n: integer("n").notNull(),
    devices: integer("devices").notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.domain] })],
);
