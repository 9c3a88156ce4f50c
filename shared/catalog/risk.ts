import { AGREEMENT_TIERS, type Category, PERSONAL_TIERS, type Tier, type Tool, UNSTATED, type Vendor } from "./schema";

/*
 * Risk score v2: 0 (low) to 100 (high), derived only from the catalog's sourced facts, for the
 * tier an employee most likely uses (a personal account: the free plan, else a paid plan for
 * one person, else what the page says of every plan).
 *
 * | part                 | known, good | known, bad                          | checked, silent | not reviewed |
 * |----------------------|-------------|-------------------------------------|-----------------|--------------|
 * | category base risk   | 8 per step (0..3)                                 |                 |              |
 * | training (likely tier)| 0 no       | 25 trains by default                | 15              | 12.5         |
 * | retention            | 0 <= 30 d   | 5 <= 1 year; 10 longer or no limit  | 6 (no length)   | 5            |
 * | where data goes      | 0 EU region or EEA HQ | 5 adequate HQ or DPF-certified US; 15 other | -     | 7.5          |
 * | certifications       | 0 SOC 2 or ISO 27001 | 10 none named (checked)      | -               | 5            |
 * | enterprise controls  | 0 SSO and enterprise plan | 5 one; 10 neither (checked) | -             | 5            |
 *
 * Unknown parts cost half their worst case, and together never more than UNKNOWN_CAP: a tool
 * the catalog has not reviewed lands in the middle, never above a tool known to be risky. Such
 * a tool is flagged `reviewed: false` and shown as "not yet reviewed", apart from its level.
 * Levels: low < 30 <= medium < 60 <= high (the high limit is v1's).
 */
const EEA = new Set(
  "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE IS LI NO".split(" "),
);
// Countries with an EU adequacy decision (European Commission, checked 2026-11-26:
// https://commission.europa.eu/law/law-topic/data-protection/international-dimension-data-protection/adequacy-decisions_en).
// The United States' decision covers only organizations certified under the EU-US Data Privacy
// Framework, so a US vendor counts as adequate only with that fact.
const ADEQUATE = new Set("AD AR BR CA CH FO GB GG IL IM JE JP KR NZ UY".split(" "));

const LEVEL_LIMITS = { medium: 30, high: 60 } as const;
export const UNKNOWN_CAP = 15;

export type RiskLevel = "low" | "medium" | "high";

interface RiskPart {
  part: "category" | "training" | "retention" | "transfer" | "certifications" | "controls";
  points: number;
  /** Known from a sourced fact, recorded as silent on a checked page, or not yet reviewed. */
  state: "known" | "silent" | "unknown";
}

export interface RiskAssessment {
  score: number;
  level: RiskLevel;
  /** Whether the catalog holds any sourced fact about the tool. */
  reviewed: boolean;
  /** The tier the score speaks of. */
  tier: Tier | null;
  parts: RiskPart[];
}

function riskLevel(score: number): RiskLevel {
  return score >= LEVEL_LIMITS.high ? "high" : score >= LEVEL_LIMITS.medium ? "medium" : "low";
}

/** Certification names as vendors write them ("SOC2 Type II", "ISO/IEC 27001:2022"), normalized. */
export function normalizeCertification(name: string): string {
  const compact = name.toUpperCase().replace(/[\s_-]+/g, "");
  if (/^SOC2/.test(compact) || /^AICPASOC2/.test(compact)) return "SOC 2";
  if (/^SOC3/.test(compact)) return "SOC 3";
  const iso = compact.match(/^ISO(?:\/?IEC)?(\d{5})/);
  if (iso) return `ISO ${iso[1]}`;
  return name.trim();
}

/** The tier a person most likely uses that the training fact speaks of, and its value. */
function likelyTraining(tool: Tool, agreement = false): { tier: Tier; value: boolean | typeof UNSTATED } | null {
  const values = tool.facts?.trainsOnUserData?.value;
  if (!values) return null;
  for (const tier of agreement ? AGREEMENT_TIERS : PERSONAL_TIERS) {
    const value = values[tier];
    if (value !== undefined) return { tier, value };
  }
  return null;
}

function trainingPart(tool: Tool): RiskPart {
  const likely = likelyTraining(tool);
  if (!likely) return { part: "training", points: 12.5, state: "unknown" };
  if (likely.value === UNSTATED) return { part: "training", points: 15, state: "silent" };
  return { part: "training", points: likely.value ? 25 : 0, state: "known" };
}

function retentionPart(tool: Tool): RiskPart {
  const fact = tool.facts?.retention;
  if (!fact) return { part: "retention", points: 5, state: "unknown" };
  if (fact.days === undefined) return { part: "retention", points: 6, state: "silent" };
  const days = fact.days;
  return { part: "retention", points: days === null || days > 365 ? 10 : days > 30 ? 5 : 0, state: "known" };
}

function transferPart(tool: Tool, vendor: Vendor): RiskPart {
  const regions = tool.facts?.dataRegion?.value;
  if (regions && regions.length > 0 && regions.every((r) => r === "EU" || EEA.has(r))) {
    return { part: "transfer", points: 0, state: "known" };
  }
  const hq = vendor.hq?.value;
  if (!hq) return { part: "transfer", points: 7.5, state: "unknown" };
  if (EEA.has(hq)) return { part: "transfer", points: 0, state: "known" };
  const adequate = ADEQUATE.has(hq) || (hq === "US" && vendor.dataPrivacyFramework?.value === true);
  return { part: "transfer", points: adequate ? 5 : 15, state: "known" };
}

function certificationsPart(tool: Tool): RiskPart {
  const fact = tool.facts?.certifications;
  if (!fact) return { part: "certifications", points: 5, state: "unknown" };
  const names = fact.value.map(normalizeCertification);
  return {
    part: "certifications",
    points: names.includes("SOC 2") || names.includes("ISO 27001") ? 0 : 10,
    state: "known",
  };
}

function controlsPart(tool: Tool): RiskPart {
  const { sso, enterprisePlan } = tool.facts ?? {};
  if (!sso && !enterprisePlan) return { part: "controls", points: 5, state: "unknown" };
  const good = (sso?.value === true ? 1 : 0) + (enterprisePlan?.value === true ? 1 : 0);
  // One of the two unknown: the other counts as missing only once both were checked.
  if (!sso || !enterprisePlan) return { part: "controls", points: good ? 5 : 10, state: "known" };
  return { part: "controls", points: good === 2 ? 0 : good === 1 ? 5 : 10, state: "known" };
}

export function assessRisk(tool: Tool, category: Category, vendor: Vendor): RiskAssessment {
  const parts: RiskPart[] = [
    { part: "category", points: category.baseRisk * 8, state: "known" },
    trainingPart(tool),
    retentionPart(tool),
    transferPart(tool, vendor),
    certificationsPart(tool),
    controlsPart(tool),
  ];
  const known = parts.filter((p) => p.state !== "unknown").reduce((sum, p) => sum + p.points, 0);
  const unknown = parts.filter((p) => p.state === "unknown").reduce((sum, p) => sum + p.points, 0);
  const score = Math.round(known + Math.min(UNKNOWN_CAP, unknown));
  return {
    score,
    level: riskLevel(score),
    reviewed: Object.keys(tool.facts ?? {}).length > 0,
    tier: likelyTraining(tool)?.tier ?? null,
    parts,
  };
}

/** Whether the tool trains on inputs by default: on every known tier, on some, on none. */
export function trainingSummary(tool: Tool): "all" | "some" | "none" | null {
  const fact = tool.facts?.trainsOnUserData;
  if (!fact) return null;
  const tiers = Object.values(fact.value).filter((value) => value !== UNSTATED);
  if (tiers.length === 0) return null;
  if (tiers.every((value) => value === true)) return "all";
  return tiers.some((value) => value === true) ? "some" : "none";
}

/** The tier names on which the tool trains on inputs by default, e.g. ["free", "individual"]. */
export function trainingTiers(tool: Tool): string[] {
  const fact = tool.facts?.trainsOnUserData;
  return fact
    ? Object.entries(fact.value)
        .filter(([, trains]) => trains === true)
        .map(([tier]) => tier)
    : [];
}
