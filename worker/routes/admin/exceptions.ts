import { Hono } from "hono";
import {
  type ExceptionDecision,
  type ExceptionEntry,
  type ExceptionsResponse,
  exceptionDecisionRequest,
} from "../../../shared/admin";
import { auditEntry } from "../../db/audit";
import { type Database, database } from "../../db/client";
import { exceptionUsage, upsertExceptionDecision } from "../../db/exceptions";
import { loadEffectiveCatalog } from "../../db/organization";
import { policyHistory, reasonLabels } from "../../db/policies";
import type { AppEnv } from "../../env";
import { refuse } from "../../errors";
import { jsonBody } from "../../middleware/validate";
import { atLeastK, coarseDay, kAnonymity } from "../../privacy";

const DECISION_ORDER: Record<ExceptionDecision, number> = { pending: 0, granted: 1, denied: 2 };

/**
 * The exceptions register: every (tool, reason) people gave when a `justify` nudge asked
 * why they need a tool, how often and by how many devices (withheld below k), and the
 * governance decision.
 */
async function register(db: Database, k: number, only?: { tool: string; reason: string }): Promise<ExceptionEntry[]> {
  const [usage, history, { byId: toolsById }] = await Promise.all([
    exceptionUsage(db, only),
    policyHistory(db),
    loadEffectiveCatalog(db),
  ]);
  const labels = reasonLabels(history);
  return usage
    .map((row) => ({
      tool: row.tool,
      toolName: toolsById.get(row.tool)?.name ?? row.tool,
      reason: row.reason,
      reasonLabel: labels.get(row.reason) ?? row.reason,
      requests: row.population >= k ? row.requests : null,
      devices: atLeastK(row.devices, row.devices, k),
      firstSeen: coarseDay(row.firstSeen, row.population, k),
      lastSeen: coarseDay(row.lastSeen, row.population, k),
      owner: row.owner,
      decision: row.decision,
      expiry: row.expiry,
    }))
    .sort(
      (a, b) =>
        DECISION_ORDER[a.decision] - DECISION_ORDER[b.decision] ||
        (b.requests ?? -1) - (a.requests ?? -1) ||
        a.toolName.localeCompare(b.toolName) ||
        a.reason.localeCompare(b.reason),
    );
}

/** `GET /api/admin/exceptions` and `PUT /api/admin/exceptions/:tool/:reason`. */
export const exceptionsRoute = new Hono<AppEnv>()
  .get("/", async (c) => {
    const exceptions = await register(database(c.env.DB), kAnonymity(c.env));
    return c.json({ exceptions } satisfies ExceptionsResponse);
  })
  .put("/:tool/:reason", jsonBody(exceptionDecisionRequest), async (c) => {
    const { tool, reason } = c.req.param();
    const db = database(c.env.DB);
    const [entry] = await register(db, kAnonymity(c.env), { tool, reason });
    if (!entry) {
      return refuse(c, 404, "not_found", `nobody has asked for an exception for "${tool}" with reason "${reason}"`);
    }
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
    await db.batch([
      upsertExceptionDecision(db, row),
      auditEntry(db, c.get("actor"), "exception.decide", `${tool}/${reason}`, {
        before: { owner: entry.owner, decision: entry.decision, expiry: entry.expiry },
        after: { owner: row.owner, decision: row.decision, expiry: row.expiry },
      }),
    ]);
    return c.json({ ...entry, owner: row.owner, decision: row.decision, expiry: row.expiry } satisfies ExceptionEntry);
  });
