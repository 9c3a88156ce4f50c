import { Hono } from "hono";
import * as z from "zod";
import { type AwarenessResponse, FUNNEL_EVENTS } from "../../../shared/admin";
import { addDays, dayOf } from "../../../shared/day";
import { activeDevices, devicesPerEvent, devicesPerEventDay } from "../../db/awareness";
import { database } from "../../db/client";
import { guardDevices, guardSummaryView } from "../../db/guard";
import { literacyCounts, relevancePairs } from "../../db/literacy";
import { policyHistory, publishedReviews } from "../../db/policies";
import { ACTIVE_DAYS, lastDays } from "../../db/usage";
import type { AppEnv } from "../../env";
import { refuse } from "../../errors";
import { literacyCoverageView } from "../../literacy";
import { queryParams } from "../../middleware/validate";
import { atLeastK, kAnonymity, suppressSmallGroups } from "../../privacy";

const awarenessQuery = z.strictObject({ version: z.coerce.number().int().min(1).optional() });

/**
 * `GET /api/admin/awareness?version=N` (default: the policy in force): acknowledgement
 * coverage per version and per device group, the active devices running each version, the
 * devices with each nudge outcome and their trend, literacy coverage (db/literacy.ts), and
 * sensitive-data warnings with what people did (db/guard.ts). Every figure counts distinct
 * devices and is
 * withheld below k.
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
  // Literacy is measured against the policy in force: the lessons devices offer today.
  const inForce = (history[0] as (typeof history)[number]).policy;
  const [{ active: activeCount, acknowledged, running, groups }, funnelRows, trendRows, literacy, guard] =
    await Promise.all([
      activeDevices(db, since, version),
      devicesPerEvent(db, version, FUNNEL_EVENTS),
      devicesPerEventDay(db, version, ["nudge_shown", "acknowledged"], days[0] as string),
      publishedReviews(db).then((reviews) =>
        literacyCounts(c.env.DB, relevancePairs(inForce, reviews), { kind: "recent", since, until: today }),
      ),
      guardDevices(c.env.DB, days[0] as string, today),
    ]);
  const active = atLeastK(activeCount, activeCount, k);
  const funnel = Object.fromEntries(
    FUNNEL_EVENTS.map((event) => {
      const devices = funnelRows.get(event) ?? 0;
      return [event, atLeastK(devices, devices, k)];
    }),
  ) as AwarenessResponse["funnel"];
  const perDay = new Map(days.map((day) => [day, { nudge_shown: 0, acknowledged: 0 }]));
  for (const row of trendRows) {
    const point = perDay.get(row.day);
    if (point) point[row.event as "nudge_shown" | "acknowledged"] = row.devices;
  }
  const response: AwarenessResponse = {
    k,
    policyVersion: version,
    versions: history.map((entry) => ({
      version: entry.version,
      publishedAt: entry.publishedAt,
      acknowledged: active === null ? null : (acknowledged.get(entry.version) ?? 0),
      active,
      running: atLeastK(running.get(entry.version) ?? 0, running.get(entry.version) ?? 0, k),
    })),
    byGroup: suppressSmallGroups(groups, k),
    funnel,
    trend: [...perDay].map(([day, point]) => ({
      day,
      nudge_shown: atLeastK(point.nudge_shown, point.nudge_shown, k),
      acknowledged: atLeastK(point.acknowledged, point.acknowledged, k),
    })),
    literacy: literacyCoverageView(literacy, inForce.literacy?.lessons ?? [], k),
    guard: guardSummaryView(guard, days[0] as string, today, k),
  };
  return c.json(response);
});
