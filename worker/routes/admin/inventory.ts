import { and, eq, gte, sql } from "drizzle-orm";
import { Hono } from "hono";
import type { InventoryResponse, InventoryTool } from "../../../shared/admin";
import { addDays, dayOf } from "../../../shared/day";
import type { ReviewStatus } from "../../../shared/events";
import { catalog, toolsById } from "../../catalog";
import { database } from "../../db/client";
import { dailyRollups, toolReviews } from "../../db/schema";
import { eventTotals, lastDays, toolSpans } from "../../db/usage";
import type { AppEnv } from "../../env";

/** `GET /api/admin/inventory`: every tool seen, most-used first, with 30 days of visits. */
const categoryNames = new Map(catalog.categories.map((category) => [category.id, category.name]));

export const inventory = new Hono<AppEnv>().get("/", async (c) => {
  const db = database(c.env.DB);
  const today = dayOf(Date.now());
  const days = lastDays(today, 30);
  const [spans, totals, reviews, daily] = await Promise.all([
    toolSpans(db, addDays(today, -6), addDays(today, -29)),
    eventTotals(db),
    db.select({ tool: toolReviews.tool, status: toolReviews.status }).from(toolReviews).all(),
    db
      .select({ tool: dailyRollups.tool, day: dailyRollups.day, n: sql<number>`sum(${dailyRollups.n})` })
      .from(dailyRollups)
      .where(and(gte(dailyRollups.day, days[0] as string), eq(dailyRollups.event, "visit")))
      .groupBy(dailyRollups.tool, dailyRollups.day)
      .all(),
  ]);
  const statusOf = new Map(reviews.map((row) => [row.tool, row.status as ReviewStatus]));
  const position = new Map(days.map((day, i) => [day, i]));
  const trends = new Map<string, number[]>();
  for (const row of daily) {
    const i = position.get(row.day);
    if (i === undefined) continue;
    const trend = trends.get(row.tool) ?? new Array<number>(days.length).fill(0);
    trend[i] = Number(row.n);
    trends.set(row.tool, trend);
  }
  const tools: InventoryTool[] = [];
  for (const span of spans) {
    const tool = toolsById.get(span.tool);
    if (!tool) continue;
    const events = totals.get(span.tool) ?? {};
    tools.push({
      id: tool.id,
      name: tool.name,
      category: tool.category,
      categoryName: categoryNames.get(tool.category) ?? tool.category,
      vendor: tool.vendor,
      status: statusOf.get(tool.id) ?? "unreviewed",
      risk: tool.risk,
      level: tool.level,
      devices: span.devices30,
      devices7: span.devices7,
      devices30: span.devices30,
      visits: events.visit ?? 0,
      events,
      firstSeen: span.firstSeen,
      lastSeen: span.lastSeen,
      trend: trends.get(tool.id) ?? new Array<number>(days.length).fill(0),
    });
  }
  tools.sort((a, b) => b.devices30 - a.devices30 || b.visits - a.visits || a.name.localeCompare(b.name));
  return c.json({ tools } satisfies InventoryResponse);
});
