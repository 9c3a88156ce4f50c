import * as z from "zod";
import { canonicalHost, pathRule, slug, toolFacts } from "./catalog/schema";
import { isValidDay } from "./day";
import { EVENTS, REVIEW_STATUSES } from "./events";
import { LIMITS } from "./limits";
import { policySchema } from "./policy/schema";
import { groupLabel } from "./protocol";

/*
 * The admin API between the worker and the dashboard (worker/ADMIN-API.md describes the
 * routes). Every request and response shape is a schema here and its TypeScript type is
 * inferred from it: the worker validates requests with them and the tests parse responses
 * with them, so the dashboard and the worker cannot drift apart silently.
 *
 * Conventions: timestamps are milliseconds since the epoch (UTC); days are `YYYY-MM-DD`
 * (UTC); counts are non-negative integers. k-anonymity: every figure that covers fewer than
 * k devices is null (withheld), in every view; a tool's or domain's existence stays visible,
 * with its first and last seen coarsened to the Monday of their week. A breakdown by device
 * group shows each group of at least k devices and merges the others into one row
 * (`group: null, other: true`) whose figures are withheld unless together they reach k.
 */

const day = z.string().refine(isValidDay, "must be a calendar day YYYY-MM-DD");
const count = z.number().int().min(0);
const timestamp = z.number().int();
/** A count that k-anonymity may withhold. */
const maskedCount = count.nullable();

export const role = z.enum(["viewer", "admin"]);
export type Role = z.infer<typeof role>;
export const reviewStatus = z.enum(REVIEW_STATUSES);
export const riskLevel = z.enum(["low", "medium", "high"]);
export const eventCounts = z.partialRecord(z.enum(EVENTS), count);
export type EventCounts = z.infer<typeof eventCounts>;

// ---------------------------------------------------------------------------- errors

// Refusals have one shape for the device and the admin API: `errorResponse` in protocol.ts.

// ---------------------------------------------------------------------------- GET /me

export const meResponse = z.strictObject({
  actor: z.string(),
  role,
  /** The smallest group any breakdown shows. */
  k: z.number().int().min(1),
});
export type MeResponse = z.infer<typeof meResponse>;

// ---------------------------------------------------------------------------- GET /overview

/** One day of use: visits and distinct devices, both withheld when fewer than k devices. */
export const usageDay = z.strictObject({ day, visits: maskedCount, devices: maskedCount });
export type UsageDay = z.infer<typeof usageDay>;

export const overviewResponse = z.strictObject({
  /** Catalog tools ever seen in the organization. */
  toolsTotal: count,
  /** Tools first seen in the last 7 days. */
  toolsNewThisWeek: count,
  /** Devices that used any AI tool in the last 7 days. */
  activeDevices7: maskedCount,
  /** Devices enrolled and not revoked. */
  enrolledDevices: maskedCount,
  /** Devices that sent a report about the last 7 days. */
  reportingDevices7: maskedCount,
  /** The policy in force: active devices (last 30 days) that acknowledged it. */
  ackCoverage: z.strictObject({ policyVersion: z.number().int(), acknowledged: maskedCount, active: maskedCount }),
  /** The most used tools and categories of the last 7 days, among those used by at least k devices. */
  topTools: z.array(z.strictObject({ id: slug, name: z.string(), category: slug, devices7: count })),
  topCategories: z.array(z.strictObject({ category: slug, name: z.string(), devices7: count })),
  /** The last 30 days, oldest first. */
  trend: z.array(usageDay),
  /** The database: its size now and over the last 30 days (D1's own figure), for capacity. */
  storage: z.strictObject({
    bytes: count,
    counterRows: count,
    devices: count,
    history: z.array(z.strictObject({ day, bytes: count })),
  }),
});
export type OverviewResponse = z.infer<typeof overviewResponse>;

// ---------------------------------------------------------------------------- GET /inventory

export const inventoryTool = z.strictObject({
  id: slug,
  name: z.string(),
  category: slug,
  /** The category's display name from the catalog. */
  categoryName: z.string(),
  vendor: z.string(),
  status: reviewStatus,
  risk: z.number().int(),
  level: riskLevel,
  /** Devices that used the tool in the last 30 days (the same as devices30). */
  devices: maskedCount,
  devices7: maskedCount,
  devices30: maskedCount,
  /**
   * True when fewer than k devices ever used the tool (within the retention window): visits,
   * events and trend are withheld and first/last seen are the Monday of their week.
   */
  withheld: z.boolean(),
  visits: maskedCount,
  events: eventCounts,
  firstSeen: day,
  lastSeen: day,
  /** Visits per day over the last 30 days, oldest first; null where fewer than k devices. */
  trend: z.array(maskedCount).length(30),
});
export type InventoryTool = z.infer<typeof inventoryTool>;

export const inventoryResponse = z.strictObject({ tools: z.array(inventoryTool) });
export type InventoryResponse = z.infer<typeof inventoryResponse>;

// ---------------------------------------------------------------------------- tools and reviews

export const toolReview = z.strictObject({
  status: reviewStatus,
  owner: z.string().nullable(),
  notes: z.string().nullable(),
  conditions: z.string().nullable(),
  nextReview: day.nullable(),
  alternative: slug.nullable(),
  updatedAt: timestamp,
  updatedBy: z.string(),
});
export type ToolReview = z.infer<typeof toolReview>;

export const toolDetailResponse = z.strictObject({
  tool: z.strictObject({
    id: slug,
    name: z.string(),
    description: z.string(),
    category: slug,
    categoryName: z.string(),
    vendor: z.strictObject({ id: slug, name: z.string(), country: z.string(), website: z.string() }),
    hosts: z.array(canonicalHost),
    paths: z.array(pathRule),
    facts: toolFacts,
    risk: z.number().int(),
    level: riskLevel,
  }),
  review: toolReview.nullable(),
  usage: z.strictObject({
    /** The last 30 days, oldest first. */
    trend: z.array(usageDay),
    /** Withheld (empty) when fewer than k devices ever used the tool. */
    events: eventCounts,
    devices7: maskedCount,
    devices30: maskedCount,
    withheld: z.boolean(),
    /** Coarsened to the Monday of the week when withheld. */
    firstSeen: day.nullable(),
    lastSeen: day.nullable(),
  }),
});
export type ToolDetailResponse = z.infer<typeof toolDetailResponse>;

const shortText = (max: number) => z.string().trim().max(max);

/** `PUT /tools/:id/review`: the whole review; an omitted field is cleared. */
export const reviewRequest = z.strictObject({
  status: reviewStatus,
  owner: shortText(120).nullable().optional(),
  notes: shortText(4000).nullable().optional(),
  conditions: shortText(2000).nullable().optional(),
  nextReview: day.nullable().optional(),
  /** An approved tool to use instead, by catalog id. */
  alternative: slug.nullable().optional(),
});
export type ReviewRequest = z.infer<typeof reviewRequest>;

// ---------------------------------------------------------------------------- candidates

export const candidateState = z.enum(["new", "dismissed", "added"]);
export type CandidateState = z.infer<typeof candidateState>;

export const candidate = z.strictObject({
  domain: canonicalHost,
  /** Coarsened to the Monday of the week when fewer than k devices visited it. */
  firstSeen: day,
  lastSeen: day,
  /** Fewer than k devices visited it within the retention window: its figures are withheld. */
  fewerThanK: z.boolean(),
  /** Distinct devices that visited it within the raw-data retention window. */
  devices: maskedCount,
  visits: maskedCount,
  state: candidateState,
});
export type Candidate = z.infer<typeof candidate>;

export const candidatesResponse = z.strictObject({ candidates: z.array(candidate) });
export type CandidatesResponse = z.infer<typeof candidatesResponse>;

export const candidateTriageRequest = z.strictObject({ state: candidateState });
export type CandidateTriageRequest = z.infer<typeof candidateTriageRequest>;

export const candidateTriageResponse = z.strictObject({ domain: canonicalHost, state: candidateState });
export type CandidateTriageResponse = z.infer<typeof candidateTriageResponse>;

// ---------------------------------------------------------------------------- awareness

/** The nudge outcomes the awareness funnel counts, in the funnel's order. */
export const FUNNEL_EVENTS = [
  "nudge_shown",
  "acknowledged",
  "justified",
  "redirected",
  "blocked",
  "dismissed",
  "left",
  "nudge_tampered",
] as const satisfies ReadonlyArray<(typeof EVENTS)[number]>;

/**
 * Acknowledgement coverage of one device group. Groups below k devices are merged into one
 * row with `other: true` (and `group: null`); `suppressed` rows carry no figures.
 */
export const groupCoverage = z.strictObject({
  /** The device group label; null for devices enrolled without one, and for the merged row. */
  group: z.string().nullable(),
  /** This row merges every group of fewer than k devices. */
  other: z.boolean(),
  acknowledged: maskedCount,
  active: maskedCount,
  suppressed: z.boolean(),
});
export type GroupCoverage = z.infer<typeof groupCoverage>;

export const awarenessResponse = z.strictObject({
  k: z.number().int().min(1),
  policyVersion: z.number().int(),
  /**
   * Active = devices that reported about any of the last 30 days, are not revoked and are not
   * flagged for review. A device counts as having acknowledged a version once, however often.
   */
  versions: z.array(
    z.strictObject({
      version: z.number().int(),
      publishedAt: timestamp,
      acknowledged: maskedCount,
      active: maskedCount,
    }),
  ),
  byGroup: z.array(groupCoverage),
  /** Distinct devices with each outcome under this policy version (within the retention window). */
  funnel: z.strictObject({
    nudge_shown: maskedCount,
    acknowledged: maskedCount,
    justified: maskedCount,
    redirected: maskedCount,
    blocked: maskedCount,
    dismissed: maskedCount,
    left: maskedCount,
    nudge_tampered: maskedCount,
  }),
  /** Distinct devices per day over the last 30 days, oldest first. */
  trend: z.array(z.strictObject({ day, nudge_shown: maskedCount, acknowledged: maskedCount })),
});
export type AwarenessResponse = z.infer<typeof awarenessResponse>;

// ---------------------------------------------------------------------------- exceptions

export const exceptionDecision = z.enum(["pending", "granted", "denied"]);
export type ExceptionDecision = z.infer<typeof exceptionDecision>;

export const exceptionEntry = z.strictObject({
  tool: slug,
  toolName: z.string(),
  reason: slug,
  reasonLabel: z.string(),
  /** Times people gave this reason for this tool (withheld below k devices). */
  requests: maskedCount,
  /** Distinct devices that gave it within the raw-data retention window (withheld below k). */
  devices: maskedCount,
  /** Coarsened to the Monday of the week when fewer than k devices. */
  firstSeen: day,
  lastSeen: day,
  owner: z.string().nullable(),
  decision: exceptionDecision,
  expiry: day.nullable(),
});
export type ExceptionEntry = z.infer<typeof exceptionEntry>;

export const exceptionsResponse = z.strictObject({ exceptions: z.array(exceptionEntry) });
export type ExceptionsResponse = z.infer<typeof exceptionsResponse>;

export const exceptionDecisionRequest = z.strictObject({
  owner: shortText(120).nullable().optional(),
  decision: exceptionDecision,
  expiry: day.nullable().optional(),
});
export type ExceptionDecisionRequest = z.infer<typeof exceptionDecisionRequest>;

// ---------------------------------------------------------------------------- policy

export const policyVersionEntry = z.strictObject({
  version: z.number().int(),
  publishedAt: timestamp,
  publishedBy: z.string(),
});
export type PolicyVersionEntry = z.infer<typeof policyVersionEntry>;

export const policyListResponse = z.strictObject({ current: policySchema, versions: z.array(policyVersionEntry) });
export type PolicyListResponse = z.infer<typeof policyListResponse>;

export const policyVersionResponse = z.strictObject({ policy: policySchema });
export type PolicyVersionResponse = z.infer<typeof policyVersionResponse>;

/** `POST /policy/validate` and `POST /policy`: the policy is checked field by field on the server. */
export const policyRequest = z.strictObject({ policy: z.unknown() });
export type PolicyRequest = z.infer<typeof policyRequest>;

export const policyValidateResponse = z.strictObject({ ok: z.boolean(), issues: z.array(z.string()) });
export type PolicyValidateResponse = z.infer<typeof policyValidateResponse>;

/** The published policy carries the version the server gave it (the highest so far plus one). */
export const policyPublishResponse = z.strictObject({
  version: z.number().int(),
  publishedAt: timestamp,
  publishedBy: z.string(),
  policy: policySchema,
});
export type PolicyPublishResponse = z.infer<typeof policyPublishResponse>;

// ---------------------------------------------------------------------------- devices

/** An ISO week, `2026-W48`: the finest time the device list shows (no days, no times). */
export const isoWeek = z.string().regex(/^\d{4}-W(?:0[1-9]|[1-4]\d|5[0-3])$/, "must be an ISO week YYYY-Www");

export const FLAG_STATES = ["pending", "kept", "excluded"] as const;
export const flagState = z.enum(FLAG_STATES);
export type FlagState = z.infer<typeof flagState>;

/** Why the cron flagged a device: a measure of its counts far above the fleet's. */
export const deviceFlag = z.strictObject({
  reason: z.string(),
  /** The device's value and the fleet's median on the flagged day, in words. */
  detail: z.string(),
  flaggedWeek: isoWeek,
  state: flagState,
});
export type DeviceFlag = z.infer<typeof deviceFlag>;

/** A device as the (admin-only) device list shows it: coarse on purpose. */
export const deviceEntry = z.strictObject({
  id: z.string(),
  /** Null when the device has no group or its group has fewer than k enrolled devices. */
  group: z.string().nullable(),
  groupSuppressed: z.boolean(),
  browser: z.string().nullable(),
  extensionVersion: z.string().nullable(),
  enrolledWeek: isoWeek,
  /** The week of its latest report; null before the first. */
  lastReportWeek: isoWeek.nullable(),
  revoked: z.boolean(),
  flag: deviceFlag.nullable(),
});
export type DeviceEntry = z.infer<typeof deviceEntry>;

export const devicesResponse = z.strictObject({
  /** Enrolled and not revoked. */
  enrolled: count,
  /** Not revoked and reported about any of the last 7 days. */
  reporting7: count,
  revoked: count,
  /** Flagged devices waiting for review (kept out of the evidence pack meanwhile). */
  flaggedPending: count,
  /** Every device row (revoked ones too), for paging with `limit` and `offset`. */
  total: count,
  devices: z.array(deviceEntry),
});
export type DevicesResponse = z.infer<typeof devicesResponse>;

export const devicesQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  offset: z.coerce.number().int().min(0).default(0),
  /** Only flagged devices (any state). */
  flagged: z.enum(["true", "false"]).optional(),
});

/** `PUT /devices/:id/flag`: keep a flagged device's counts in the evidence, or exclude them. */
export const flagReviewRequest = z.strictObject({ state: z.enum(["kept", "excluded"]) });
export type FlagReviewRequest = z.infer<typeof flagReviewRequest>;

// ---------------------------------------------------------------------------- enrollment tokens

export const enrollmentTokenEntry = z.strictObject({
  /** "bootstrap" for the ENROLLMENT_TOKEN secret, which cannot be revoked here. */
  id: z.string(),
  label: z.string(),
  bootstrap: z.boolean(),
  group: z.string().nullable(),
  /** Most devices that may be enrolled with it at once (the group's expected headcount). */
  maxDevices: z.number().int().min(1),
  /** Devices enrolled with it and not revoked. */
  devices: count,
  /** Enrollments in the last 24 hours. */
  enrolledLast24h: count,
  /** Enrollments jumped: more in the last 24 hours than LIMITS.enrollmentJump allows. */
  enrollmentJump: z.boolean(),
  createdAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
});
export type EnrollmentTokenEntry = z.infer<typeof enrollmentTokenEntry>;

export const enrollmentTokensResponse = z.strictObject({ tokens: z.array(enrollmentTokenEntry) });
export type EnrollmentTokensResponse = z.infer<typeof enrollmentTokensResponse>;

const maxDevices = z.number().int().min(1).max(LIMITS.maxDevicesPerToken);

export const enrollmentTokenRequest = z.strictObject({
  label: z.string().trim().min(1).max(80),
  /** The group its devices belong to; a device never chooses its own group. */
  group: groupLabel.nullable().optional(),
  maxDevices,
});
export type EnrollmentTokenRequest = z.infer<typeof enrollmentTokenRequest>;

/** `PATCH /enrollment-tokens/:id`: change the cap (the group's headcount changed). */
export const enrollmentTokenUpdate = z.strictObject({ maxDevices });
export type EnrollmentTokenUpdate = z.infer<typeof enrollmentTokenUpdate>;

/** The token itself is shown once, here; the server keeps only its hash. */
export const enrollmentTokenCreated = z.strictObject({
  id: z.string(),
  label: z.string(),
  group: z.string().nullable(),
  maxDevices: z.number().int(),
  token: z.string(),
});
export type EnrollmentTokenCreated = z.infer<typeof enrollmentTokenCreated>;

// ---------------------------------------------------------------------------- audit

export const auditEntry = z.strictObject({
  id: z.number().int(),
  at: timestamp,
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditEntry = z.infer<typeof auditEntry>;

export const auditResponse = z.strictObject({
  entries: z.array(auditEntry),
  /** Pass as `before` to read the next (older) page; null on the last page. */
  nextBefore: z.number().int().nullable(),
});
export type AuditResponse = z.infer<typeof auditResponse>;

export const auditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().min(1).optional(),
});

// ---------------------------------------------------------------------------- evidence pack

export const evidenceFormat = z.enum(["json", "csv", "html"]);

export const evidenceQuery = z.strictObject({
  format: evidenceFormat.default("json"),
  from: day.optional(),
  to: day.optional(),
});

/** A control of a standard that a figure gives evidence for. */
export const evidenceControl = z.strictObject({
  /** Stable id, e.g. "iso42001-7.3" or "eu-ai-act-art4". */
  id: z.string(),
  framework: z.enum(["ISO/IEC 42001:2023", "EU AI Act"]),
  reference: z.string(),
  title: z.string(),
});
export type EvidenceControl = z.infer<typeof evidenceControl>;

/**
 * Where a figure comes from: counts the devices reported themselves, or the organization's
 * own records (reviews, decisions, policy versions), which no device can change.
 */
export const evidenceBasis = z.enum(["device-reports", "admin-records"]);

/** One measured figure: numerator of denominator over the period, in words and in numbers. */
export const evidenceFigure = z.strictObject({
  id: slug,
  title: z.string(),
  /** Never above the denominator. */
  numerator: count,
  denominator: count,
  basis: evidenceBasis,
  /** What the figure shows, what it cannot, and what would prove it wrong. */
  trust: z.string(),
  /** What the denominator counts, e.g. "active devices". */
  denominatorLabel: z.string(),
  /** "412 of 530 active devices acknowledged policy v4 (2026-08-01 to 2026-10-29)". */
  statement: z.string(),
  /** Ids of the controls in `controls`. */
  controls: z.array(z.string()).min(1),
  from: day,
  to: day,
});
export type EvidenceFigure = z.infer<typeof evidenceFigure>;

/** A figure that is a count, not a share ("2 policy versions published in the period"). */
export const evidenceCount = z.strictObject({
  id: slug,
  title: z.string(),
  value: count,
  statement: z.string(),
  basis: evidenceBasis,
  trust: z.string(),
  controls: z.array(z.string()).min(1),
});
export type EvidenceCount = z.infer<typeof evidenceCount>;

/** A tool used in the period, as the AI-system inventory lists it (ISO/IEC 42001 A.4, A.10). */
export const evidenceTool = z.strictObject({
  id: slug,
  name: z.string(),
  category: z.string(),
  vendor: z.string(),
  level: riskLevel,
  status: reviewStatus,
  owner: z.string().nullable(),
  nextReview: day.nullable(),
  conditions: z.string().nullable(),
  /** Devices that used it in the period (withheld below k). */
  devices: maskedCount,
});

export const evidenceSignature = z.strictObject({
  algorithm: z.literal("Ed25519"),
  /** base64url of the 32-byte public key; compare with the one the server publishes. */
  publicKey: z.string(),
  value: z.string(),
});

export const evidencePack = z.strictObject({
  /** The pack format. */
  format: z.literal(2),
  generatedAt: timestamp,
  generatedBy: z.string(),
  period: z.strictObject({ from: day, to: day, days: count }),
  k: z.number().int().min(1),
  policy: z.strictObject({ version: z.number().int(), name: z.string(), publishedAt: timestamp }),
  controls: z.array(evidenceControl),
  figures: z.array(evidenceFigure),
  counts: z.array(evidenceCount),
  /** Acknowledgement of the policy in force by device group, small groups merged and suppressed. */
  byGroup: z.array(groupCoverage),
  /** Every AI tool used in the period, with its review, owner and next review date. */
  inventory: z.array(evidenceTool),
  /** The exceptions register: requests made in the period and their decisions. */
  exceptions: z.array(
    z.strictObject({
      tool: slug,
      toolName: z.string(),
      reason: slug,
      reasonLabel: z.string(),
      requests: maskedCount,
      devices: maskedCount,
      decision: z.enum(["pending", "granted", "denied"]),
      owner: z.string().nullable(),
      expiry: day.nullable(),
    }),
  ),
  /** Every policy version published up to the end of the period. */
  policyVersions: z.array(
    z.strictObject({ version: z.number().int(), name: z.string(), publishedAt: timestamp, publishedBy: z.string() }),
  ),
  /** How each figure is measured and what it cannot show. */
  method: z.array(z.string()),
  /** What a dishonest device can and cannot do to these figures. */
  trustModel: z.array(z.string()),
  /** Why a figure here may differ from the dashboard's views. */
  notes: z.array(z.string()),
  /** Devices flagged as outliers and left out of every device figure until reviewed. */
  excludedDevices: count,
  /** SHA-256 of the pack generated before this one on this server (null for the first). */
  previousHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
  signature: evidenceSignature,
});
export type EvidencePack = z.infer<typeof evidencePack>;
