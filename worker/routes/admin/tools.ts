import { and, countDistinct, eq, gte, sql } from "drizzle-orm";
import { Hono } from "hono";
import { reviewRequest, type ToolDetailResponse, type ToolReview } from "../../../shared/admin";
import { addDays, dayOf } from "../../../shared/day";
import type { ReviewStatus } from "../../../shared/events";
import { catalog, catalogToolsById, toolsById } from "../../catalog";
import { auditEntry } from "../../db/audit";
import { database } from "../../db/client";
import { dailyCounters, dailyRollups, deviceTools, toolReviews } from "../../db/schema";
import { eventTotals, lastDays } from "../../db/usage";
import type { AppEnv } from "../../env";
import { refuse } from "../../errors";
import { jsonBody } from "../../middleware/validate";

function toReview(row: typeof toolReviews.$inferSelect): ToolReview {
  return {
    status: row.status as ReviewStatus,
    owner: row.owner,
    notes: row.notes,
    conditions: row.conditions,
    nextReview: row.nextReview,
    alternative: row.alternative,
    updatedAt: row.updatedAt,
    updatedBy: row.updatedBy,
  };
}

/**
 * `GET /api/admin/tools/:id`: a catalog tool with its facts, its review and its usage;
 * `PUT /api/admin/tools/:id/review`: the security team's decision. A status other than
 * "unreviewed" reaches every extension with its next policy fetch (`/api/v1/policy`).
 */
export const toolsRoute = new Hono<AppEnv>()
  .get("/:id", async (c) => {
    const id = c.req.param("id");
    const source = catalogToolsById.get(id);
    const compiled = toolsById.get(id);
    if (!source || !compiled) return refuse(c, 404, "not_found", `no tool "${id}" in the catalog`);
    const category = catalog.categories.find((entry) => entry.id === source.category);
    const vendor = catalog.vendors.find((entry) => entry.id === source.vendor);
    const db = database(c.env.DB);
    const today = dayOf(Date.now());
    const days = lastDays(today, 30);
    const since = days[0] as string;
    const [review, span, totals, visits, devicesPerDay] = await Promise.all([
      db.select().from(toolReviews).where(eq(toolReviews.tool, id)).get(),
      db
        .select({
          firstSeen: sql<string | null>`min(${deviceTools.firstSeen})`,
          lastSeen: sql<string | null>`max(${deviceTools.lastSeen})`,
          devices7: sql<number>`coalesce(sum(${deviceTools.lastSeen} >= ${addDays(today, -6)}), 0)`,
          devices30: sql<number>`coalesce(sum(${deviceTools.lastSeen} >= ${since}), 0)`,
        })
        .from(deviceTools)
        .where(eq(deviceTools.tool, id))
        .get(),
      eventTotals(db, [id]),
      db
        .select({ day: dailyRollups.day, n: sql<number>`sum(${dailyRollups.n})` })
        .from(dailyRollups)
        .where(and(gte(dailyRollups.day, since), eq(dailyRollups.tool, id), eq(dailyRollups.event, "visit")))
        .groupBy(dailyRollups.day)
        .all(),
      // Distinct devices per day need the raw counters; 30 days are always within retention.
      db
        .select({ day: dailyCounters.day, devices: countDistinct(dailyCounters.deviceId) })
        .from(dailyCounters)
        .where(and(gte(dailyCounters.day, since), eq(dailyCounters.tool, id), eq(dailyCounters.event, "visit")))
        .groupBy(dailyCounters.day)
        .all(),
    ]);
    const visitsOn = new Map(visits.map((row) => [row.day, Number(row.n)]));
    const devicesOn = new Map(devicesPerDay.map((row) => [row.day, Number(row.devices)]));
    const response: ToolDetailResponse = {
      tool: {
        id,
        name: source.name,
        description: source.description,
        category: source.category,
        categoryName: category?.name ?? source.category,
        vendor: {
          id: source.vendor,
          name: vendor?.name ?? compiled.vendor,
          country: vendor?.country ?? "",
          website: vendor?.website ?? "",
        },
        hosts: source.hosts,
        paths: source.paths ?? [],
        facts: source.facts ?? {},
        risk: compiled.risk,
        level: compiled.level,
      },
      review: review ? toReview(review) : null,
      usage: {
        trend: days.map((day) => ({ day, visits: visitsOn.get(day) ?? 0, devices: devicesOn.get(day) ?? 0 })),
        events: totals.get(id) ?? {},
        devices7: Number(span?.devices7 ?? 0),
        devices30: Number(span?.devices30 ?? 0),
        firstSeen: span?.firstSeen ?? null,
        lastSeen: span?.lastSeen ?? null,
      },
    };
    return c.json(response);
  })
  .put("/:id/review", jsonBody(reviewRequest), async (c) => {
    const id = c.req.param("id");
    if (!toolsById.has(id)) return refuse(c, 404, "not_found", `no tool "${id}" in the catalog`);
    const body = c.req.valid("json");
    const issues: string[] = [];
    if (body.alternative && !toolsById.has(body.alternative)) {
      issues.push(`alternative: unknown tool "${body.alternative}"`);
    }
    if (body.alternative === id) issues.push("alternative: a tool cannot be its own alternative");
    if (issues.length) return refuse(c, 422, "change_refused", "review refused, nothing was changed", { issues });

    const db = database(c.env.DB);
    const before = await db.select().from(toolReviews).where(eq(toolReviews.tool, id)).get();
    const row = {
      tool: id,
      status: body.status,
      owner: body.owner || null,
      notes: body.notes || null,
      conditions: body.conditions || null,
      nextReview: body.nextReview ?? null,
      alternative: body.alternative ?? null,
      updatedAt: Date.now(),
      updatedBy: c.get("actor"),
    };
    const { tool: _tool, ...changes } = row;
    await db.batch([
      db.insert(toolReviews).values(row).onConflictDoUpdate({ target: toolReviews.tool, set: changes }),
      auditEntry(db, c, "review.update", id, {
        before: before ? toReview(before) : null,
        after: toReview(row),
      }),
    ]);
    return c.json(toReview(row));
  });
