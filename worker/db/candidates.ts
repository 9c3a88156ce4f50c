import { countDistinct, eq, max, sql } from "drizzle-orm";
import type { CandidateState } from "../../shared/admin";
import { type CandidateSignal, signalsOf } from "../../shared/catalog/candidates";
import type { Database } from "./client";
import { candidateDomains, candidateRollups, candidates } from "./schema";

export interface CandidateUsage {
  domain: string;
  firstSeen: string;
  lastSeen: string;
  state: CandidateState;
  /** Distinct devices within the retention window, or the most on one older day if more. */
  population: number;
  devices: number;
  visits: number;
  signals: CandidateSignal[];
}

/** Every candidate domain with its triage state and how many devices and visits it had. */
export async function candidateUsage(db: Database): Promise<CandidateUsage[]> {
  const [domains, recent, older] = await Promise.all([
    db.select().from(candidateDomains).all(),
    db
      .select({
        domain: candidates.domain,
        devices: countDistinct(candidates.deviceId),
        visits: sql<number>`sum(${candidates.n})`,
      })
      .from(candidates)
      .groupBy(candidates.domain)
      .all(),
    db
      .select({
        domain: candidateRollups.domain,
        busiest: max(candidateRollups.devices),
        visits: sql<number>`sum(${candidateRollups.n})`,
      })
      .from(candidateRollups)
      .groupBy(candidateRollups.domain)
      .all(),
  ]);
  const recentOf = new Map(recent.map((row) => [row.domain, row]));
  const olderOf = new Map(older.map((row) => [row.domain, row]));
  return domains.map((row) => {
    const raw = recentOf.get(row.domain);
    const rolled = olderOf.get(row.domain);
    const devices = Number(raw?.devices ?? 0);
    return {
      domain: row.domain,
      firstSeen: row.firstSeen,
      lastSeen: row.lastSeen || row.firstSeen,
      state: row.state as CandidateState,
      population: Math.max(devices, Number(rolled?.busiest ?? 0)),
      devices,
      visits: Number(raw?.visits ?? 0) + Number(rolled?.visits ?? 0),
      // 0: only extensions older than signals reported it, and their one signal was the hostname.
      signals: row.signals === 0 ? ["hostname"] : signalsOf(row.signals),
    };
  });
}

export async function candidateDomain(db: Database, domain: string) {
  return db.select().from(candidateDomains).where(eq(candidateDomains.domain, domain)).get();
}

export function triageCandidate(db: Database, domain: string, state: CandidateState, actor: string, at: number) {
  return db
    .update(candidateDomains)
    .set({ state, updatedAt: at, updatedBy: actor })
    .where(eq(candidateDomains.domain, domain));
}
