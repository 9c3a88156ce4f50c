import { and, countDistinct, eq, inArray, max, min, sql } from "drizzle-orm";
import { dayOf } from "../../shared/day";
import type { ReviewQueueState } from "../../shared/events";
import { auditEntry } from "./audit";
import type { Database } from "./client";
import { dailyCounters, dailyRollups, reviewRequests } from "./schema";

/** One tool's review requests before k-anonymity, with the queue's state. */
export interface ReviewQueueUsage {
  tool: string;
  requests: number;
  /** Distinct devices within the retention window. */
  devices: number;
  /** `devices`, or the most devices on one older day when that is more. */
  population: number;
  firstRequested: string;
  lastRequested: string;
  state: ReviewQueueState;
  reopened: boolean;
  owner: string | null;
  note: string | null;
  closedDay: string | null;
}

const REQUESTED = "review_requested";

/** The state a stored row gives a tool last requested on `lastRequested`: closed reopens on a later request. */
function effectiveState(
  row: { state: string; closedDay: string | null } | undefined,
  lastRequested: string,
): { state: ReviewQueueState; reopened: boolean } {
  if (!row) return { state: "open", reopened: false };
  if (row.state === "closed" && row.closedDay !== null && lastRequested > row.closedDay) {
    return { state: "open", reopened: true };
  }
  return { state: row.state as ReviewQueueState, reopened: false };
}

/**
 * Every tool someone asked to have reviewed. `daily_rollups` holds every day's exact count
 * (ingest adds each counter's growth to it), so the requests and days come from there; the
 * distinct devices from the per-device rows of the retention window.
 */
export async function reviewQueueUsage(db: Database, only?: string): Promise<ReviewQueueUsage[]> {
  const [totals, recent, states] = await Promise.all([
    db
      .select({
        tool: dailyRollups.tool,
        requests: sql<number>`sum(${dailyRollups.n})`,
        olderDevices: max(dailyRollups.devices),
        first: min(dailyRollups.day),
        last: max(dailyRollups.day),
      })
      .from(dailyRollups)
      .where(and(eq(dailyRollups.event, REQUESTED), only ? eq(dailyRollups.tool, only) : undefined))
      .groupBy(dailyRollups.tool)
      .having(sql`sum(${dailyRollups.n}) > 0`)
      .all(),
    // The literal event lets SQLite read the partial index of review requests, not every counter.
    db
      .select({ tool: dailyCounters.tool, devices: countDistinct(dailyCounters.deviceId) })
      .from(dailyCounters)
      .where(and(sql.raw(`event = '${REQUESTED}'`), only ? eq(dailyCounters.tool, only) : undefined))
      .groupBy(dailyCounters.tool)
      .all(),
    db
      .select()
      .from(reviewRequests)
      .where(only ? eq(reviewRequests.tool, only) : undefined)
      .all(),
  ]);
  const devices = new Map(recent.map((row) => [row.tool, Number(row.devices)]));
  const stored = new Map(states.map((row) => [row.tool, row]));
  return totals.flatMap((row) => {
    if (!row.first || !row.last) return [];
    const recentDevices = devices.get(row.tool) ?? 0;
    const stateRow = stored.get(row.tool);
    return [
      {
        tool: row.tool,
        requests: Number(row.requests),
        devices: recentDevices,
        population: Math.max(recentDevices, Number(row.olderDevices ?? 0)),
        firstRequested: row.first,
        lastRequested: row.last,
        ...effectiveState(stateRow, row.last),
        owner: stateRow?.owner ?? null,
        note: stateRow?.note ?? null,
        closedDay: stateRow?.closedDay ?? null,
      },
    ];
  });
}

/** The queue's state of `tools` for one device, only for tools that device itself asked to have reviewed. */
export async function deviceReviewRequests(
  db: Database,
  deviceId: string,
  tools: string[],
): Promise<Map<string, ReviewQueueState>> {
  if (tools.length === 0) return new Map();
  const [asked, states] = await Promise.all([
    db
      .select({ tool: dailyCounters.tool, last: max(dailyCounters.day) })
      .from(dailyCounters)
      .where(
        and(
          eq(dailyCounters.deviceId, deviceId),
          eq(dailyCounters.event, REQUESTED),
          inArray(dailyCounters.tool, tools),
        ),
      )
      .groupBy(dailyCounters.tool)
      .all(),
    db.select().from(reviewRequests).where(inArray(reviewRequests.tool, tools)).all(),
  ]);
  const stored = new Map(states.map((row) => [row.tool, row]));
  // The queue reopens on anyone's later request; this device sees its own request's fate.
  return new Map(
    asked.flatMap((row) => (row.last ? [[row.tool, effectiveState(stored.get(row.tool), row.last).state]] : [])),
  );
}

export function saveReviewRequest(db: Database, row: typeof reviewRequests.$inferInsert) {
  const { tool: _tool, ...changes } = row;
  return db.insert(reviewRequests).values(row).onConflictDoUpdate({ target: reviewRequests.tool, set: changes });
}

/**
 * The statements that close a tool's open request when the tool is reviewed: the review is
 * the request's outcome. Nothing when nobody asked or the request is already closed.
 */
export async function closeOnReview(
  db: Database,
  tool: string,
  actor: string,
  now: number,
): Promise<Array<ReturnType<typeof saveReviewRequest> | ReturnType<typeof auditEntry>>> {
  const [entry] = await reviewQueueUsage(db, tool);
  if (!entry || entry.state === "closed") return [];
  const row = {
    tool,
    state: "closed" as const,
    owner: entry.owner ?? actor,
    note: entry.note,
    closedDay: dayOf(now),
    updatedAt: now,
    updatedBy: actor,
  };
  return [
    saveReviewRequest(db, row),
    auditEntry(db, actor, "review_request.update", tool, {
      before: { state: entry.state, owner: entry.owner, note: entry.note },
      after: { state: row.state, owner: row.owner, note: row.note },
    }),
  ];
}
