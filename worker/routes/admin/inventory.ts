import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { addDays, dayOf } from "../../../shared/day";
import type { ReviewStatus } from "../../../shared/events";
import { compiledIndex } from "../../catalog";
import { database } from "../../db/client";
import { dailyCounters, deviceTools, toolReviews } from "../../db/schema";
import type { AppEnv } from "../../env";

export interface InventoryTool {
  id: string;
  name: string;
  category: string;
  vendor: string;
  status: ReviewStatus;
  risk: number;
  level: string;
  /** Devices that used the tool in the last 30 days. */
  devices: number;
  devices7: number;
  devices30: number;
  visits: number;
  events: Record<string, number>;
  firstSeen: string;
  lastSeen: string;
}

/** `GET /api/admin/inventory`: every tool seen, most-used first. */
export const inventory = new Hono<AppEnv>().get("/", async (c) => {
  const db = database(c.env.DB);
  const today = dayOf(Date.now());
  const since7 = addDays(today, -6);
  const since30 = addDays(today, -29);
  const [spans, totals, reviews] = await Promise.all([
    db
      .select({
        tool: deviceTools.tool,
        firstSeen: sql<string>`min(${deviceTools.firstSeen})`,
        lastSeen: sql<string>`max(${deviceTools.lastSeen})`,
        devices7: sql<number>`sum(${deviceTools.lastSeen} >= ${since7})`,
        devices30: sql<number>`sum(${deviceTools.lastSeen} >= ${since30})`,
      })
      .from(deviceTools)
      .groupBy(deviceTools.tool)
      .all(),
    db
      .select({ tool: dailyCounters.tool, event: dailyCounters.event, n: sql<number>`sum(${dailyCounters.n})` })
      .from(dailyCounters)
      .groupBy(dailyCounters.tool, dailyCounters.event)
      .all(),
    db.select({ tool: toolReviews.tool, status: toolReviews.status }).from(toolReviews).all(),
  ]);
  const tools = new Map(compiledIndex.tools.map((tool) => [tool.id, tool]));
  const statusOf = new Map(reviews.map((row) => [row.tool, row.status as ReviewStatus]));
  const eventsOf = new Map<string, Record<string, number>>();
  for (const row of totals) {
    const events = eventsOf.get(row.tool) ?? {};
    events[row.event] = Number(row.n);
    eventsOf.set(row.tool, events);
  }
  const result: InventoryTool[] = [];
  for (const span of spans) {
    const tool = tools.get(span.tool);
    if (!tool) continue;
    const events = eventsOf.get(span.tool) ?? {};
    result.push({
      id: tool.id,
      name: tool.name,
      category: tool.category,
      vendor: tool.vendor,
      status: statusOf.get(tool.id) ?? "unreviewed",
      risk: tool.risk,
      level: tool.level,
      devices: Number(span.devices30),
      devices7: Number(span.devices7),
      devices30: Number(span.devices30),
      visits: events.visit ?? 0,
      events,
      firstSeen: span.firstSeen,
      lastSeen: span.lastSeen,
    });
  }
  result.sort((a, b) => b.devices30 - a.devices30 || b.visits - a.visits || a.name.localeCompare(b.name));
  return c.json({ tools: result });
});
