import { inArray } from "drizzle-orm";
import { Hono } from "hono";
import { addDays, dayOf } from "../../shared/day";
import { LIMITS } from "../../shared/limits";
import { type Policy, policySchema } from "../../shared/policy/schema";
import {
  REPORT_RATE_LIMIT,
  type RefusalReason,
  type RefusedCount,
  type ReportRequest,
  reportRequest,
} from "../../shared/protocol";
import { toolsById } from "../catalog";
import { database } from "../db/client";
import { planIngest } from "../db/ingest";
import { currentPolicy } from "../db/policies";
import { policyVersions } from "../db/schema";
import type { AppEnv } from "../env";
import { refuse } from "../errors";
import { deviceAuth } from "../middleware/device-auth";
import { jsonBody } from "../middleware/validate";

/*
 * `POST /api/v1/reports`: cumulative daily counts from one device (see db/ingest.ts for how
 * they are merged). Everything that can be refused is checked before anything is written:
 * shape (400), rate (429), days, tools and reasons (422).
 */

/** Counts of a report that the schema cannot see are wrong: days outside the window, unknown ids. */
export function refusedCounts(
  report: ReportRequest,
  today: string,
  reasonsOf: (policyVersion: number) => Set<string>,
): RefusedCount[] {
  const refused: RefusedCount[] = [];
  const oldest = addDays(today, -LIMITS.retentionDays);
  const newest = addDays(today, 1);
  const dayProblem = (day: string): [RefusalReason, string] | null => {
    if (day < oldest) return ["day_out_of_window", `${day} is older than the ${LIMITS.retentionDays}-day retention`];
    if (day > newest) return ["day_out_of_window", `${day} is in the future`];
    return null;
  };
  const toolProblem = (tool: string): [RefusalReason, string] | null =>
    toolsById.has(tool) ? null : ["unknown_tool", `unknown tool "${tool}"`];
  for (const entry of report.days) {
    for (const counter of entry.counters) {
      const problem = dayProblem(entry.day) ?? toolProblem(counter.tool);
      if (problem) {
        const { tool, event, policyVersion } = counter;
        refused.push({
          kind: "counter",
          day: entry.day,
          tool,
          event,
          policyVersion,
          reason: problem[0],
          message: problem[1],
        });
      }
    }
  }
  for (const j of report.justifications ?? []) {
    const problem =
      dayProblem(j.day) ??
      toolProblem(j.tool) ??
      (reasonsOf(j.policyVersion).has(j.reason)
        ? null
        : (["unknown_reason", `"${j.reason}" is not a reason of policy v${j.policyVersion}`] as [
            RefusalReason,
            string,
          ]));
    if (problem) {
      refused.push({
        kind: "justification",
        day: j.day,
        tool: j.tool,
        justification: j.reason,
        policyVersion: j.policyVersion,
        reason: problem[0],
        message: problem[1],
      });
    }
  }
  for (const candidate of report.candidates ?? []) {
    const problem = dayProblem(candidate.day);
    if (problem) {
      refused.push({
        kind: "candidate",
        day: candidate.day,
        domain: candidate.domain,
        reason: problem[0],
        message: problem[1],
      });
    }
  }
  return refused;
}

/** The justification reasons of the policy versions a report names (the policy in force for unknown ones). */
async function reasonsByVersion(env: AppEnv["Bindings"], report: ReportRequest) {
  const versions = [...new Set((report.justifications ?? []).map((j) => j.policyVersion))];
  const known = new Map<number, Set<string>>();
  if (versions.length === 0) return () => new Set<string>();
  const db = database(env.DB);
  const rows = await db
    .select({ version: policyVersions.version, body: policyVersions.body })
    .from(policyVersions)
    .where(inArray(policyVersions.version, versions))
    .all();
  const reasons = (policy: Policy) => new Set(policy.reasons.map((reason) => reason.id));
  for (const row of rows) known.set(row.version, reasons(policySchema.parse(JSON.parse(row.body))));
  const fallback = versions.every((v) => known.has(v)) ? new Set<string>() : reasons(await currentPolicy(db));
  return (version: number) => known.get(version) ?? fallback;
}

export function reportRateLimit(env: AppEnv["Bindings"]): number {
  const configured = Number(env.REPORT_RATE_LIMIT);
  return Number.isInteger(configured) && configured > 0 ? configured : REPORT_RATE_LIMIT.reports;
}

export const reports = new Hono<AppEnv>().post("/", deviceAuth, jsonBody(reportRequest), async (c) => {
  const report = c.req.valid("json");
  const now = Date.now();

  // A fixed window kept on the device row: checked with what deviceAuth read, counted by the
  // report's own batch. Concurrent reports of one device may pass the check together, so the
  // limit can be exceeded by at most the device's concurrency, a few reports at most.
  const window = Math.floor(now / 1000 / REPORT_RATE_LIMIT.windowSeconds);
  const limit = reportRateLimit(c.env);
  if (c.get("reportWindow") === window && c.get("reportsInWindow") >= limit) {
    const retryAfter = Math.max(1, Math.ceil((window + 1) * REPORT_RATE_LIMIT.windowSeconds - now / 1000));
    return refuse(
      c,
      429,
      "rate_limited",
      `too many reports: this device may send ${limit} per ${REPORT_RATE_LIMIT.windowSeconds / 60} minutes; retry in ${retryAfter} s (nothing was stored)`,
      { retryAfter },
    );
  }

  const refused = refusedCounts(report, dayOf(now), await reasonsByVersion(c.env, report));
  if (refused.length) {
    const unknownTools = [
      ...new Set(refused.filter((r) => r.reason === "unknown_tool").map((r) => ("tool" in r ? r.tool : ""))),
    ];
    return refuse(c, 422, "report_refused", "report refused, nothing was stored", {
      issues: refused.map((r) => `${r.kind} ${r.day}: ${r.message}`),
      refused,
      ...(unknownTools.length ? { unknownTools } : {}),
    });
  }

  const plan = planIngest(c.env.DB, report, {
    deviceId: c.get("deviceId"),
    now,
    rateWindow: window,
    webhooks: Boolean(c.env.WEBHOOK_URL),
  });
  const results = await c.env.DB.batch(plan.statements);
  const changed = plan.counted.reduce((sum, i) => sum + (results[i]?.meta.changes ?? 0), 0);
  return c.json({ accepted: plan.accepted, changed });
});
