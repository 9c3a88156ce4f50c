import { countDistinct, eq, max, min, sql } from "drizzle-orm";
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
import { database } from "../../db/client";
import { candidateDomains, candidateRollups, candidates } from "../../db/schema";
import type { AppEnv } from "../../env";
import { refuse } from "../../errors";
import { jsonBody } from "../../middleware/validate";

const STATE_ORDER: Record<CandidateState, number> = { new: 0, added: 1, dismissed: 2 };

/**
 * `GET /api/admin/candidates`: unknown AI-looking domains the extensions reported (the
 * registrable domain only), new ones first; `POST /api/admin/candidates/:domain` triages one:
 * "added" once the tool is in the catalog, "dismissed" when it is not AI or not relevant.
 */
export const candidatesRoute = new Hono<AppEnv>()
  .get("/", async (c) => {
    const db = database(c.env.DB);
    const [domains, recent, older] = await Promise.all([
      db.select().from(candidateDomains).all(),
      db
        .select({
          domain: candidates.domain,
          lastSeen: max(candidates.day),
          devices: countDistinct(candidates.deviceId),
          visits: sql<number>`sum(${candidates.n})`,
        })
        .from(candidates)
        .groupBy(candidates.domain)
        .all(),
      db
        .select({
          domain: candidateRollups.domain,
          firstSeen: min(candidateRollups.day),
          lastSeen: max(candidateRollups.day),
          visits: sql<number>`sum(${candidateRollups.n})`,
        })
        .from(candidateRollups)
        .groupBy(candidateRollups.domain)
        .all(),
    ]);
    const recentOf = new Map(recent.map((row) => [row.domain, row]));
    const olderOf = new Map(older.map((row) => [row.domain, row]));
    const list: Candidate[] = domains.map((row) => {
      const raw = recentOf.get(row.domain);
      const rolled = olderOf.get(row.domain);
      const lastSeen = [raw?.lastSeen, rolled?.lastSeen, row.firstSeen].filter(Boolean).sort().at(-1) as string;
      return {
        domain: row.domain,
        firstSeen: row.firstSeen,
        lastSeen,
        devices: Number(raw?.devices ?? 0),
        visits: Number(raw?.visits ?? 0) + Number(rolled?.visits ?? 0),
        state: row.state as CandidateState,
      };
    });
    list.sort(
      (a, b) =>
        STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
        b.devices - a.devices ||
        b.visits - a.visits ||
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
    const row = await db.select().from(candidateDomains).where(eq(candidateDomains.domain, domain)).get();
    if (!row) return refuse(c, 404, "not_found", `no candidate domain "${domain}" was reported`);
    if (row.state !== state) {
      await db.batch([
        db
          .update(candidateDomains)
          .set({ state, updatedAt: Date.now(), updatedBy: c.get("actor") })
          .where(eq(candidateDomains.domain, domain)),
        auditEntry(db, c, "candidate.triage", domain, { before: row.state, after: state }),
      ]);
    }
    return c.json({ domain, state } satisfies CandidateTriageResponse);
  });
