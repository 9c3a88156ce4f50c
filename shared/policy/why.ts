import type { CompiledTool } from "../catalog/compile";
import { AGREEMENT_TIERS, PERSONAL_TIERS, type Tier } from "../catalog/tiers";
import type { ReviewStatus } from "../events";

/** A message lookup with chrome.i18n's shape: key, then substitutions. */
export type Translate = (key: string, ...substitutions: string[]) => string;

export type WhyTool = Pick<CompiledTool, "name" | "trains" | "trainsOn" | "training" | "checked" | "level" | "risk">;

/**
 * What the catalog says of training on the tier the person most likely uses: a personal
 * account, unless the organization records an enterprise agreement for the tool.
 */
function likelyTier(
  tool: Pick<CompiledTool, "training">,
  agreement = false,
): { tier: Tier; value: boolean | "unstated" } | null {
  for (const tier of agreement ? AGREEMENT_TIERS : PERSONAL_TIERS) {
    const value = tool.training?.[tier];
    if (value !== undefined) return { tier, value };
  }
  return null;
}

/**
 * Why a tool matters, in sentences built from the catalog's public facts. One definition for
 * the extension's nudges and blocked page and for the dashboard's nudge preview, so what the
 * preview shows is what people see. It keeps three cases apart: the catalog has not reviewed
 * the tool (our gap, said as such), the vendor's checked page is silent (the vendor's gap), and
 * a stated fact.
 */
export function whyLines(tool: WhyTool, status: ReviewStatus, t: Translate, agreement = false): string[] {
  const lines: string[] = [];
  const plan = (tier: Tier) => t(`tier_${tier}`);
  if (!tool.checked) {
    lines.push(t("whyNotReviewed", tool.name));
  } else {
    const likely = likelyTier(tool, agreement);
    if (!likely) lines.push(t("whyTrainsNotReviewed", tool.name, t(agreement ? "tier_agreement" : "tier_personal")));
    else if (likely.value === "unstated") lines.push(t("whyTrainsUnstated", tool.name, plan(likely.tier)));
    else if (likely.value) lines.push(t("whyTrainsTier", tool.name, plan(likely.tier)));
    else lines.push(t("whyNoTrainingTier", tool.name, plan(likely.tier)));
  }
  lines.push(
    tool.checked
      ? t("whyRisk", t(`riskLevel_${tool.level}`), String(tool.risk))
      : t("whyRiskNotReviewed", String(tool.risk)),
  );
  if (status !== "approved") lines.push(t(`whyStatus_${status}`));
  return lines;
}
