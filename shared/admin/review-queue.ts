import * as z from "zod";
import { slug } from "../catalog/schema";
import { REVIEW_QUEUE_STATES } from "../events";
import { day, maskedCount, reviewStatus, shortText, timestamp } from "./common";

/*
 * The review queue: tools people asked to have reviewed from the blocked page. The requests
 * are the devices' `review_requested` counts; the queue adds who owns each request and
 * where it stands. A tool reviewed (PUT /api/admin/tools/:id/review) while its request is
 * open closes the request with that review as its outcome.
 */

const reviewQueueState = z.enum(REVIEW_QUEUE_STATES);

export const reviewQueueEntry = z.strictObject({
  tool: slug,
  toolName: z.string(),
  state: reviewQueueState,
  /** Closed once, then asked for again after it was closed. */
  reopened: z.boolean(),
  owner: z.string().nullable(),
  note: z.string().nullable(),
  /** Requests within the raw-data retention window (withheld below k devices). */
  requests: maskedCount,
  /** Distinct devices that asked (withheld below k). */
  devices: maskedCount,
  /** Coarsened to the Monday of the week when fewer than k devices asked. */
  firstRequested: day,
  lastRequested: day,
  closedDay: day.nullable(),
  /** The tool's review as it stands now, the outcome of a closed request. */
  review: z.strictObject({ status: reviewStatus, updatedAt: timestamp }).nullable(),
});
export type ReviewQueueEntry = z.infer<typeof reviewQueueEntry>;

export const reviewQueueResponse = z.strictObject({ requests: z.array(reviewQueueEntry) });
export type ReviewQueueResponse = z.infer<typeof reviewQueueResponse>;

export const reviewQueueUpdate = z.strictObject({
  state: reviewQueueState,
  owner: shortText(120).nullable().optional(),
  note: shortText(1000).nullable().optional(),
});
