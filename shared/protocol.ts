import * as z from "zod";
import { canonicalHost, slug } from "./catalog/schema";
import { isValidDay } from "./day";
import { EVENTS, REVIEW_STATUSES } from "./events";
import { LIMITS } from "./limits";
import { policySchema } from "./policy/schema";

/*
 * The wire protocol between the extension and the worker. These schemas are the single
 * source of truth: the worker validates with them and the extension builds its bodies
 * from the inferred types. Objects are strict: an unknown field is refused, never stored.
 */

export const groupLabel = z
  .string()
  .min(1)
  .max(LIMITS.maxGroupLength)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._/-]*$/u, "must be letters, digits, spaces and . _ / -");

export const enrollRequest = z.strictObject({
  token: z.string().min(8).max(200),
  group: groupLabel.optional(),
  browser: z.enum(["chrome", "edge", "firefox", "other"]).optional(),
  extensionVersion: z
    .string()
    .regex(/^\d{1,5}(?:\.\d{1,5}){0,3}$/, "must be a version like 1.2.3")
    .optional(),
});
export type EnrollRequest = z.infer<typeof enrollRequest>;

export const enrollResponse = z.strictObject({
  deviceId: z.string(),
  deviceToken: z.string(),
});
export type EnrollResponse = z.infer<typeof enrollResponse>;

export const dayString = z.string().refine(isValidDay, "must be a calendar day YYYY-MM-DD");

export const counter = z.strictObject({
  tool: slug,
  event: z.enum(EVENTS),
  policyVersion: z.number().int().min(0).max(1_000_000),
  n: z.number().int().min(1).max(LIMITS.maxCounterValue),
});
export type Counter = z.infer<typeof counter>;

export const reportDay = z.strictObject({
  day: dayString,
  counters: z.array(counter).min(1).max(LIMITS.maxCountersPerDay),
});
export type ReportDay = z.infer<typeof reportDay>;

/** A registrable domain (eTLD+1) in canonical form: what an unknown AI site is reported as. */
export const registrableDomain = canonicalHost;

/** Cumulative count of one justification reason chosen for one tool on one day. */
export const justificationCount = z.strictObject({
  day: dayString,
  tool: slug,
  reason: slug,
  policyVersion: z.number().int().min(0).max(1_000_000),
  n: z.number().int().min(1).max(LIMITS.maxCounterValue),
});
export type JustificationCount = z.infer<typeof justificationCount>;

/** Cumulative visits on one day to a site that looks like an AI tool but is not in the catalog. */
export const candidateCount = z.strictObject({
  day: dayString,
  domain: registrableDomain,
  n: z.number().int().min(1).max(LIMITS.maxCounterValue),
});
export type CandidateCount = z.infer<typeof candidateCount>;

export const reportRequest = z
  .strictObject({
    days: z.array(reportDay).max(LIMITS.maxDaysPerReport),
    justifications: z.array(justificationCount).max(LIMITS.maxCountersPerDay).optional(),
    candidates: z.array(candidateCount).max(LIMITS.maxCountersPerDay).optional(),
  })
  .superRefine((report, ctx) => {
    if (report.days.length === 0 && !report.justifications?.length && !report.candidates?.length) {
      ctx.addIssue({ code: "custom", path: ["days"], message: "a report must carry at least one count" });
    }
    const days = new Set<string>();
    report.days.forEach((entry, i) => {
      if (days.has(entry.day)) {
        ctx.addIssue({ code: "custom", path: ["days", i, "day"], message: `day ${entry.day} appears twice` });
      }
      days.add(entry.day);
      const keys = new Set<string>();
      entry.counters.forEach((c, j) => {
        const key = `${c.tool}|${c.event}|${c.policyVersion}`;
        if (keys.has(key)) {
          ctx.addIssue({
            code: "custom",
            path: ["days", i, "counters", j],
            message: `counter ${c.tool}/${c.event}/v${c.policyVersion} appears twice in one day`,
          });
        }
        keys.add(key);
      });
    });
    const unique = <T>(items: T[] | undefined, field: string, keyOf: (item: T) => string) => {
      const seen = new Set<string>();
      items?.forEach((item, i) => {
        const key = keyOf(item);
        if (seen.has(key)) ctx.addIssue({ code: "custom", path: [field, i], message: `${key} appears twice` });
        seen.add(key);
      });
    };
    unique(report.justifications, "justifications", (j) => `${j.day}/${j.tool}/${j.reason}/v${j.policyVersion}`);
    unique(report.candidates, "candidates", (c) => `${c.day}/${c.domain}`);
  });
export type ReportRequest = z.infer<typeof reportRequest>;

/**
 * How many reports one device may send per window. The extension flushes every 15 minutes
 * and on "Send now", retrying with backoff, so this leaves a wide margin; a device above it
 * gets a 429 with Retry-After. The worker's REPORT_RATE_LIMIT variable overrides `reports`.
 */
export const REPORT_RATE_LIMIT = { windowSeconds: 3600, reports: 120 } as const;

export const reportResponse = z.strictObject({
  accepted: z.number().int(),
  changed: z.number().int(),
});
export type ReportResponse = z.infer<typeof reportResponse>;

export const toolReviewWire = z.strictObject({
  status: z.enum(REVIEW_STATUSES),
  alternative: slug.nullable().optional(),
});

export const policyResponse = z.strictObject({
  policy: policySchema,
  reviews: z.record(slug, toolReviewWire),
  reporting: z.boolean(),
});
export type PolicyResponse = z.infer<typeof policyResponse>;

export const errorResponse = z.strictObject({
  error: z.string(),
  issues: z.array(z.string()).optional(),
});
export type ErrorResponse = z.infer<typeof errorResponse>;
