import { desc, lt } from "drizzle-orm";
import { Hono } from "hono";
import { type AuditEntry, type AuditResponse, auditQuery } from "../../../shared/admin";
import { database } from "../../db/client";
import { auditLog } from "../../db/schema";
import type { AppEnv } from "../../env";
import { queryParams } from "../../middleware/validate";

function parseDetail(detail: string | null): AuditEntry["detail"] {
  if (detail === null) return null;
  try {
    const value: unknown = JSON.parse(detail);
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { value };
  } catch {
    return { text: detail };
  }
}

/** `GET /api/admin/audit?limit=&before=`: admin actions, newest first, paged by id. */
export const auditRoute = new Hono<AppEnv>().get("/", queryParams(auditQuery), async (c) => {
  const { limit, before } = c.req.valid("query");
  const rows = await database(c.env.DB)
    .select()
    .from(auditLog)
    .where(before === undefined ? undefined : lt(auditLog.id, before))
    .orderBy(desc(auditLog.id))
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit);
  const response: AuditResponse = {
    entries: page.map((row) => ({ ...row, detail: parseDetail(row.detail) })),
    nextBefore: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
  };
  return c.json(response);
});
