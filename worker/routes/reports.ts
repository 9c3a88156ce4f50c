import { eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { Hono } from "hono";
import { addDays, dayOf } from "../../shared/day";
import { LIMITS } from "../../shared/limits";
import { type ReportRequest, reportRequest } from "../../shared/protocol";
import { toolsById } from "../catalog";
import { database } from "../db/client";
import { dailyCounters, devices, deviceTools } from "../db/schema";
import type { AppEnv } from "../env";
import { deviceAuth } from "../middleware/device-auth";
import { jsonBody } from "../middleware/validate";

/*
 * Ingest of cumulative daily counters.
 *
 * A device re-sends the full value of each counter it changed since its last acknowledged
 * report, so the server keeps n = max(stored, received): a retry, a duplicate or an
 * out-of-order delivery can never add twice. The upsert's WHERE skips counters that did not
 * grow, so re-sends write no rows. All statements of one report go in one D1 batch, which is
 * one transaction: the report applies completely or not at all. Statements are chunked to
 * stay under D1's 100 bound parameters.
 */

const COUNTER_PARAMS = 6;
const DEVICE_TOOL_PARAMS = 4;

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Problems with a report that the schema cannot see: days outside the window, unknown tools. */
export function reportProblems(report: ReportRequest, today: string): string[] {
  const problems: string[] = [];
  const oldest = addDays(today, -LIMITS.retentionDays);
  const newest = addDays(today, 1);
  report.days.forEach((entry, i) => {
    if (entry.day < oldest)
      problems.push(`days.${i}.day: ${entry.day} is older than the ${LIMITS.retentionDays}-day retention`);
    if (entry.day > newest) problems.push(`days.${i}.day: ${entry.day} is in the future`);
    entry.counters.forEach((counter, j) => {
      if (!toolsById.has(counter.tool)) problems.push(`days.${i}.counters.${j}.tool: unknown tool "${counter.tool}"`);
    });
  });
  return problems;
}

export const reports = new Hono<AppEnv>().post("/", deviceAuth, jsonBody(reportRequest), async (c) => {
  const report = c.req.valid("json");
  const today = dayOf(Date.now());
  const problems = reportProblems(report, today);
  if (problems.length) return c.json({ error: "report refused, nothing was stored", issues: problems }, 422);

  const deviceId = c.get("deviceId");
  const counterRows = report.days.flatMap((entry) =>
    entry.counters.map((counter) => ({
      deviceId,
      day: entry.day,
      tool: counter.tool,
      event: counter.event,
      policyVersion: counter.policyVersion,
      n: counter.n,
    })),
  );
  const seen = new Map<string, { firstSeen: string; lastSeen: string }>();
  for (const row of counterRows) {
    const span = seen.get(row.tool);
    if (!span) seen.set(row.tool, { firstSeen: row.day, lastSeen: row.day });
    else {
      if (row.day < span.firstSeen) span.firstSeen = row.day;
      if (row.day > span.lastSeen) span.lastSeen = row.day;
    }
  }
  const toolRows = [...seen].map(([tool, span]) => ({ deviceId, tool, ...span }));
  const latestDay =
    report.days
      .map((entry) => entry.day)
      .sort()
      .at(-1) ?? "";

  const db = database(c.env.DB);
  const statements: BatchItem<"sqlite">[] = [];
  for (const rows of chunk(counterRows, Math.floor(LIMITS.d1MaxParams / COUNTER_PARAMS))) {
    statements.push(
      db
        .insert(dailyCounters)
        .values(rows)
        .onConflictDoUpdate({
          target: [
            dailyCounters.deviceId,
            dailyCounters.day,
            dailyCounters.tool,
            dailyCounters.event,
            dailyCounters.policyVersion,
          ],
          set: { n: sql`excluded.n` },
          setWhere: sql`excluded.n > ${dailyCounters.n}`,
        }),
    );
  }
  for (const rows of chunk(toolRows, Math.floor(LIMITS.d1MaxParams / DEVICE_TOOL_PARAMS))) {
    statements.push(
      db
        .insert(deviceTools)
        .values(rows)
        .onConflictDoUpdate({
          target: [deviceTools.deviceId, deviceTools.tool],
          set: {
            firstSeen: sql`min(${deviceTools.firstSeen}, excluded.first_seen)`,
            lastSeen: sql`max(${deviceTools.lastSeen}, excluded.last_seen)`,
          },
          setWhere: sql`excluded.first_seen < ${deviceTools.firstSeen} or excluded.last_seen > ${deviceTools.lastSeen}`,
        }),
    );
  }
  statements.push(
    db
      .update(devices)
      .set({ lastReportDay: sql`max(coalesce(${devices.lastReportDay}, ''), ${latestDay})` })
      .where(eq(devices.id, deviceId)),
  );
  const results = await db.batch(statements as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
  const counterStatements = Math.ceil(counterRows.length / Math.floor(LIMITS.d1MaxParams / COUNTER_PARAMS));
  let changed = 0;
  for (const result of results.slice(0, counterStatements)) {
    changed += (result as unknown as D1Result).meta?.changes ?? 0;
  }
  return c.json({ accepted: counterRows.length, changed });
});
