import * as z from "zod";
import { isValidDay } from "../day";
import { EVENTS, REVIEW_STATUSES } from "../events";

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

export const day = z.string().refine(isValidDay, "must be a calendar day YYYY-MM-DD");
export const count = z.number().int().min(0);
export const timestamp = z.number().int();
/** A count that k-anonymity may withhold. */
export const maskedCount = count.nullable();
/** Free text an admin writes (owner, notes, conditions), trimmed and bounded. */
export const shortText = (max: number) => z.string().trim().max(max);

const role = z.enum(["viewer", "admin"]);
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
