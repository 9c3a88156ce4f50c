import { Hono } from "hono";
import { evidenceQuery } from "../../../shared/admin";
import { addDays, dayOf } from "../../../shared/day";
import { LIMITS } from "../../../shared/limits";
import { auditEntry } from "../../db/audit";
import { database } from "../../db/client";
import type { AppEnv } from "../../env";
import { refuse } from "../../errors";
import { buildEvidencePack } from "../../evidence/pack";
import { evidenceCsv, evidenceHtml } from "../../evidence/render";
import { queryParams } from "../../middleware/validate";
import { kAnonymity } from "../../privacy";

// The printable page has no script and needs only its own inline style.
const EVIDENCE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * `GET /api/admin/evidence?format=json|csv|html&from=&to=`: the evidence pack for a period
 * (default: the raw retention window ending today). Device figures need the per-day device
 * table, so the period must lie within the retention window.
 */
export const evidenceRoute = new Hono<AppEnv>().get("/", queryParams(evidenceQuery), async (c) => {
  const query = c.req.valid("query");
  const today = dayOf(Date.now());
  const oldest = addDays(today, -LIMITS.retentionDays);
  const to = query.to ?? today;
  const from = query.from ?? addDays(to, -(LIMITS.retentionDays - 1));
  const issues: string[] = [];
  if (to > today) issues.push(`to: ${to} is in the future`);
  if (from > to) issues.push(`from: ${from} is after to (${to})`);
  if (from < oldest) {
    issues.push(`from: ${from} is older than the ${LIMITS.retentionDays}-day retention of device data (${oldest})`);
  }
  if (issues.length) return refuse(c, 400, "invalid_request", "invalid evidence period", { issues });

  const db = database(c.env.DB);
  const pack = await buildEvidencePack(db, { from, to }, kAnonymity(c.env), c.get("actor"));
  // Generating a pack is recorded: comparing many packs is how one could narrow down a few devices.
  await auditEntry(db, c.get("actor"), "evidence.generate", null, { from, to, format: query.format });
  const name = `shadowlight-evidence-${from}-to-${to}`;
  if (query.format === "csv") {
    return c.body(evidenceCsv(pack), 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}.csv"`,
    });
  }
  if (query.format === "html") {
    return c.body(evidenceHtml(pack), 200, {
      "Content-Type": "text/html; charset=utf-8",
      "Content-Security-Policy": EVIDENCE_CSP,
      "X-Frame-Options": "DENY",
    });
  }
  return c.json(pack);
});
