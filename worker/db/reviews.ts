import { eq } from "drizzle-orm";
import { type BatchedRead, rowsRead } from "./batch";
import type { Database } from "./client";
import { toolReviews } from "./schema";

/** The review status of every reviewed tool, unexecuted: `reviewStatusesOf` reads its rows. */
export function reviewStatusesQuery(db: Database) {
  return db.select({ tool: toolReviews.tool, status: toolReviews.status }).from(toolReviews);
}

export function reviewStatusesOf(rows: Awaited<ReturnType<typeof reviewStatusesQuery>>): Map<string, string> {
  return new Map(rows.map((row) => [row.tool, row.status]));
}

export async function toolReview(db: Database, tool: string) {
  return db.select().from(toolReviews).where(eq(toolReviews.tool, tool)).get();
}

/** The whole review of a tool, replacing the previous one (an omitted field is cleared). */
export function upsertReview(db: Database, row: typeof toolReviews.$inferInsert) {
  const { tool: _tool, ...changes } = row;
  return db.insert(toolReviews).values(row).onConflictDoUpdate({ target: toolReviews.tool, set: changes });
}

/** Every stored review's status and when it was last changed. */
export async function reviewSummaries(db: Database): Promise<Map<string, { status: string; updatedAt: number }>> {
  const rows = await db
    .select({ tool: toolReviews.tool, status: toolReviews.status, updatedAt: toolReviews.updatedAt })
    .from(toolReviews)
    .all();
  return new Map(rows.map(({ tool, ...summary }) => [tool, summary]));
}

/** Every review as the evidence pack reports it (the state at generation time). */
export interface ReviewRow {
  tool: string;
  status: string;
  owner: string | null;
  next_review: string | null;
  conditions: string | null;
  agreement: number;
}

export function reviewRowsRead(d1: D1Database): BatchedRead<ReviewRow[]> {
  return rowsRead<ReviewRow>(
    d1.prepare("SELECT tool, status, owner, next_review, conditions, agreement FROM tool_reviews"),
  );
}
