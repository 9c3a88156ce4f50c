import * as z from "zod";
import { LIMITS } from "../limits";
import { groupLabel } from "../protocol";
import { count, timestamp } from "./common";

// ---------------------------------------------------------------------------- devices

/** An ISO week, `2026-W48`: the finest time the device list shows (no days, no times). */
const isoWeek = z.string().regex(/^\d{4}-W(?:0[1-9]|[1-4]\d|5[0-3])$/, "must be an ISO week YYYY-Www");

const FLAG_STATES = ["pending", "kept", "excluded"] as const;
const flagState = z.enum(FLAG_STATES);
export type FlagState = z.infer<typeof flagState>;

/** Why the cron flagged a device: a measure of its counts far above the fleet's. */
const FLAG_REASONS = ["visits", "answers"] as const;

const deviceFlag = z.strictObject({
  /** What stood out: the device's total visits, or its answers to nudges, in one day. */
  reason: z.enum(FLAG_REASONS),
  /** The device's count that day, and the median over the devices that reported that day. */
  value: z.number().int().min(0),
  fleetMedian: z.number().int().min(0),
  flaggedWeek: isoWeek,
  state: flagState,
});

/** A device as the (admin-only) device list shows it: coarse on purpose. */
const deviceEntry = z.strictObject({
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

const auditEntry = z.strictObject({
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
