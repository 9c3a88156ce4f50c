import { and, countDistinct, eq, max, min, sql } from "drizzle-orm";
import type { ExceptionDecision } from "../../shared/admin";
import type { Database } from "./client";
import { exceptionDecisions, justificationRollups, justifications } from "./schema";

/** One (tool, reason) of the exceptions register, before k-anonymity. */
export interface ExceptionUsage {
  tool: string;
  reason: string;
  requests: number;
  /** Distinct devices within the retention window. */
  devices: number;
  /** `devices`, or the most devices on one older day when that is more. */
  population: number;
  firstSeen: string;
  lastSeen: string;
  owner: string | null;
  decision: ExceptionDecision;
  expiry: string | null;
}

/** Every (tool, reason) people gave when a `justify` nudge asked why, with its decision. */
export async function exceptionUsage(db: Database, only?: { tool: string; reason: string }): Promise<ExceptionUsage[]> {
  const [recent, older, decisions] = await Promise.all([
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
      .where(only ? and(eq(justifications.tool, only.tool), eq(justifications.reason, only.reason)) : undefined)
      .groupBy(justifications.tool, justifications.reason)
      .all(),
    db
      .select({
        tool: justificationRollups.tool,
        reason: justificationRollups.reason,
        requests: sql<number>`sum(${justificationRollups.n})`,
        devices: max(justificationRollups.devices),
        firstSeen: min(justificationRollups.day),
        lastSeen: max(justificationRollups.day),
      })
      .from(justificationRollups)
      .where(
        only ? and(eq(justificationRollups.tool, only.tool), eq(justificationRollups.reason, only.reason)) : undefined,
      )
      .groupBy(justificationRollups.tool, justificationRollups.reason)
      .all(),
    db.select().from(exceptionDecisions).all(),
  ]);
  const key = (tool: string, reason: string) => `${tool}\t${reason}`;
  const entries = new Map<string, ExceptionUsage>();
  for (const [row, rolled] of [...older.map((r) => [r, true] as const), ...recent.map((r) => [r, false] as const)]) {
    const id = key(row.tool, row.reason);
    const entry = entries.get(id) ?? {
      tool: row.tool,
      reason: row.reason,
      requests: 0,
      devices: 0,
      population: 0,
      firstSeen: row.firstSeen as string,
      lastSeen: row.lastSeen as string,
      owner: null,
      decision: "pending" as ExceptionDecision,
      expiry: null,
    };
    entry.requests += Number(row.requests);
    if (!rolled) entry.devices = Number(row.devices);
    entry.population = Math.max(entry.population, Number(row.devices ?? 0));
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
  return [...entries.values()];
}

export function upsertExceptionDecision(db: Database, row: typeof exceptionDecisions.$inferInsert) {
  const { tool: _tool, reason: _reason, ...changes } = row;
  return db
    .insert(exceptionDecisions)
    .values(row)
    .onConflictDoUpdate({ target: [exceptionDecisions.tool, exceptionDecisions.reason], set: changes });
}
