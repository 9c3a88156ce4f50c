import * as z from "zod";
import { slug } from "../catalog/schema";
import type { EVENTS } from "../events";
import { lessonSchema } from "../lessons/schema";
import { policySchema } from "../policy/schema";
import { day, maskedCount, shortText, timestamp } from "./common";
import { guardSummary } from "./guard";
import { literacyCoverage } from "./literacy";

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
      /** Active devices whose newest counts were made under this version: the devices running it. */
      running: maskedCount,
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
  /** Lessons completed by the devices that used the tools they are relevant to, last 30 days. */
  literacy: literacyCoverage,
  /** Sensitive-data warnings and what people did, last 30 days. */
  guard: guardSummary,
});
export type AwarenessResponse = z.infer<typeof awarenessResponse>;

// ---------------------------------------------------------------------------- exceptions

const exceptionDecision = z.enum(["pending", "granted", "denied"]);
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

// ---------------------------------------------------------------------------- policy

const policyVersionEntry = z.strictObject({
  version: z.number().int(),
  publishedAt: timestamp,
  publishedBy: z.string(),
});

export const policyListResponse = z.strictObject({ current: policySchema, versions: z.array(policyVersionEntry) });
export type PolicyListResponse = z.infer<typeof policyListResponse>;

export const policyVersionResponse = z.strictObject({ policy: policySchema });
export type PolicyVersionResponse = z.infer<typeof policyVersionResponse>;

/** `POST /policy/validate` and `POST /policy`: the policy is checked field by field on the server. */
export const policyRequest = z.strictObject({ policy: z.unknown() });

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

/**
 * `GET /policy/lessons`: the lessons of the policy in force, every lesson version ever
 * published (a version is the policy version that first carried its text), and the default
 * lessons this server was built with, for an editor starting from none.
 */
export const lessonsResponse = z.strictObject({
  lessons: z.array(lessonSchema),
  versions: z.array(
    z.strictObject({
      lesson: slug,
      version: z.number().int(),
      policyVersion: z.number().int(),
      publishedAt: timestamp,
      publishedBy: z.string(),
    }),
  ),
  defaults: z.array(lessonSchema),
});
export type LessonsResponse = z.infer<typeof lessonsResponse>;
