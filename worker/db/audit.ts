import type { Context } from "hono";
import type { AppEnv } from "../env";
import type { Database } from "./client";
import { auditLog } from "./schema";

/**
 * The audit entry for an admin change, as a statement to put in the same batch as the change
 * itself: the change and its record commit together or not at all.
 */
export function auditEntry(
  db: Database,
  c: Context<AppEnv>,
  action: string,
  target: string | null,
  detail: Record<string, unknown> | null,
) {
  return db.insert(auditLog).values({
    at: Date.now(),
    actor: c.get("actor"),
    action,
    target,
    detail: detail ? JSON.stringify(detail) : null,
  });
}
