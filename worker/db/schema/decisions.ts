import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/*
 * The organization's own decisions and records: reviews and review requests, policy
 * versions, exceptions, candidate triage, its catalog entries, the audit log, evidence packs
 * and webhooks.
 */

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

/** Published acceptable-use policy versions; the highest version is in force. */
export const policyVersions = sqliteTable("policy_versions", {
  version: integer("version").primaryKey(),
  body: text("body").notNull(),
  publishedAt: integer("published_at").notNull(),
  publishedBy: text("published_by").notNull(),
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
  /**
   * Every signal any device reported for the domain, as a bit set (shared/catalog/candidates.ts);
   * 0: reported only by extensions older than signals, whose one signal was the hostname.
   */
  signals: integer("signals").notNull().default(0),
});

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
