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
