import { Hono } from "hono";
import { type EvidencePack, evidenceQuery } from "../../../shared/admin";
import { addDays, dayOf } from "../../../shared/day";
import { LIMITS } from "../../../shared/limits";
import { auditEntry } from "../../db/audit";
import { database } from "../../db/client";
import { appendPack } from "../../db/evidence";
import type { AppEnv, Env } from "../../env";
import { refuse } from "../../errors";
import { buildEvidencePack } from "../../evidence/pack";
import { evidenceCsv, evidenceHtml } from "../../evidence/render";
import { importSigningKey, type SigningKey, signPack } from "../../evidence/signature";
import { queryParams } from "../../middleware/validate";
import { kAnonymity } from "../../privacy";

// The printable page has no script and needs only its own inline style.
const EVIDENCE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Attempts to append to the chain when other packs are generated at the same moment. */
const CHAIN_ATTEMPTS = 3;

let signingKey: { source: string; key: Promise<SigningKey> } | undefined;

function keyOf(env: Env): Promise<SigningKey> | null {
  if (!env.EVIDENCE_SIGNING_KEY) return null;
  if (signingKey?.source !== env.EVIDENCE_SIGNING_KEY) {
    signingKey = { source: env.EVIDENCE_SIGNING_KEY, key: importSigningKey(env.EVIDENCE_SIGNING_KEY) };
  }
  return signingKey.key;
}

/**
 * `GET /api/admin/evidence?format=json|csv|html&from=&to=`: the evidence pack for a period
 * (default: the raw retention window ending today), signed with Ed25519 (EVIDENCE_SIGNING_KEY)
 * and chained to the previous pack; the JSON is delivered byte for byte as signed
 * (`npm run verify-evidence` checks it). Device figures need the per-day device table, so
 * the period must lie within the retention window. `GET /api/admin/evidence/key`: the public
 * key packs are signed with, to compare with the one a pack names.
 */
export const evidenceRoute = new Hono<AppEnv>()
  .get("/key", async (c) => {
    const key = keyOf(c.env);
    if (!key) return refuse(c, 503, "not_configured", "no evidence signing key is configured (EVIDENCE_SIGNING_KEY)");
    return c.json({ algorithm: "Ed25519", publicKey: (await key).publicKey });
  })
  .get("/", queryParams(evidenceQuery), async (c) => {
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
    const keyPromise = keyOf(c.env);
    if (!keyPromise) {
      return refuse(c, 503, "not_configured", "no evidence signing key is configured (EVIDENCE_SIGNING_KEY)");
    }
    const key = await keyPromise;

    const db = database(c.env.DB);
    let signed: { text: string; sha256: string; pack: EvidencePack } | null = null;
    for (let attempt = 0; attempt < CHAIN_ATTEMPTS && !signed; attempt++) {
      const pack = await buildEvidencePack(db, { from, to }, kAnonymity(c.env), c.get("actor"));
      const { text, sha256, signature } = await signPack(pack, key);
      const previous = pack.previousHash;
      if (await appendPack(c.env.DB, { generatedAt: pack.generatedAt, from, to, sha256, previous })) {
        signed = { text, sha256, pack: { ...pack, signature } };
      }
    }
    if (!signed) return refuse(c, 409, "conflict", "other evidence packs were being generated: try again");
    // Generating a pack is recorded: comparing many packs is how one could narrow down a few devices.
    await auditEntry(db, c.get("actor"), "evidence.generate", signed.sha256, { from, to, format: query.format });

    const name = `shadowlight-evidence-${from}-to-${to}`;
    const headers = { "X-Evidence-SHA256": signed.sha256 };
    if (query.format === "csv") {
      return c.body(evidenceCsv(signed.pack, signed.sha256), 200, {
        ...headers,
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${name}.csv"`,
      });
    }
    if (query.format === "html") {
      return c.body(evidenceHtml(signed.pack, signed.sha256), 200, {
        ...headers,
        "Content-Type": "text/html; charset=utf-8",
        "Content-Security-Policy": EVIDENCE_CSP,
        "X-Frame-Options": "DENY",
      });
    }
    return c.body(signed.text, 200, {
      ...headers,
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `inline; filename="${name}.json"`,
    });
  });
