import { and, eq, gte, inArray, sql } from "drizzle-orm";
import { Hono } from "hono";
import * as z from "zod";
import { type AwarenessResponse, FUNNEL_EVENTS } from "../../../shared/admin";
import { addDays, dayOf } from "../../../shared/day";
import { coverageByGroup, coverageByVersion } from "../../db/awareness";
import { database } from "../../db/client";
import { policyHistory } from "../../db/policies";
import { dailyRollups } from "../../db/schema";
import { ACTIVE_DAYS, lastDays } from "../../db/usage";
import type { AppEnv } from "../../env";
import { refuse } from "../../errors";
import { queryParams } from "../../middleware/validate";
import { kAnonymity, suppressSmallGroups } from "../../privacy";

const awarenessQuery = z.strictObject({ version: z.coerce.number().int().min(1).optional() });

/**
 * `GET /api/admin/awareness?version=N` (default: the policy in force): acknowledgement
 * coverage per version and per device group (k-anonymous), the nudge funnel and its trend.
 */
export const awarenessRoute = new Hono<AppEnv>().get("/", queryParams(awarenessQuery), async (c) => {
  const db = database(c.env.DB);
  const k = kAnonymity(c.env);
  const today = dayOf(Date.now());
  const since = addDays(today, -(ACTIVE_DAYS - 1));
  const history = await policyHistory(db);
  const version = c.req.valid("query").version ?? history[0]?.version ?? 1;
  if (!history.some((entry) => entry.version === version)) {
    return refuse(c, 404, "not_found", `no policy version ${version}`);
  }
  const days = lastDays(today, 30);
  const [coverage, groups, funnelRows, trendRows] = await Promise.all([
    coverageByVersion(db, since),
    coverageByGroup(db, since, version),
    db
      .select({ event: dailyRollups.event, n: sql<number>`sum(${dailyRollups.n})` })
      .from(dailyRollups)
      .where(and(eq(dailyRollups.policyVersion, version), inArray(dailyRollups.event, [...FUNNEL_EVENTS])))
      .groupBy(dailyRollups.event)
      .all(),
    db
      .select({ day: dailyRollups.day, event: dailyRollups.event, n: sql<number>`sum(${dailyRollups.n})` })
      .from(dailyRollups)
      .where(
        and(
          gte(dailyRollups.day, days[0] as string),
          eq(dailyRollups.policyVersion, version),
          inArray(dailyRollups.event, ["nudge_shown", "acknowledged"]),
        ),
      )
      .groupBy(dailyRollups.day, dailyRollups.event)
      .all(),
  ]);
  const funnel = Object.fromEntries(FUNNEL_EVENTS.map((event) => [event, 0])) as AwarenessResponse["funnel"];
  for (const row of funnelRows) funnel[row.event as keyof typeof funnel] = Number(row.n);
  const perDay = new Map(days.map((day) => [day, { day, nudge_shown: 0, acknowledged: 0 }]));
  for (const row of trendRows) {
    const point = perDay.get(row.day);
    if (point) point[row.event as "nudge_shown" | "acknowledged"] = Number(row.n);
  }
  const response: AwarenessResponse = {
    k,
    policyVersion: version,
    versions: history.map((entry) => ({
      version: entry.version,
      publishedAt: entry.publishedAt,
      acknowledged: coverage.acknowledged.get(entry.version) ?? 0,
      active: coverage.active,
    })),
    byGroup: suppressSmallGroups(groups, k),
    funnel,
    trend: [...perDay.values()],
  };
  return c.json(response);
});
