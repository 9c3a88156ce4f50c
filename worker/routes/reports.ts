import { inArray } from "drizzle-orm";
import { Hono } from "hono";
import { addDays, dayOf } from "../../shared/day";
import { LIMITS } from "../../shared/limits";
import { type Policy, policySchema } from "../../shared/policy/schema";
import { REPORT_RATE_LIMIT, type ReportRequest, reportRequest } from "../../shared/protocol";
import { toolsById } from "../catalog";
import { database } from "../db/client";
import { planIngest } from "../db/ingest";
import { currentPolicy } from "../db/policies";
import { policyVersions } from "../db/schema";
import type { AppEnv } from "../env";
import { deviceAuth } from "../middleware/device-auth";
import { jsonBody } from "../middleware/validate";

/*
 * `POST /api/v1/reports`: cumulative daily counts from one device (see db/ingest.ts for how
 * they are merged). Everything that can be refused is checked before anything is written:
 * shape (400), rate (429), days, tools and reasons (422).
 */

/** Problems with a report that the schema cannot see: days outside the window, unknown ids. */
export function reportProblems(
  report: ReportRequest,
  today: string,
  reasonsOf: (policyVersion: number) => Set<string>,
): string[] {
  const problems: string[] = [];
  const oldest = addDays(today, -LIMITS.retentionDays);
  const newest = addDays(today, 1);
  const checkDay = (day: string, path: string) => {
    if (day < oldest) problems.push(`${path}: ${day} is older than the ${LIMITS.retentionDays}-day retention`);
    if (day > newest) problems.push(`${path}: ${day} is in the future`);
  };
  const checkTool = (tool: string, path: string) => {
    if (!toolsById.has(tool)) problems.push(`${path}: unknown tool "${tool}"`);
  };
  report.days.forEach((entry, i) => {
    checkDay(entry.day, `days.${i}.day`);
    entry.counters.forEach((counter, j) => {
      checkTool(counter.tool, `days.${i}.counters.${j}.tool`);
    });
  });
  report.justifications?.forEach((justification, i) => {
    checkDay(justification.day, `justifications.${i}.day`);
    checkTool(justification.tool, `justifications.${i}.tool`);
    if (!reasonsOf(justification.policyVersion).has(justification.reason)) {
      problems.push(
        `justifications.${i}.reason: "${justification.reason}" is not a reason of policy v${justification.policyVersion}`,
      );
    }
  });
  report.candidates?.forEach((candidate, i) => {
    checkDay(candidate.day, `candidates.${i}.day`);
  });
  return problems;
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
    c.header("Retry-After", String(retryAfter));
    return c.json(
      {
        error: `too many reports: this device may send ${limit} per ${REPORT_RATE_LIMIT.windowSeconds / 60} minutes; retry in ${retryAfter} s (nothing was stored)`,
      },
      429,
    );
  }

  const problems = reportProblems(report, dayOf(now), await reasonsByVersion(c.env, report));
  if (problems.length) return c.json({ error: "report refused, nothing was stored", issues: problems }, 422);

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
