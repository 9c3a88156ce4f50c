import { Hono } from "hono";
import {
  type Candidate,
  type CandidateState,
  type CandidatesResponse,
  type CandidateTriageResponse,
  candidateTriageRequest,
} from "../../../shared/admin";
import { registrableDomain } from "../../../shared/protocol";
import { auditEntry } from "../../db/audit";
import { candidateDomain, candidateUsage, triageCandidate } from "../../db/candidates";
import { database } from "../../db/client";
import type { AppEnv } from "../../env";
import { refuse } from "../../errors";
import { jsonBody } from "../../middleware/validate";
import { atLeastK, coarseDay, kAnonymity } from "../../privacy";

const STATE_ORDER: Record<CandidateState, number> = { new: 0, added: 1, dismissed: 2 };

/**
 * `GET /api/admin/candidates`: unknown AI-looking domains the extensions reported (the
 * registrable domain only), new ones first. A domain seen by fewer than k devices is listed
 * for triage as "seen by fewer than k devices", with no figures and its days coarsened to the
 * week. `POST /api/admin/candidates/:domain` triages one: "added" once the tool is in the
 * catalog, "dismissed" when it is not AI or not relevant.
 */
export const candidatesRoute = new Hono<AppEnv>()
  .get("/", async (c) => {
    const k = kAnonymity(c.env);
    const usage = await candidateUsage(database(c.env.DB));
    const list: Candidate[] = usage.map((row) => {
      const fewerThanK = row.population < k;
      return {
        domain: row.domain,
        firstSeen: coarseDay(row.firstSeen, row.population, k),
        lastSeen: coarseDay(row.lastSeen, row.population, k),
        fewerThanK,
        devices: atLeastK(row.devices, row.devices, k),
        visits: fewerThanK ? null : row.visits,
        state: row.state,
      };
    });
    list.sort(
      (a, b) =>
        STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
        (b.devices ?? -1) - (a.devices ?? -1) ||
        (b.visits ?? -1) - (a.visits ?? -1) ||
        a.domain.localeCompare(b.domain),
    );
    return c.json({ candidates: list } satisfies CandidatesResponse);
  })
  .post("/:domain", jsonBody(candidateTriageRequest), async (c) => {
    const domain = c.req.param("domain");
    if (!registrableDomain.safeParse(domain).success) {
      return refuse(c, 400, "invalid_request", `"${domain}" is not a canonical domain`);
    }
    const { state } = c.req.valid("json");
    const db = database(c.env.DB);
    const row = await candidateDomain(db, domain);
    if (!row) return refuse(c, 404, "not_found", `no candidate domain "${domain}" was reported`);
    if (row.state !== state) {
      await db.batch([
        triageCandidate(db, domain, state, c.get("actor"), Date.now()),
        auditEntry(db, c.get("actor"), "candidate.triage", domain, { before: row.state, after: state }),
      ]);
    }
    return c.json({ domain, state } satisfies CandidateTriageResponse);
  });
