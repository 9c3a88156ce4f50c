import type { Category, Tool, Vendor } from "./schema";

/**
 * The documented risk score of a tool, 0 (low) to 100 (high), derived only from public facts
 * in the catalog. Unknown facts cost less than bad facts but more than good ones, so a tool
 * cannot look safe by having no record.
 *
 * | part                         | points                                                   |
 * |------------------------------|----------------------------------------------------------|
 * | category base risk (0..3)    | 10 per step                                              |
 * | trains on user data          | 25 if any tier trains by default, 12 if unknown, else 0  |
 * | certifications               | 0 with SOC 2 or ISO 27001, 12 if unknown or none         |
 * | enterprise plan with SSO     | 0 if both, 5 if one, 10 if neither or unknown            |
 * | retention published          | 0 if stated, 5 if unknown                                |
 * | vendor's HQ jurisdiction     | 0 EU/EEA, 5 with an EU adequacy decision, 18 otherwise   |
 *
 * Levels: low < 35 <= medium < 60 <= high.
 */
const EEA = new Set(
  "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO".split(" "),
);
// Countries with an EU adequacy decision (European Commission, checked 2026-11-26:
// https://commission.europa.eu/law/law-topic/data-protection/international-dimension-data-protection/adequacy-decisions_en).
const ADEQUATE = new Set("AD AR BR CA CH FO GB GG IL IM JE JP KR NZ US UY".split(" "));

export type RiskLevel = "low" | "medium" | "high";

export interface RiskAssessment {
  score: number;
  level: RiskLevel;
}

export function riskLevel(score: number): RiskLevel {
  return score >= 60 ? "high" : score >= 35 ? "medium" : "low";
}

export function assessRisk(tool: Tool, category: Category, vendor: Vendor): RiskAssessment {
  const facts = tool.facts ?? {};
  let score = category.baseRisk * 10;

  const tiers = facts.trainsOnUserData ? Object.values(facts.trainsOnUserData.value) : null;
  score += tiers === null ? 12 : tiers.some(Boolean) ? 25 : 0;

  const certs = facts.certifications?.value ?? [];
  score += certs.some((c) => /SOC 2|ISO 27001/i.test(c)) ? 0 : 12;

  const sso = facts.sso?.value === true;
  const enterprise = facts.enterprisePlan?.value === true;
  score += sso && enterprise ? 0 : sso || enterprise ? 5 : 10;

  score += facts.retention ? 0 : 5;

  const country = vendor.country ?? "";
  score += EEA.has(country) ? 0 : ADEQUATE.has(country) ? 5 : 18;

  return { score, level: riskLevel(score) };
}

/** Whether the tool trains on inputs by default: on every known tier, on some, on none. */
export function trainingSummary(tool: Tool): "all" | "some" | "none" | null {
  const fact = tool.facts?.trainsOnUserData;
  if (!fact) return null;
  const tiers = Object.values(fact.value);
  if (tiers.every(Boolean)) return "all";
  return tiers.some(Boolean) ? "some" : "none";
}

/** The tier names on which the tool trains on inputs by default, e.g. ["free", "plus"]. */
export function trainingTiers(tool: Tool): string[] {
  const fact = tool.facts?.trainsOnUserData;
  return fact
    ? Object.entries(fact.value)
        .filter(([, trains]) => trains)
        .map(([tier]) => tier)
    : [];
}
