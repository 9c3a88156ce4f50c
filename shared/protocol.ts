import * as z from "zod";
import { CANDIDATE_SIGNALS, type CandidateSignal } from "./catalog/candidates";
import { chromiumExtensionId, geckoExtensionId, STORES } from "./catalog/discovery";
import { organizationEntry } from "./catalog/organization";
import { canonicalHost, slug } from "./catalog/schema";
import { isValidDay } from "./day";
import { EVENTS, REVIEW_QUEUE_STATES, REVIEW_STATUSES } from "./events";
import { groupLabel } from "./group";
import { GUARD_OUTCOMES, GUARD_SUBJECTS } from "./guard/outcomes";
import { LESSON_OUTCOMES } from "./lessons/schema";
import { LIMITS } from "./limits";
import { policySchema } from "./policy/schema";

/*
 * The wire protocol between the extension and the worker. These schemas are the single
 * source of truth: the worker validates with them and the extension builds its bodies
 * from the inferred types. Objects are strict: an unknown field is refused, never stored.
 */

export { groupLabel };

export const enrollRequest = z.strictObject({
  token: z.string().min(8).max(200),
  group: groupLabel.optional(),
  browser: z.enum(["chrome", "edge", "firefox", "other"]).optional(),
  extensionVersion: z
    .string()
    .regex(/^\d{1,5}(?:\.\d{1,5}){0,3}$/, "must be a version like 1.2.3")
    .optional(),
});

export const enrollResponse = z.strictObject({
  deviceId: z.string(),
  deviceToken: z.string(),
  /**
   * The device's group, decided by the server: the enrollment token's group, or a group the
   * client asked for that the server knows. Null when the device belongs to no group.
   */
  group: groupLabel.nullable(),
});
export type EnrollResponse = z.infer<typeof enrollResponse>;

const dayString = z.string().refine(isValidDay, "must be a calendar day YYYY-MM-DD");

const counter = z.strictObject({
  tool: slug,
  event: z.enum(EVENTS),
  policyVersion: z.number().int().min(0).max(1_000_000),
  n: z.number().int().min(1).max(LIMITS.maxCounterValue),
});

const reportDay = z.strictObject({
  day: dayString,
  counters: z.array(counter).min(1).max(LIMITS.maxCountersPerDay),
});
export type ReportDay = z.infer<typeof reportDay>;

/** A registrable domain (eTLD+1) in canonical form: what an unknown AI site is reported as. */
export const registrableDomain = canonicalHost;

/** Cumulative count of one justification reason chosen for one tool on one day. */
const justificationCount = z.strictObject({
  day: dayString,
  tool: slug,
  reason: slug,
  policyVersion: z.number().int().min(0).max(1_000_000),
  n: z.number().int().min(1).max(LIMITS.maxCounterValue),
});
export type JustificationCount = z.infer<typeof justificationCount>;

/**
 * Cumulative visits on one day to a site that looks like an AI tool but is not in the catalog,
 * and which signals said so that day (catalog/candidates.ts); absent from devices older than
 * the field, whose only signal was the hostname. A site noticed only by its API calls or a
 * sign-in counts 1 for the day. Signals are listed once each, in the enum's order.
 */
const candidateCount = z.strictObject({
  day: dayString,
  domain: registrableDomain,
  n: z.number().int().min(1).max(LIMITS.maxCounterValue),
  signals: z
    .array(z.enum(CANDIDATE_SIGNALS))
    .min(1)
    .max(CANDIDATE_SIGNALS.length)
    .refine(
      (signals) =>
        signals.every(
          (signal, i) =>
            i === 0 || CANDIDATE_SIGNALS.indexOf(signals[i - 1] as CandidateSignal) < CANDIDATE_SIGNALS.indexOf(signal),
        ),
      "signals must be listed once each, in the enum's order",
    )
    .optional(),
});
export type CandidateCount = z.infer<typeof candidateCount>;

/**
 * Cumulative count of one lesson outcome (opened, completed, passed at the first try) for one
 * lesson version on one day. No answer, no time and no tool: the lesson id is the policy's own.
 */
const lessonCount = z.strictObject({
  day: dayString,
  lesson: slug,
  version: z.number().int().min(1).max(1_000_000),
  outcome: z.enum(LESSON_OUTCOMES),
  n: z.number().int().min(1).max(LIMITS.maxCounterValue),
});
export type LessonCount = z.infer<typeof lessonCount>;

/**
 * A catalogued AI browser extension installed on the device on one day (by its catalog id,
 * never its store id); `enabled` when it was switched on at any time that day.
 */
const extensionPresence = z.strictObject({ day: dayString, extension: slug, enabled: z.boolean() });

/** How many installed extensions that are not in the catalog looked like AI assistants on one day: a number only. */
const unknownExtensionCount = z.strictObject({
  day: dayString,
  n: z.number().int().min(1).max(LIMITS.maxUnknownExtensionsPerDay),
});

/** The AI browser (a catalog browser entry) the extension ran in on one day. */
const browserPresence = z.strictObject({ day: dayString, browser: slug });

/**
 * Requests that pages of one site made to a catalogued AI API or widget host on one day: the
 * site as its registrable domain, the AI tool whose host was called, and how many requests.
 */
const embedCount = z.strictObject({
  day: dayString,
  site: registrableDomain,
  tool: slug,
  n: z.number().int().min(1).max(LIMITS.maxCounterValue),
});

/**
 * An unknown AI-looking extension, nominated without naming it: a keyed hash of its store and
 * id (HMAC-SHA-256 under the organization's census key, which the server never holds, first
 * 16 bytes in hex). The server counts devices per token and publishes the tokens that at
 * least k devices nominated; only then does a device name the extension (`revealedExtensions`).
 */
const extensionToken = z.strictObject({
  day: dayString,
  token: z.string().regex(/^[0-9a-f]{32}$/, "must be 32 lowercase hex digits"),
});

/** An unknown AI-looking extension whose token the server published as nominated by k devices or more. */
const revealedExtension = z.strictObject({
  day: dayString,
  store: z.enum(STORES),
  id: z.union([chromiumExtensionId, geckoExtensionId]),
});

/**
 * Cumulative count of one sensitive-data guard outcome for one tool and detector on one day
 * (under the policy version that decided it). Which detector and what the person did: never
 * the text, a match or a hash of either.
 */
const guardCount = z.strictObject({
  day: dayString,
  tool: slug,
  detector: z.enum(GUARD_SUBJECTS),
  outcome: z.enum(GUARD_OUTCOMES),
  policyVersion: z.number().int().min(0).max(1_000_000),
  n: z.number().int().min(1).max(LIMITS.maxCounterValue),
});
export type GuardCount = z.infer<typeof guardCount>;

export const reportRequest = z
  .strictObject({
    days: z.array(reportDay).max(LIMITS.maxDaysPerReport),
    justifications: z.array(justificationCount).max(LIMITS.maxCountersPerDay).optional(),
    candidates: z.array(candidateCount).max(LIMITS.maxCountersPerDay).optional(),
    lessons: z.array(lessonCount).max(LIMITS.maxCountersPerDay).optional(),
    extensions: z.array(extensionPresence).max(LIMITS.maxCountersPerDay).optional(),
    unknownExtensions: z.array(unknownExtensionCount).max(LIMITS.maxDaysPerReport).optional(),
    browsers: z.array(browserPresence).max(LIMITS.maxDaysPerReport).optional(),
    embeds: z.array(embedCount).max(LIMITS.maxCountersPerDay).optional(),
    extensionTokens: z.array(extensionToken).max(LIMITS.maxCountersPerDay).optional(),
    revealedExtensions: z.array(revealedExtension).max(LIMITS.maxCountersPerDay).optional(),
    guard: z.array(guardCount).max(LIMITS.maxCountersPerDay).optional(),
  })
  .superRefine((report, ctx) => {
    const sections = [
      report.justifications,
      report.candidates,
      report.lessons,
      report.extensions,
      report.unknownExtensions,
      report.browsers,
      report.embeds,
      report.extensionTokens,
      report.revealedExtensions,
      report.guard,
    ];
    if (report.days.length === 0 && !sections.some((section) => section?.length)) {
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
    unique(report.lessons, "lessons", (l) => `${l.day}/${l.lesson}/v${l.version}/${l.outcome}`);
    unique(report.extensions, "extensions", (e) => `${e.day}/${e.extension}`);
    unique(report.unknownExtensions, "unknownExtensions", (u) => u.day);
    unique(report.browsers, "browsers", (b) => b.day);
    unique(report.embeds, "embeds", (e) => `${e.day}/${e.site}/${e.tool}`);
    unique(report.extensionTokens, "extensionTokens", (t) => `${t.day}/${t.token}`);
    unique(report.revealedExtensions, "revealedExtensions", (r) => `${r.day}/${r.store}/${r.id}`);
    unique(report.guard, "guard", (g) => `${g.day}/${g.tool}/${g.detector}/${g.outcome}/v${g.policyVersion}`);
  });
export type ReportRequest = z.infer<typeof reportRequest>;

/** Fields every accepted report's answer carries about the policy in force. */
const policyInForce = {
  /** The policy version in force (absent from servers older than this field). */
  policyVersion: z.number().int().min(1).optional(),
  /**
   * The ETag `GET /api/v1/policy` answers now: a device whose last policy has another one
   * fetches the policy at once (absent from servers older than this field).
   */
  policyEtag: z.string().min(1).max(200).optional(),
};

/**
 * 200: the report was applied, `changed` counts grew. 202: it was queued (the worker's
 * INGEST_MODE "queue") and is applied within seconds; its counts are checked again then.
 * Both name the policy in force, so a device learns of a new one either way.
 */
export const reportResponse = z.union([
  z.strictObject({ accepted: z.number().int(), changed: z.number().int(), ...policyInForce }),
  z.strictObject({ accepted: z.number().int(), queued: z.literal(true), ...policyInForce }),
]);
export type ReportResponse = z.infer<typeof reportResponse>;

const toolReviewWire = z.strictObject({
  status: z.enum(REVIEW_STATUSES),
  alternative: slug.nullable().optional(),
  /** Present when the organization records an enterprise agreement for the tool. */
  agreement: z.literal(true).optional(),
});

export const policyResponse = z.strictObject({
  policy: policySchema,
  reviews: z.record(slug, toolReviewWire),
  reporting: z.boolean(),
  /** The organization's own catalog entries, merged into the device's catalog (absent: none). */
  organization: z.array(organizationEntry).max(LIMITS.maxOrganizationEntries).optional(),
  /**
   * Extension tokens that at least k devices nominated within the retention window: a device
   * holding an unknown AI-looking extension with one of these tokens may name it (absent: none).
   */
  revealExtensions: z.array(extensionToken.shape.token).max(LIMITS.maxRevealedTokens).optional(),
});
export type PolicyResponse = z.infer<typeof policyResponse>;

/**
 * `GET /api/v1/review-requests?tool=a&tool=b`: where the device's own requests to review a
 * tool stand, for the tools it asked about and has itself requested (others are left out), and
 * the tool's review status now (null: not reviewed).
 */
export const deviceReviewRequestsResponse = z.strictObject({
  requests: z.record(
    slug,
    z.strictObject({ state: z.enum(REVIEW_QUEUE_STATES), review: z.enum(REVIEW_STATUSES).nullable() }),
  ),
});
export type DeviceReviewRequestsResponse = z.infer<typeof deviceReviewRequestsResponse>;

// Refusals: one structured shape for every error the worker sends (shared/refusals.ts).
export * from "./refusals";
