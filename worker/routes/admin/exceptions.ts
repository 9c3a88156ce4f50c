import { and, countDistinct, eq, max, min, sql } from "drizzle-orm";
import { Hono } from "hono";
import {
  type ExceptionDecision,
  type ExceptionEntry,
  type ExceptionsResponse,
  exceptionDecisionRequest,
} from "../../../shared/admin";
import { toolsById } from "../../catalog";
import { auditEntry } from "../../db/audit";
import type { Database } from "../../db/client";
import { database } from "../../db/client";
import { policyHistory, reasonLabels } from "../../db/policies";
import { exceptionDecisions, justificationRollups, justifications } from "../../db/schema";
import type { AppEnv } from "../../env";
import { refuse } from "../../errors";
import { jsonBody } from "../../middleware/validate";

const DECISION_ORDER: Record<ExceptionDecision, number> = { pending: 0, granted: 1, denied: 2 };

/**
 * The exceptions register: every (tool, reason) people gave when a `justify` nudge asked
 * why they need a tool, with how often, by how many devices, and the governance decision.
 */
async function register(db: Database, only?: { tool: string; reason: string }): Promise<ExceptionEntry[]> {
  const recentWhere = only
    ? and(eq(justifications.tool, only.tool), eq(justifications.reason, only.reason))
    : undefined;
  const olderWhere = only
    ? and(eq(justificationRollups.tool, only.tool), eq(justificationRollups.reason, only.reason))
    : undefined;
  const [recent, older, decisions, history] = await Promise.all([
    db
      .select({
        tool: justifications.tool,
        reason: justifications.reason,
        requests: sql<number>`sum(${justifications.n})`,
        devices: countDistinct(justifications.deviceId),
        firstSeen: min(justifications.day),
        lastSeen: max(justifications.day),
      })
      .from(justifications)
      .where(recentWhere)
      .groupBy(justifications.tool, justifications.reason)
      .all(),
    db
      .select({
        tool: justificationRollups.tool,
        reason: justificationRollups.reason,
        requests: sql<number>`sum(${justificationRollups.n})`,
        firstSeen: min(justificationRollups.day),
        lastSeen: max(justificationRollups.day),
      })
      .from(justificationRollups)
      .where(olderWhere)
      .groupBy(justificationRollups.tool, justificationRollups.reason)
      .all(),
    db.select().from(exceptionDecisions).all(),
    policyHistory(db),
  ]);
  const labels = reasonLabels(history);
  const key = (tool: string, reason: string) => `${tool}\t${reason}`;
  const entries = new Map<string, ExceptionEntry>();
  for (const row of [...older, ...recent]) {
    const id = key(row.tool, row.reason);
    const entry = entries.get(id) ?? {
      tool: row.tool,
      toolName: toolsById.get(row.tool)?.name ?? row.tool,
      reason: row.reason,
      reasonLabel: labels.get(row.reason) ?? row.reason,
      requests: 0,
      devices: 0,
      firstSeen: row.firstSeen as string,
      lastSeen: row.lastSeen as string,
      owner: null,
      decision: "pending" as ExceptionDecision,
      expiry: null,
    };
    entry.requests += Number(row.requests);
    if ("devices" in row) entry.devices = Number(row.devices);
    if ((row.firstSeen as string) < entry.firstSeen) entry.firstSeen = row.firstSeen as string;
    if ((row.lastSeen as string) > entry.lastSeen) entry.lastSeen = row.lastSeen as string;
    entries.set(id, entry);
  }
  for (const decision of decisions) {
    const entry = entries.get(key(decision.tool, decision.reason));
    if (!entry) continue;
    entry.owner = decision.owner;
    entry.decision = decision.decision as ExceptionDecision;
    entry.expiry = decision.expiry;
  }
  return [...entries.values()].sort(
    (a, b) =>
      DECISION_ORDER[a.decision] - DECISION_ORDER[b.decision] ||
      b.requests - a.requests ||
      a.toolName.localeCompare(b.toolName) ||
      a.reason.localeCompare(b.reason),
  );
}

/** `GET /api/admin/exceptions` and `PUT /api/admin/exceptions/:tool/:reason`. */
export const exceptionsRoute = new Hono<AppEnv>()
  .get("/", async (c) => c.json({ exceptions: await register(database(c.env.DB)) } satisfies ExceptionsResponse))
  .put("/:tool/:reason", jsonBody(exceptionDecisionRequest), async (c) => {
    const { tool, reason } = c.req.param();
    const db = database(c.env.DB);
    const [entry] = await register(db, { tool, reason });
    if (!entry)
      return refuse(c, 404, "not_found", `nobody has asked for an exception for "${tool}" with reason "${reason}"`);
    const body = c.req.valid("json");
    const row = {
      tool,
      reason,
      owner: body.owner || null,
      decision: body.decision,
      expiry: body.expiry ?? null,
      updatedAt: Date.now(),
      updatedBy: c.get("actor"),
    };
    const { tool: _tool, reason: _reason, ...changes } = row;
    await db.batch([
      db
        .insert(exceptionDecisions)
        .values(row)
        .onConflictDoUpdate({ target: [exceptionDecisions.tool, exceptionDecisions.reason], set: changes }),
      auditEntry(db, c, "exception.decide", `${tool}/${reason}`, {
        before: { owner: entry.owner, decision: entry.decision, expiry: entry.expiry },
        after: { owner: row.owner, decision: row.decision, expiry: row.expiry },
      }),
    ]);
    return c.json({ ...entry, owner: row.owner, decision: row.decision, expiry: row.expiry } satisfies ExceptionEntry);
  });
