import { Hono } from "hono";
import { reviewRequest, type ToolDetailResponse, type ToolReview } from "../../../shared/admin";
import { dayOf } from "../../../shared/day";
import type { ReviewStatus } from "../../../shared/events";
import { catalog, catalogEntriesById, inventoryKind } from "../../catalog";
import { auditEntry } from "../../db/audit";
import { database } from "../../db/client";
import { loadEffectiveCatalog } from "../../db/organization";
import { closeOnReview } from "../../db/review-queue";
import { toolReview, upsertReview } from "../../db/reviews";
import type { toolReviews } from "../../db/schema";
import { eventTotals, lastDays, toolDevicesPerDay, toolSpans, visitsPerDay, WINDOWS } from "../../db/usage";
import type { AppEnv } from "../../env";
import { refuse } from "../../errors";
import { jsonBody } from "../../middleware/validate";
import { atLeastK, coarseDay, kAnonymity } from "../../privacy";

function toReview(row: typeof toolReviews.$inferSelect): ToolReview {
  return {
    status: row.status as ReviewStatus,
    owner: row.owner,
    notes: row.notes,
    conditions: row.conditions,
    nextReview: row.nextReview,
    alternative: row.alternative,
    agreement: row.agreement,
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
    const db = database(c.env.DB);
    const effective = await loadEffectiveCatalog(db);
    const own = effective.entries.find((entry) => entry.id === id);
    // An organization entry shows its own words; it has no sourced facts.
    const source =
      catalogEntriesById.get(id) ??
      (own && { ...own, description: own.description ?? "", vendor: "", facts: undefined, examples: [] });
    const compiled = effective.byId.get(id);
    if (!source || !compiled) return refuse(c, 404, "not_found", `no tool "${id}" in the catalog`);
    const category = catalog.categories.find((entry) => entry.id === source.category);
    const vendor = catalog.vendors.find((entry) => entry.id === source.vendor);
    const k = kAnonymity(c.env);
    const today = dayOf(Date.now());
    const days = lastDays(today, WINDOWS.month);
    const since = days[0] as string;
    const [review, spans, totals, visits, devicesPerDay] = await Promise.all([
      toolReview(db, id),
      toolSpans(db, today, [id]),
      eventTotals(db, [id]),
      visitsPerDay(db, since, id),
      toolDevicesPerDay(db, since, id),
    ]);
    const span = spans[0];
    const withheld = (span?.population ?? 0) < k;
    const visitsOn = new Map(visits.map((row) => [row.day, Number(row.n)]));
    const devicesOn = new Map(devicesPerDay.map((row) => [row.day, row.devices]));
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
        kind: inventoryKind(compiled, effective.entries),
      },
      review: review ? toReview(review) : null,
      usage: {
        trend: days.map((day) => {
          const devices = devicesOn.get(day) ?? 0;
          return { day, visits: atLeastK(visitsOn.get(day) ?? 0, devices, k), devices: atLeastK(devices, devices, k) };
        }),
        events: withheld ? {} : (totals.get(id) ?? {}),
        devices7: atLeastK(span?.devices7 ?? 0, span?.devices7 ?? 0, k),
        devices30: atLeastK(span?.devices30 ?? 0, span?.devices30 ?? 0, k),
        withheld,
        firstSeen: span ? coarseDay(span.firstSeen, span.population, k) : null,
        lastSeen: span ? coarseDay(span.lastSeen, span.population, k) : null,
      },
    };
    return c.json(response);
  })
  .put("/:id/review", jsonBody(reviewRequest), async (c) => {
    const id = c.req.param("id");
    const db = database(c.env.DB);
    const { byId } = await loadEffectiveCatalog(db);
    if (!byId.has(id)) return refuse(c, 404, "not_found", `no tool "${id}" in the catalog`);
    const body = c.req.valid("json");
    const issues: string[] = [];
    if (body.alternative && !byId.has(body.alternative)) {
      issues.push(`alternative: unknown tool "${body.alternative}"`);
    }
    if (body.alternative === id) issues.push("alternative: a tool cannot be its own alternative");
    if (issues.length) return refuse(c, 422, "change_refused", "review refused, nothing was changed", { issues });

    const before = await toolReview(db, id);
    const row = {
      tool: id,
      status: body.status,
      owner: body.owner || null,
      notes: body.notes || null,
      conditions: body.conditions || null,
      nextReview: body.nextReview ?? null,
      alternative: body.alternative ?? null,
      agreement: body.agreement ?? false,
      updatedAt: Date.now(),
      updatedBy: c.get("actor"),
    };
    await db.batch([
      upsertReview(db, row),
      auditEntry(db, c.get("actor"), "review.update", id, {
        before: before ? toReview(before) : null,
        after: toReview(row),
      }),
      // A review answers the request people made for it: an open request closes with it.
      ...(row.status !== "unreviewed" ? await closeOnReview(db, id, c.get("actor"), row.updatedAt) : []),
    ]);
    return c.json(toReview(row));
  });
