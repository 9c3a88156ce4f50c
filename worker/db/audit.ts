import { desc, lt } from "drizzle-orm";
import type { Database } from "./client";
import { auditLog } from "./schema";

/**
 * The audit entry for an admin change, as a statement to put in the same batch as the change
 * itself: the change and its record commit together or not at all.
 */
export function auditEntry(
  db: Database,
  actor: string,
  action: string,
  target: string | null,
  detail: Record<string, unknown> | null,
) {
  return db.insert(auditLog).values({
    at: Date.now(),
    actor,
    action,
    target,
    detail: detail ? JSON.stringify(detail) : null,
  });
}

/** A page of the audit log, newest first: `limit` entries before the id `before` (all when absent), one more to tell whether another page follows. */
export function auditPage(db: Database, limit: number, before?: number) {
  return db
    .select()
    .from(auditLog)
    .where(before === undefined ? undefined : lt(auditLog.id, before))
    .orderBy(desc(auditLog.id))
    .limit(limit + 1)
    .all();
}
