import { Hono } from "hono";
import type { InventoryResponse, InventoryTool } from "../../../shared/admin";
import type { CompiledTool } from "../../../shared/catalog/compile";
import { dayOf } from "../../../shared/day";
import type { ReviewStatus } from "../../../shared/events";
import { catalog, inventoryKind } from "../../catalog";
import { database } from "../../db/client";
import {
  embeddedUsageOf,
  embeddedUsageQueries,
  embedsPerDayOf,
  embedsPerDayQueries,
  extensionsEnabledOf,
  extensionsEnabledQuery,
} from "../../db/discovery";
import { effectiveCatalogOf, organizationEntriesQuery } from "../../db/organization";
import { reviewStatusesOf, reviewStatusesQuery } from "../../db/reviews";
import {
  eventTotalsOf,
  eventTotalsQuery,
  joinToolSpans,
  lastDays,
  type ToolSpan,
  toolDevicesPerDay,
  toolSpanQueries,
  visitsPerDay,
  WINDOWS,
  windowStart,
} from "../../db/usage";
import type { AppEnv } from "../../env";
import { atLeastK, coarseDay, kAnonymity } from "../../privacy";

const categoryNames = new Map(catalog.categories.map((category) => [category.id, category.name]));

/** Per tool, the 30 daily points: visits where at least k devices reported that day, else null. */
function trends(
  days: string[],
  visits: Array<{ tool: string; day: string; n: number }>,
  devices: Array<{ tool: string; day: string; devices: number }>,
  k: number,
): Map<string, Array<number | null>> {
  const position = new Map(days.map((day, i) => [day, i]));
  const devicesOn = new Map(devices.map((row) => [`${row.tool}|${row.day}`, row.devices]));
  const result = new Map<string, Array<number | null>>();
  for (const row of visits) {
    const i = position.get(row.day);
    if (i === undefined) continue;
    const trend = result.get(row.tool) ?? new Array<number | null>(days.length).fill(0);
    trend[i] = atLeastK(Number(row.n), devicesOn.get(`${row.tool}|${row.day}`) ?? 0, k);
    result.set(row.tool, trend);
  }
  return result;
}

/**
 * `GET /api/admin/inventory`: every entry seen, most-used first: tools used in pages or as an
 * API, AI extensions, AI browsers, and AI tools embedded in other sites (each with its
 * `kind`). An entry used by fewer than k devices is listed (the security team must know it
 * is in use) with its figures withheld and its first and last seen coarsened to the week; an
 * embedding site is named only when at least k devices saw it.
 */
export const inventory = new Hono<AppEnv>().get("/", async (c) => {
  const db = database(c.env.DB);
  const k = kAnonymity(c.env);
  const today = dayOf(Date.now());
  const days = lastDays(today, WINDOWS.month);
  const since30 = windowStart(today, WINDOWS.month);
  // Every statement the view reads, in one round trip to the database.
  const [
    recent,
    daily,
    totalRows,
    statusRows,
    visits,
    devices,
    embedSpans,
    embedRecent,
    embedSites,
    enabledRows,
    embedRequests,
    embedDevices,
    entryRows,
  ] = await db.batch([
    ...toolSpanQueries(db, today),
    eventTotalsQuery(db),
    reviewStatusesQuery(db),
    visitsPerDay(db, days[0] as string),
    toolDevicesPerDay(db, days[0] as string),
    ...embeddedUsageQueries(db, windowStart(today, WINDOWS.week), since30),
    extensionsEnabledQuery(db, since30),
    ...embedsPerDayQueries(db, days[0] as string),
    organizationEntriesQuery(db),
  ]);
  const spans = joinToolSpans(recent, daily);
  const totals = eventTotalsOf(totalRows);
  const statuses = reviewStatusesOf(statusRows);
  const embedded = embeddedUsageOf(embedSpans, embedRecent, embedSites);
  const enabled = extensionsEnabledOf(enabledRows);
  const embedDaily = embedsPerDayOf(embedRequests, embedDevices);
  const effective = effectiveCatalogOf(entryRows);
  const toolsById = effective.byId;
  const embedTrendOf = trends(days, embedDaily.requests, embedDaily.devices, k);
  const trendOf = trends(days, visits, devices, k);
  const tools: InventoryTool[] = [];
  /** What every entry shows: the catalog's words, the review, and figures k-rules allow. */
  const entry = (tool: CompiledTool, span: ToolSpan, visitCount: number, trend: Array<number | null> | undefined) => {
    const withheld = span.population < k;
    return {
      id: tool.id,
      name: tool.name,
      category: tool.category,
      categoryName: categoryNames.get(tool.category) ?? tool.category,
      vendor: tool.vendor,
      status: (statuses.get(tool.id) ?? "unreviewed") as ReviewStatus,
      risk: tool.risk,
      level: tool.level,
      devices: atLeastK(span.devices30, span.devices30, k),
      devices7: atLeastK(span.devices7, span.devices7, k),
      devices30: atLeastK(span.devices30, span.devices30, k),
      withheld,
      visits: withheld ? null : visitCount,
      firstSeen: coarseDay(span.firstSeen, span.population, k),
      lastSeen: coarseDay(span.lastSeen, span.population, k),
      trend: withheld ? new Array<null>(days.length).fill(null) : (trend ?? new Array<number>(days.length).fill(0)),
    };
  };
  for (const span of spans) {
    const tool = toolsById.get(span.tool);
    if (!tool) continue;
    const withheld = span.population < k;
    const events = withheld ? {} : (totals.get(span.tool) ?? {});
    const enabledOn = enabled.get(tool.id) ?? 0;
    tools.push({
      ...entry(tool, span, events.visit ?? 0, trendOf.get(tool.id)),
      events,
      kind: inventoryKind(tool, effective.entries),
      ...(tool.kind === "extension" ? { enabledDevices30: withheld ? null : atLeastK(enabledOn, enabledOn, k) } : {}),
    });
  }
  for (const usage of embedded) {
    const tool = toolsById.get(usage.tool);
    if (!tool) continue;
    tools.push({
      ...entry(tool, usage, usage.requests, embedTrendOf.get(tool.id)),
      events: {},
      kind: "embedded",
      sites: usage.sites
        .filter((site) => site.devices >= k)
        .sort((a, b) => b.devices - a.devices || a.site.localeCompare(b.site)),
    });
  }
  tools.sort(
    (a, b) =>
      (b.devices30 ?? -1) - (a.devices30 ?? -1) || (b.visits ?? -1) - (a.visits ?? -1) || a.name.localeCompare(b.name),
  );
  return c.json({ tools } satisfies InventoryResponse);
});
