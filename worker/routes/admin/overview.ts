import { Hono } from "hono";
import type { OverviewResponse } from "../../../shared/admin";
import { addDays, dayOf } from "../../../shared/day";
import { catalog } from "../../catalog";
import { coverageOf, coverageQueries } from "../../db/awareness";
import { database } from "../../db/client";
import { effectiveCatalogOf, organizationEntriesQuery } from "../../db/organization";
import { devicesSince, fleetSizeOf, fleetSizeQuery, fleetVisitsPerDay, reportingPerDay } from "../../db/overview";
import { currentPolicyOf, currentPolicyQuery } from "../../db/policies";
import { storageOf, storageQueries } from "../../db/storage";
import { ACTIVE_DAYS, joinToolSpans, lastDays, toolSpanQueries } from "../../db/usage";
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
  // Every statement that needs nothing but today, in one round trip to the database.
  const [
    policyRows,
    entryRows,
    recent,
    daily,
    fleetRows,
    activeRows,
    acknowledgedRows,
    visits,
    reporting,
    deviceRows,
    storageRows,
  ] = await db.batch([
    currentPolicyQuery(db),
    organizationEntriesQuery(db),
    ...toolSpanQueries(db, today),
    // Fleet figures count enrolled devices only; per-tool usage keeps what revoked devices did.
    fleetSizeQuery(db, since7),
    ...coverageQueries(db, addDays(today, -(ACTIVE_DAYS - 1))),
    fleetVisitsPerDay(db, days[0] as string),
    reportingPerDay(db, days[0] as string),
    ...storageQueries(db, days[0] as string),
  ]);
  const { byId: toolsById } = effectiveCatalogOf(entryRows);
  const k = kAnonymity(c.env);
  // Entry -> category (the organization's entries included), for counting devices per category.
  const categoryOfTool = JSON.stringify(Object.fromEntries([...toolsById].map(([id, tool]) => [id, tool.category])));
  const [policy, { active: active7, perCategory: categories }, storage] = await Promise.all([
    currentPolicyOf(db, policyRows),
    devicesSince(db, since7, categoryOfTool),
    storageOf(c.env.DB, deviceRows, storageRows),
  ]);
  const spans = joinToolSpans(recent, daily);
  const fleet = fleetSizeOf(fleetRows);
  const coverage = coverageOf(activeRows, acknowledgedRows);
  const known = spans.filter((span) => toolsById.has(span.tool));
  const visitsOn = new Map(visits.map((row) => [row.day, Number(row.n)]));
  const reportingOn = new Map(reporting.map((row) => [row.day, row.n]));
  const response: OverviewResponse = {
    toolsTotal: known.length,
    toolsNewThisWeek: known.filter((span) => span.firstSeen >= since7).length,
    activeDevices7: atLeastK(active7, active7, k),
    enrolledDevices: atLeastK(fleet.enrolled, fleet.enrolled, k),
    reportingDevices7: atLeastK(fleet.reporting, fleet.reporting, k),
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
