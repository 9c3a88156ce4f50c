import { Hono } from "hono";
import { type AuditEntry, type AuditResponse, auditQuery } from "../../../shared/admin";
import { auditPage } from "../../db/audit";
import { database } from "../../db/client";
import { smallGroupTest, tokenGroups } from "../../db/enrollment";
import type { AppEnv } from "../../env";
import { queryParams } from "../../middleware/validate";
import { kAnonymity } from "../../privacy";

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

/** Shown instead of the label of a group with fewer than k devices. */
const SMALL_GROUP = "(a group of fewer than k devices)";

/**
 * The detail with a small group masked: a token's entries name its group, and the token's
 * label usually names it too, so both go from every entry about that token.
 */
function maskGroups(row: { target: string | null; detail: AuditEntry["detail"] }, smallTokens: Set<string>) {
  const { detail } = row;
  if (!detail || row.target === null || !smallTokens.has(row.target)) return detail;
  return {
    ...detail,
    ...("group" in detail ? { group: SMALL_GROUP } : {}),
    ...("label" in detail ? { label: SMALL_GROUP } : {}),
  };
}

/** `GET /api/admin/audit?limit=&before=`: admin actions, newest first, paged by id. */
export const auditRoute = new Hono<AppEnv>().get("/", queryParams(auditQuery), async (c) => {
  const { limit, before } = c.req.valid("query");
  const db = database(c.env.DB);
  const k = kAnonymity(c.env);
  const [rows, small] = await Promise.all([auditPage(db, limit, before), smallGroupTest(db, k)]);
  const tokens = await tokenGroups(db);
  const smallTokens = new Set(tokens.filter((token) => token.group !== null && small(token.group)).map((t) => t.id));
  const page = rows.slice(0, limit);
  const response: AuditResponse = {
    entries: page.map((row) => ({
      ...row,
      detail: maskGroups({ ...row, detail: parseDetail(row.detail) }, smallTokens),
    })),
    nextBefore: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
  };
  return c.json(response);
});
