import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/*
 * What the worker stores. Devices are random pseudonyms; nothing here can hold a URL path,
 * a page title, an IP address or a User-Agent: the tables have no column for them.
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
  },
  (t) => [
    index("devices_last_report_day").on(t.lastReportDay),
    index("devices_enrollment_token").on(t.enrollmentTokenId, t.enrolledAt),
    index("devices_group").on(t.groupLabel),
  ],
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
  (t) => [
    primaryKey({ columns: [t.deviceId, t.tool] }),
    // Covers the dashboard's per-tool queries (spans, devices since a day) without touching
    // the table. It is the only index, so it costs no more rows written than the one before.
    index("device_tools_tool_last_seen_device").on(t.tool, t.lastSeen, t.deviceId, t.firstSeen),
  ],
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
  /** The organization has an enterprise agreement for the tool (1) or records none (0). */
  agreement: integer("agreement", { mode: "boolean" }).notNull().default(false),
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
  (t) => [primaryKey({ columns: [t.day, t.tool, t.event, t.policyVersion] })],
);

/** Days on which each device reported: exact, cheap "active devices in a period". */
export const deviceDays = sqliteTable(
  "device_days",
  {
    day: text("day").notNull(),
    deviceId: text("device_id").notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.deviceId] })],
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
  (t) => [primaryKey({ columns: [t.day, t.tool] }), index("tool_days_tool").on(t.tool, t.day)],
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
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.day, t.domain] }), index("candidates_day").on(t.day)],
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

/**
 * Cumulative per-device, per-day counts of what became of pastes the sensitive-data guard
 * stopped: per tool, detector (or "unscanned") and outcome (warned, pasted_anyway, removed,
 * blocked), max-merged. Which detector and what the person did, never anything of the text.
 */
export const guardCounts = sqliteTable(
  "guard_counts",
  {
    deviceId: text("device_id").notNull(),
    day: text("day").notNull(),
    tool: text("tool").notNull(),
    detector: text("detector").notNull(),
    outcome: text("outcome").notNull(),
    policyVersion: integer("policy_version").notNull(),
    n: integer("n").notNull(),
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
    day: text("day").notNull(),
    tool: text("tool").notNull(),
    detector: text("detector").notNull(),
    outcome: text("outcome").notNull(),
    policyVersion: integer("policy_version").notNull(),
    n: integer("n").notNull(),
    devices: integer("devices").notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.tool, t.detector, t.outcome, t.policyVersion] })],
);

/**
 * Every candidate domain reported within the retention window, with the security team's
 * triage (`state` and who changed it). Holds no device id; untriaged domains that no device
 * reported within the window are purged with the raw rows.
 */
export const candidateDomains = sqliteTable("candidate_domains", {
  domain: text("domain").primaryKey(),
  firstSeen: text("first_seen").notNull(),
  /** Untriaged domains no device reported within the retention window are purged. */
  lastSeen: text("last_seen").notNull().default(""),
  state: text("state").notNull().default("new"),
  updatedAt: integer("updated_at"),
  updatedBy: text("updated_by"),
});

/** The governance lead's decision on a (tool, reason) exception request; absent means "pending". */
export const exceptionDecisions = sqliteTable(
  "exception_decisions",
  {
    tool: text("tool").notNull(),
    reason: text("reason").notNull(),
    owner: text("owner"),
    decision: text("decision").notNull(),
    expiry: text("expiry"),
    updatedAt: integer("updated_at").notNull(),
    updatedBy: text("updated_by").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tool, t.reason] })],
);

/**
 * Aggregate webhook events already written to the outbox, so the cron emits each once: a tool
 * or candidate domain reaching k devices, a day's justification requests per tool and reason.
 */
export const webhookEmitted = sqliteTable(
  "webhook_emitted",
  {
    kind: text("kind").notNull(),
    subject: text("subject").notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.subject] })],
);

/**
 * Webhook events waiting for delivery by the cron (the outbox pattern): daily aggregates that
 * cover at least k devices, written by the cron, delivered at least once, retried with
 * backoff. `data` holds ids, days and counts only; the body is composed and signed at delivery.
 */
export const webhookOutbox = sqliteTable(
  "webhook_outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind").notNull(),
    data: text("data").notNull(),
    createdAt: integer("created_at").notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    deliveredAt: integer("delivered_at"),
    /** Set when retries are exhausted; the event is kept for inspection until purged. */
    failedAt: integer("failed_at"),
    lastError: text("last_error"),
  },
  (t) => [index("webhook_outbox_pending").on(t.deliveredAt, t.failedAt, t.nextAttemptAt)],
);

/**
 * Every evidence pack generated, as a chain: each names the SHA-256 of the one before, and
 * carries it inside its signed content, so a series of downloaded packs is tamper-evident.
 */
export const evidencePacks = sqliteTable("evidence_packs", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  generatedAt: integer("generated_at").notNull(),
  periodFrom: text("period_from").notNull(),
  periodTo: text("period_to").notNull(),
  sha256: text("sha256").notNull().unique(),
  previousSha256: text("previous_sha256"),
});

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

/**
 * Per device and day, the catalogued AI browser extensions installed (by catalog id) and
 * whether each was enabled that day (max-merged: once enabled, enabled). Presence also
 * feeds `device_tools` and `tool_days`, so an extension is an inventory entry like a tool.
 */
export const deviceExtensions = sqliteTable(
  "device_extensions",
  {
    deviceId: text("device_id").notNull(),
    day: text("day").notNull(),
    extension: text("extension").notNull(),
    enabled: integer("enabled").notNull(),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.day, t.extension] }), index("device_extensions_day").on(t.day)],
);

/** Per device and day, how many installed extensions looked like AI assistants but are not in the catalog: a number only. */
export const unknownExtensions = sqliteTable(
  "unknown_extensions",
  {
    deviceId: text("device_id").notNull(),
    day: text("day").notNull(),
    n: integer("n").notNull(),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.day] }), index("unknown_extensions_day").on(t.day)],
);

/** Per device and day, the AI browser the extension ran in (one a day). Feeds `device_tools` and `tool_days` too. */
export const deviceBrowsers = sqliteTable(
  "device_browsers",
  {
    deviceId: text("device_id").notNull(),
    day: text("day").notNull(),
    browser: text("browser").notNull(),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.day] }), index("device_browsers_day").on(t.day)],
);

/**
 * Per device and day, requests that a site's pages made to an AI tool's API or widget hosts:
 * the site's registrable domain and the tool, max-merged. Nothing about the page or the request.
 */
export const embeds = sqliteTable(
  "embeds",
  {
    deviceId: text("device_id").notNull(),
    day: text("day").notNull(),
    site: text("site").notNull(),
    tool: text("tool").notNull(),
    n: integer("n").notNull(),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.day, t.site, t.tool] }), index("embeds_day").on(t.day)],
);

/**
 * Distinct devices per day on which a site embedded an AI tool, grown at ingest like
 * `tool_days`: what k is compared with. Holds no device id, so it outlives the raw purge.
 */
export const embedDays = sqliteTable(
  "embed_days",
  {
    day: text("day").notNull(),
    site: text("site").notNull(),
    tool: text("tool").notNull(),
    devices: integer("devices").notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.site, t.tool] }), index("embed_days_tool").on(t.tool, t.day)],
);

/**
 * The organization's own catalog entries: internal or approved AI tools, extra hosts of a
 * catalogued tool, or extensions by store id, added by admins from the dashboard. `body` is
 * the entry as validated (shared/admin/organization.ts); devices receive every entry with the
 * policy, so no redeploy is needed.
 */
export const organizationEntries = sqliteTable("organization_entries", {
  id: text("id").primaryKey(),
  body: text("body").notNull(),
  createdAt: integer("created_at").notNull(),
  createdBy: text("created_by").notNull(),
  updatedAt: integer("updated_at").notNull(),
  updatedBy: text("updated_by").notNull(),
});

/**
 * Per device and day, the keyed hashes (tokens) of unknown AI-looking extensions it holds:
 * never an id or a name. The server only counts devices per token; tokens that at least k
 * devices nominated are published with the policy, and only then may a device name one.
 */
export const extensionTokens = sqliteTable(
  "extension_tokens",
  {
    deviceId: text("device_id").notNull(),
    day: text("day").notNull(),
    token: text("token").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.deviceId, t.day, t.token] }),
    index("extension_tokens_token").on(t.token, t.deviceId),
    index("extension_tokens_day").on(t.day),
  ],
);

/** Per device and day, unknown AI-looking extensions named after their token reached k devices. */
export const revealedExtensions = sqliteTable(
  "revealed_extensions",
  {
    deviceId: text("device_id").notNull(),
    day: text("day").notNull(),
    store: text("store").notNull(),
    extensionId: text("extension_id").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.deviceId, t.day, t.store, t.extensionId] }),
    index("revealed_extensions_day").on(t.day),
  ],
);

/**
 * The review queue's own state per tool: who owns the request and where it stands. The
 * requests themselves are the devices' `review_requested` counts; a tool with requests and no
 * row here is open. A closed request that devices ask for again after `closed_day` is open
 * again.
 */
export const reviewRequests = sqliteTable("review_requests", {
  tool: text("tool").primaryKey(),
  state: text("state").notNull(),
  owner: text("owner"),
  note: text("note"),
  closedDay: text("closed_day"),
  updatedAt: integer("updated_at").notNull(),
  updatedBy: text("updated_by").notNull(),
});
