import { Hono } from "hono";
import { type ReviewQueueEntry, type ReviewQueueResponse, reviewQueueUpdate } from "../../../shared/admin";
import { dayOf } from "../../../shared/day";
import type { ReviewQueueState, ReviewStatus } from "../../../shared/events";
import { auditEntry } from "../../db/audit";
import { type Database, database } from "../../db/client";
import { loadEffectiveCatalog } from "../../db/organization";
import { reviewQueueUsage, saveReviewRequest } from "../../db/review-queue";
import { reviewSummaries } from "../../db/reviews";
import type { AppEnv } from "../../env";
import { refuse } from "../../errors";
import { jsonBody } from "../../middleware/validate";
import { atLeastK, coarseDay, kAnonymity } from "../../privacy";

const STATE_ORDER: Record<ReviewQueueState, number> = { open: 0, in_review: 1, closed: 2 };

/** The queue as admins see it: figures withheld below k devices, days coarsened likewise. */
async function reviewQueue(db: Database, k: number, only?: string): Promise<ReviewQueueEntry[]> {
  const [usage, { byId }, reviews] = await Promise.all([
    reviewQueueUsage(db, only),
    loadEffectiveCatalog(db),
    reviewSummaries(db),
  ]);
  return usage
    .map((row): ReviewQueueEntry => {
      const review = reviews.get(row.tool);
      return {
        tool: row.tool,
        toolName: byId.get(row.tool)?.name ?? row.tool,
        state: row.state,
        reopened: row.reopened,
        owner: row.owner,
        note: row.note,
        requests: row.population >= k ? row.requests : null,
        devices: atLeastK(row.devices, row.devices, k),
        firstRequested: coarseDay(row.firstRequested, row.population, k),
        lastRequested: coarseDay(row.lastRequested, row.population, k),
        closedDay: row.closedDay,
        review: review ? { status: review.status as ReviewStatus, updatedAt: review.updatedAt } : null,
      };
    })
    .sort(
      (a, b) =>
        STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
        (b.devices ?? -1) - (a.devices ?? -1) ||
        b.lastRequested.localeCompare(a.lastRequested) ||
        a.toolName.localeCompare(b.toolName),
    );
}

/**
 * `GET /api/admin/review-requests`: tools people asked to have reviewed from the blocked
 * page, open ones first. `PUT /api/admin/review-requests/:tool`: take one (owner, in_review),
 * note what was found, or close it; audited.
 */
export const reviewQueueRoute = new Hono<AppEnv>()
  .get("/", async (c) => {
    const requests = await reviewQueue(database(c.env.DB), kAnonymity(c.env));
    return c.json({ requests } satisfies ReviewQueueResponse);
  })
  .put("/:tool", jsonBody(reviewQueueUpdate), async (c) => {
    const tool = c.req.param("tool");
    const db = database(c.env.DB);
    const [entry] = await reviewQueue(db, kAnonymity(c.env), tool);
    if (!entry) return refuse(c, 404, "not_found", `nobody has asked for a review of "${tool}"`);
    const body = c.req.valid("json");
    const now = Date.now();
    const row = {
      tool,
      state: body.state,
      owner: body.owner === undefined ? entry.owner : body.owner || null,
      note: body.note === undefined ? entry.note : body.note || null,
      // The day it was last closed stays when it is taken up again: later requests reopen it.
      closedDay: body.state === "closed" ? dayOf(now) : entry.closedDay,
      updatedAt: now,
      updatedBy: c.get("actor"),
    };
    await db.batch([
      saveReviewRequest(db, row),
      auditEntry(db, c.get("actor"), "review_request.update", tool, {
        before: { state: entry.state, owner: entry.owner, note: entry.note },
        after: { state: row.state, owner: row.owner, note: row.note },
      }),
    ]);
    return c.json({
      ...entry,
      state: row.state,
      reopened: false,
      owner: row.owner,
      note: row.note,
      closedDay: row.closedDay,
    } satisfies ReviewQueueEntry);
  });
