/**
 * The worker behind `npm run bench:worker`'s simulated year (never deployed). Everything under
 * `/api/` is the real worker. Besides, at a simulated time chosen by the caller:
 *   POST /__bench/policy  publishes a policy version as of a past day
 *   POST /__bench/enroll  enrolls devices with an enrollment token's grant, as the enroll
 *                         route does (grantOfToken, enrollWithinCaps), enrolled on a past day
 *   POST /__bench/ingest  applies reports received at a given time with the code the queue
 *                         consumer runs (ingest/apply.ts: every check, then one D1 batch per
 *                         `batch` reports), and says how many were applied or refused
 *   POST /__bench/cron    runs the cron's scheduled handler as of a given time
 * so the database holds what a year of real use would have written, not data made by hand.
 */
import type { ReportRequest } from "../../../shared/protocol";
import { sha256Hex } from "../../../worker/crypto";
import { database } from "../../../worker/db/client";
import { enrollWithinCaps, grantOfToken } from "../../../worker/db/enrollment";
import type { Env } from "../../../worker/env";
import shadowlight from "../../../worker/index";
import { applyReports } from "../../../worker/ingest/apply";

interface IngestBody {
  receivedAt: number;
  batch: number;
  reports: Array<{ deviceId: string; report: ReportRequest }>;
}

interface EnrollBody {
  token: string;
  enrolledAt: number;
  devices: Array<{ id: string; tokenHash: string; browser: string }>;
}

async function ingest(env: Env, body: IngestBody): Promise<Response> {
  const started = Date.now();
  let applied = 0;
  const refused: unknown[] = [];
  let batches = 0;
  for (let i = 0; i < body.reports.length; i += body.batch) {
    const items = body.reports
      .slice(i, i + body.batch)
      .map(({ deviceId, report }) => ({ deviceId, report, receivedAt: body.receivedAt }));
    const { outcomes } = await applyReports(env.DB, items);
    batches++;
    outcomes.forEach((outcome, j) => {
      if (outcome.kind === "applied") applied++;
      else if (refused.length < 5) refused.push({ deviceId: items[j]?.deviceId, outcome });
    });
  }
  return Response.json({ applied, refused, batches, ms: Date.now() - started });
}

async function enroll(env: Env, body: EnrollBody): Promise<Response> {
  const grant = await grantOfToken(database(env.DB), await sha256Hex(body.token));
  if (!grant) return Response.json({ error: "unknown enrollment token" }, { status: 400 });
  let enrolled = 0;
  for (const device of body.devices) {
    const ok = await enrollWithinCaps(
      env.DB,
      grant,
      {
        id: device.id,
        tokenHash: device.tokenHash,
        group: grant.group,
        browser: device.browser,
        extensionVersion: "1.0.0",
        enrolledAt: body.enrolledAt,
      },
      null,
    );
    if (ok) enrolled++;
  }
  return Response.json({ enrolled });
}

export default {
  async fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    if (!pathname.startsWith("/__bench/")) return shadowlight.fetch(request, env, ctx);
    const body = (await request.json()) as Record<string, unknown>;
    switch (pathname) {
      case "/__bench/policy": {
        const { version, publishedAt, policy } = body as { version: number; publishedAt: number; policy: unknown };
        await env.DB.prepare(
          "INSERT INTO policy_versions (version, body, published_at, published_by) VALUES (?1, ?2, ?3, 'bench')",
        )
          .bind(version, JSON.stringify(policy), publishedAt)
          .run();
        return Response.json({ version });
      }
      case "/__bench/enroll":
        return enroll(env, body as unknown as EnrollBody);
      case "/__bench/ingest":
        return ingest(env, body as unknown as IngestBody);
      case "/__bench/cron": {
        const now = Number(body.now);
        await shadowlight.scheduled({ scheduledTime: now, cron: "*/5 * * * *", noRetry() {} }, env, ctx);
        return Response.json({ ran: now });
      }
      default:
        return new Response("no such bench endpoint", { status: 404 });
    }
  },
} satisfies ExportedHandler<Env>;
