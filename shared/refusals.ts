import * as z from "zod";

/*
 * How the worker refuses a request, for the device and the admin API alike: a stable code,
 * English words for people, and for a refused report every count it refused with the reason.
 * Clients act on the codes, never on the words.
 */

/**
 * Why a request was refused, as a stable code clients act on. `error` is English for people
 * and may change wording at any time; code never depends on it.
 */
const ERROR_CODES = [
  /** The body or query string does not match the schema (400); `issues` names each problem. */
  "invalid_request",
  /** The body is larger than LIMITS.maxBodyBytes (413). */
  "payload_too_large",
  "not_found",
  "conflict",
  /** Admin API: no valid credentials (401) or no role allowing this (403). */
  "unauthenticated",
  "forbidden",
  /** Device API: no device token was sent (401). */
  "device_token_missing",
  /** The device token is unknown, for example after retention removed a silent device: enroll again (401). */
  "device_unknown",
  /** An admin revoked this device: stop reporting and do not enroll again (403). */
  "device_revoked",
  /** The enrollment token is wrong or was revoked (401). */
  "enrollment_token_invalid",
  /** The enrollment token's group already has as many devices as its cap allows (403). */
  "enrollment_full",
  /** The group the client asked for is not one the server knows (422). */
  "group_unknown",
  /** Too many requests; wait `retryAfter` seconds (429, also in the Retry-After header). */
  "rate_limited",
  /** A report was refused as a whole, nothing stored (422); `refused` lists every count and why. */
  "report_refused",
  /** An admin change was refused, nothing changed (400 or 422); `issues` names each problem. */
  "change_refused",
  /** The server lacks a setting this request needs (503), e.g. the evidence signing key. */
  "not_configured",
  /** The report could not be handed to the queue, nothing was stored (503): send the same counts again later. */
  "queue_unavailable",
  "internal",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Why one count of a report was refused. */
export const REFUSAL_REASONS = [
  /** The worker's catalog has no such tool (an extension ahead of its server). */
  "unknown_tool",
  /** Not a justification reason of that policy version. */
  "unknown_reason",
  /** The day is older than the retention window or in the future. */
  "day_out_of_window",
  /** The policy version was never published. */
  "unpublished_version",
  /** An answer dated before the day its policy version was published. */
  "before_publication",
  /**
   * More answers than nudges shown (or review requests than blocks, or answers to the guard's
   * warnings than warnings) that day.
   */
  "answer_without_nudge",
  /** Above the plausibility cap for one device and day (PLAUSIBLE_PER_DAY). */
  "over_cap",
  /** A candidate that is not a registrable domain under a public suffix. */
  "invalid_domain",
  /** More distinct candidate domains, or counter rows, for one day than a device may hold. */
  "too_many",
  /** A lesson, or a version of it, that no published policy carried. */
  "unknown_lesson",
  /** A lesson completed more often than opened, or passed at the first try more often than completed, that day. */
  "outcome_out_of_order",
  /** A catalog entry of another kind than the section names (a tool where an extension belongs). */
  "wrong_kind",
  /** A second AI browser for a day that already has one. */
  "conflict",
  /** An extension id that is not of its store's form. */
  "invalid_id",
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** One refused count, named by its key so the client can set exactly that count aside. */
const refusedCount = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("counter"),
    day: z.string(),
    tool: z.string(),
    event: z.string(),
    policyVersion: z.number().int(),
    reason: z.enum(REFUSAL_REASONS),
    message: z.string(),
  }),
  z.strictObject({
    kind: z.literal("justification"),
    day: z.string(),
    tool: z.string(),
    reason: z.enum(REFUSAL_REASONS),
    justification: z.string(),
    policyVersion: z.number().int(),
    message: z.string(),
  }),
  z.strictObject({
    kind: z.literal("guard"),
    day: z.string(),
    tool: z.string(),
    detector: z.string(),
    outcome: z.string(),
    policyVersion: z.number().int(),
    reason: z.enum(REFUSAL_REASONS),
    message: z.string(),
  }),
  z.strictObject({
    kind: z.literal("candidate"),
    day: z.string(),
    domain: z.string(),
    reason: z.enum(REFUSAL_REASONS),
    message: z.string(),
  }),
  z.strictObject({
    kind: z.literal("lesson"),
    day: z.string(),
    lesson: z.string(),
    version: z.number().int(),
    outcome: z.string(),
    reason: z.enum(REFUSAL_REASONS),
    message: z.string(),
  }),
  /** A count of the discovery sections: `subject` names the extension, browser, or site and tool ("site tool"). */
  z.strictObject({
    kind: z.enum(["extension", "unknownExtensions", "browser", "embed", "extensionToken", "revealedExtension"]),
    day: z.string(),
    subject: z.string(),
    reason: z.enum(REFUSAL_REASONS),
    message: z.string(),
  }),
]);
export type RefusedCount = z.infer<typeof refusedCount>;

export const errorResponse = z.strictObject({
  error: z.string(),
  code: z.enum(ERROR_CODES),
  issues: z.array(z.string()).optional(),
  /** report_refused: every refused count; the rest of the report would have been accepted. */
  refused: z.array(refusedCount).optional(),
  /** report_refused: the tools of the report the worker's catalog does not know. */
  unknownTools: z.array(z.string()).optional(),
  /** rate_limited: seconds to wait before trying again. */
  retryAfter: z.number().int().min(1).optional(),
});
export type ErrorResponse = z.infer<typeof errorResponse>;
