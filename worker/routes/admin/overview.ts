import { and, count, eq, gte, isNull, sql } from "drizzle-orm";
import { Hono } from "hono";
import type { OverviewResponse } from "../../../shared/admin";
import { addDays, dayOf } from "../../../shared/day";
import { catalog } from "../../catalog";
import { coverageByVersion } from "../../db/awareness";
import { database } from "../../db/client";
import { loadEffectiveCatalog } from "../../db/organization";
import { currentPolicy } from "../../db/policies";
import { dailyRollups, deviceDays, devices, deviceTools } from "../../db/schema";
import { storageNow } from "../../db/storage";
import { ACTIVE_DAYS, lastDays, toolSpans } from "../../db/usage";
import type { AppEnv } from "../../env";
import { atLeastK, kAnonymity } from "../../privacy";

const TOP = 10;
const categoryNames = new Map(catalog.categories.map((category) => [category.id, category.name]));

/** `GET /api/admin/overview`: the figures the dashboard opens with. */
export const overviewRoute = new Hono<AppEnv>().get("/", async (c) => {
  const db = database(c.env.DB);
  const today = dayOf(Date.now());
  const since7 = addDays(today, -6);
  const days = lastDays(today, 30);
  const [policy, { byId: toolsById }] = await Promise.all([currentPolicy(db), loadEffectiveCatalog(db)]);
  const k = kAnonymity(c.env);
  // Entry -> category (the organization's entries included), bound as one JSON parameter so
  // SQLite can count distinct devices per category.
  const categoryOfTool = JSON.stringify(Object.fromEntries([...toolsById].map(([id, tool]) => [id, tool.category])));
  const [spans, active7, enrolled, coverage, categories, visits, reporting, storage] = await Promise.all([
    toolSpans(db, today),
    // Fleet figures count enrolled devices only; per-tool usage keeps what revoked devices did.
    // Walking the catalog's tools first turns each into a range of the covering
    // (tool, last_seen, device_id) index instead of a scan of every device's tools.
    db.get<{ n: number }>(sql`
      SELECT count(DISTINCT dt.device_id) AS n
      FROM json_each(${categoryOfTool}) AS m
      CROSS JOIN ${deviceTools} AS dt ON dt.tool = m.key AND dt.last_seen >= ${since7}
      WHERE dt.device_id IN (SELECT id FROM ${devices} WHERE revoked_at IS NULL)`),
    db
      .select({
        enrolled: count(),
        reporting7: sql<number>`coalesce(sum(${devices.lastReportDay} >= ${since7}), 0)`,
      })
      .from(devices)
      .where(isNull(devices.revokedAt))
      .get(),
    coverageByVersion(db, addDays(today, -(ACTIVE_DAYS - 1))),
    db.all<{ category: string; devices: number }>(sql`
      SELECT m.value AS category, count(DISTINCT dt.device_id) AS devices
      FROM json_each(${categoryOfTool}) AS m
      CROSS JOIN ${deviceTools} AS dt ON dt.tool = m.key AND dt.last_seen >= ${since7}
      GROUP BY m.value`),
    db
      .select({ day: dailyRollups.day, n: sql<number>`sum(${dailyRollups.n})` })
      .from(dailyRollups)
      .where(and(gte(dailyRollups.day, days[0] as string), eq(dailyRollups.event, "visit")))
      .groupBy(dailyRollups.day)
      .all(),
    db
      .select({ day: deviceDays.day, n: count() })
      .from(deviceDays)
      .where(gte(deviceDays.day, days[0] as string))
      .groupBy(deviceDays.day)
      .all(),
    storageNow(c.env.DB, days[0] as string),
  ]);
  const known = spans.filter((span) => toolsById.has(span.tool));
  const visitsOn = new Map(visits.map((row) => [row.day, Number(row.n)]));
  const reportingOn = new Map(reporting.map((row) => [row.day, row.n]));
  const response: OverviewResponse = {
    toolsTotal: known.length,
    toolsNewThisWeek: known.filter((span) => span.firstSeen >= since7).length,
    activeDevices7: atLeastK(Number(active7?.n ?? 0), Number(active7?.n ?? 0), k),
    enrolledDevices: atLeastK(enrolled?.enrolled ?? 0, enrolled?.enrolled ?? 0, k),
    reportingDevices7: atLeastK(Number(enrolled?.reporting7 ?? 0), Number(enrolled?.reporting7 ?? 0), k),
    ackCoverage: {
      policyVersion: policy.version,
      acknowledged: coverage.active >= k ? (coverage.acknowledged.get(policy.version) ?? 0) : null,
      active: atLeastK(coverage.active, coverage.active, k),
    },
    topTools: known
      .filter((span) => span.devices7 >= k)
      .sort((a, b) => b.devices7 - a.devices7 || a.tool.localeCompare(b.tool))
      .slice(0, TOP)
      .map((span) => {
        const tool = toolsById.get(span.tool);
        return {
          id: span.tool,
          name: tool?.name ?? span.tool,
          category: tool?.category ?? "",
          devices7: span.devices7,
        };
      }),
    topCategories: categories
      .filter((row) => Number(row.devices) >= k)
      .map((row) => ({
        category: row.category,
        name: categoryNames.get(row.category) ?? row.category,
        devices7: Number(row.devices),
      }))
      .sort((a, b) => b.devices7 - a.devices7 || a.category.localeCompare(b.category))
      .slice(0, TOP),
    trend: days.map((day) => {
      const devices = reportingOn.get(day) ?? 0;
      return { day, visits: atLeastK(visitsOn.get(day) ?? 0, devices, k), devices: atLeastK(devices, devices, k) };
    }),
    storage,
  };
  return c.json(response);
});
