import { Hono } from "hono";
import { dayOf } from "../../shared/day";
import { type ReportResponse, reportRequest } from "../../shared/protocol";
import { database } from "../db/client";
import { planIngest } from "../db/ingest";
import { readStoredState } from "../db/ingest-state";
import { loadEffectiveCatalog } from "../db/organization";
import { currentPolicy } from "../db/policies";
import { devicePolicy } from "../device-policy";
import type { AppEnv } from "../env";
import { refuse } from "../errors";
import { deviceAuth } from "../middleware/device-auth";
import { jsonBody } from "../middleware/validate";
import { implausibleCounts } from "../plausibility";

/*
 * `POST /api/v1/reports`: cumulative daily counts from one device (db/ingest.ts merges them).
 * Everything that can be refused is checked before anything is written: shape (400), rate
 * (429, in deviceAuth), and every count the device could not honestly have made (422, see
 * plausibility.ts), all or nothing. The answer names the policy in force (version and the
 * ETag of GET /api/v1/policy), so a device learns of a new policy with its next report.
 */
export const reports = new Hono<AppEnv>().post("/", deviceAuth, jsonBody(reportRequest), async (c) => {
  const report = c.req.valid("json");
  const deviceId = c.get("deviceId");
  const now = Date.now();
  let stored = await readStoredState(c.env.DB, deviceId, report);
  if (stored.published.size === 0) {
    // A fresh database publishes the default policy on first use.
    await currentPolicy(database(c.env.DB));
    stored = await readStoredState(c.env.DB, deviceId, report);
  }
  // The organization's own entries count like catalog tools, read fresh: a refusal is final
  // for the device, so a count for an entry added a minute ago must not meet a stale list.
  const { byId } = await loadEffectiveCatalog(database(c.env.DB));
  const refused = implausibleCounts(report, stored, byId, dayOf(now));
  if (refused.length) {
    const unknownTools = [
      ...new Set(refused.flatMap((r) => (r.reason === "unknown_tool" && "tool" in r ? [r.tool] : []))),
    ];
    return refuse(c, 422, "report_refused", "report refused, nothing was stored", {
      issues: refused.map((r) => `${r.kind} ${r.day}: ${r.message}`),
      refused,
      ...(unknownTools.length ? { unknownTools } : {}),
    });
  }
  const plan = planIngest(c.env.DB, report, { deviceId });
  const results = await c.env.DB.batch(plan.statements);
  const changed = plan.counted.reduce((sum, i) => sum + (results[i]?.meta.changes ?? 0), 0);
  // Which policy is in force, so a device holding another one fetches it now.
  const { body, etag } = await devicePolicy(database(c.env.DB), c.env);
  return c.json({
    accepted: plan.accepted,
    changed,
    policyVersion: body.policy.version,
    policyEtag: etag,
  } satisfies ReportResponse);
});
