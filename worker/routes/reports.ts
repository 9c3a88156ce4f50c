import type { Context } from "hono";
import { Hono } from "hono";
import { dayOf } from "../../shared/day";
import type { ReportRequest, ReportResponse } from "../../shared/protocol";
import { type RefusedCount, reportRequest } from "../../shared/protocol";
import { database } from "../db/client";
import { emptyStored } from "../db/ingest-state";
import { type EffectiveCatalog, loadEffectiveCatalog } from "../db/organization";
import { publishedVersions, type VersionsNamed } from "../db/policy-versions";
import { policySignal } from "../device-policy";
import type { AppEnv } from "../env";
import { refuse } from "../errors";
import { applyReports, countsIn, type IngestItem } from "../ingest/apply";
import { ingestMode } from "../ingest/mode";
import { queueMessage } from "../ingest/queue";
import { keptPerIsolate } from "../isolate-state";
import { cachedDeviceAuth } from "../middleware/device-auth";
import { jsonBody } from "../middleware/validate";
import { implausibleCounts } from "../plausibility";

/*
 * `POST /api/v1/reports`: cumulative daily counts from one device. Everything that can be
 * refused is refused before anything is stored: shape (400), rate (429, in the device
 * authentication), and every count the device could not honestly have made (422, see
 * plausibility.ts), all or nothing.
 *
 * Direct ingest (INGEST_MODE "direct", the default) checks the report against what the device
 * stored and writes it before answering 200 with the counts that grew. Queued ingest
 * ("queue") checks what needs no stored counts, sends the report to the queue and answers
 * 202 once the queue took it (as the JSON text it already built; when the send fails, it is
 * answered 503 queue_unavailable and nothing is stored); the consumer checks the rest against everything
 * stored and writes many devices' reports in one batch (ingest/queue.ts). A report too large
 * for one queue message is applied at once.
 *
 * Either answer names the policy in force (version and the ETag of GET /api/v1/policy), so a
 * device learns of a new policy with its next report, queued or not.
 *
 * A queued report usually costs no database read: the device comes from this instance's
 * device cache (middleware/device-auth.ts), the rate limit from its own count of the minute
 * (middleware/rate-limit.ts), the published versions and the catalog from what it read before
 * (read again only when a report names something they lack), and the policy in force from
 * its copy read at most LIMITS.policySignalCacheSeconds before (device-policy.ts).
 */

function refused(c: Context<AppEnv>, counts: RefusedCount[]): Response {
  const unknownTools = [
    ...new Set(counts.flatMap((r) => (r.reason === "unknown_tool" && "tool" in r ? [r.tool] : []))),
  ];
  return refuse(c, 422, "report_refused", "report refused, nothing was stored", {
    issues: counts.map((r) => `${r.kind} ${r.day}: ${r.message}`),
    refused: counts,
    ...(unknownTools.length ? { unknownTools } : {}),
  });
}

/** Which policy is in force, so a device holding another one fetches it now. */
const policyInForce = (c: Context<AppEnv>) => policySignal(database(c.env.DB), c.env);

/** Reports of one device applied in this instance wait for each other instead of racing. */
const applying = new Map<string, Promise<unknown>>();

async function applyNow(c: Context<AppEnv>, item: IngestItem): Promise<Response> {
  const previous = applying.get(item.deviceId) ?? Promise.resolve();
  const current = previous.catch(() => undefined).then(() => applyReports(c.env.DB, [item]));
  applying.set(item.deviceId, current);
  try {
    const result = await current;
    const outcome = result.outcomes[0];
    if (outcome?.kind === "refused") return refused(c, outcome.refused);
    if (outcome?.kind === "device_revoked") {
      return refuse(c, 403, "device_revoked", "an admin revoked this device: it reports nothing until re-admitted");
    }
    if (outcome?.kind !== "applied") return refuse(c, 401, "device_unknown", "device token is unknown: enroll again");
    return c.json({
      accepted: outcome.counts,
      changed: result.changed,
      ...(await policyInForce(c)),
    } satisfies ReportResponse);
  } finally {
    if (applying.get(item.deviceId) === current) applying.delete(item.deviceId);
  }
}

function versionsNamed(report: ReportRequest): VersionsNamed {
  return {
    policies: new Set([
      ...report.days.flatMap((entry) => entry.counters.map((counter) => counter.policyVersion)),
      ...(report.justifications ?? []).map((j) => j.policyVersion),
      ...(report.guard ?? []).map((g) => g.policyVersion),
    ]),
    lessons: new Set((report.lessons ?? []).map((l) => `${l.lesson}|${l.version}`)),
  };
}

/**
 * The catalog with the organization's own entries, as this isolate last read it. The route's
 * checks take it as it is; only when it makes them refuse an entry is it read again, so an
 * entry added since is never refused here (the consumer reads it fresh with every batch).
 */
let catalogSeen: EffectiveCatalog | null = null;
keptPerIsolate(() => {
  catalogSeen = null;
});

const refusesEntry = (problems: RefusedCount[]) =>
  problems.some((problem) => problem.reason === "unknown_tool" || problem.reason === "wrong_kind");

async function enqueue(c: Context<AppEnv>, queue: Queue, item: IngestItem): Promise<Response> {
  const versions = await publishedVersions(c.env.DB, versionsNamed(item.report));
  const check = (catalog: EffectiveCatalog) =>
    implausibleCounts(item.report, { ...emptyStored(), ...versions }, catalog.byId, dayOf(item.receivedAt), {
      relations: false,
      vendorDomains: catalog.vendorDomains,
    });
  catalogSeen ??= await loadEffectiveCatalog(database(c.env.DB));
  let problems = check(catalogSeen);
  if (refusesEntry(problems)) {
    catalogSeen = await loadEffectiveCatalog(database(c.env.DB));
    problems = check(catalogSeen);
  }
  if (problems.length > 0) return refused(c, problems);
  const queued = queueMessage(item);
  if (!queued) return applyNow(c, item);
  try {
    await queue.send(queued, { contentType: "text" });
  } catch (error) {
    // Nothing was stored and the device keeps its counts: it sends them again after a while.
    console.error("queueing reports failed", error);
    return refuse(
      c,
      503,
      "queue_unavailable",
      "the report could not be queued, nothing was stored: send it again later",
    );
  }
  return c.json(
    { accepted: countsIn(item.report), queued: true, ...(await policyInForce(c)) } satisfies ReportResponse,
    202,
  );
}

export const reports = new Hono<AppEnv>().post("/", cachedDeviceAuth, jsonBody(reportRequest), async (c) => {
  const item: IngestItem = { deviceId: c.get("deviceId"), report: c.req.valid("json"), receivedAt: Date.now() };
  const mode = ingestMode(c.env);
  if (!mode.ok) return refuse(c, 503, "not_configured", mode.error);
  if (mode.queue) return enqueue(c, mode.queue, item);
  // Publishes the bundled default policy when the database has none yet (first use).
  await publishedVersions(c.env.DB, versionsNamed(item.report));
  return applyNow(c, item);
});
