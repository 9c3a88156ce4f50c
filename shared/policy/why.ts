import type { CompiledTool } from "../catalog/compile";
import type { ReviewStatus } from "../events";

/** A message lookup with chrome.i18n's shape: key, then substitutions. */
export type Translate = (key: string, ...substitutions: string[]) => string;

/**
 * Why a tool matters, in sentences built from the catalog's public facts. One definition for
 * the extension's nudges and blocked page and for the dashboard's nudge preview, so what the
 * preview shows is what people see.
 */
export function whyLines(
  tool: Pick<CompiledTool, "name" | "trains" | "trainsOn" | "level" | "risk">,
  status: ReviewStatus,
  t: Translate,
): string[] {
  const lines: string[] = [];
  if (tool.trains === "all") lines.push(t("whyTrainsAll", tool.name));
  else if (tool.trains === "some") lines.push(t("whyTrainsSome", tool.name, (tool.trainsOn ?? []).join(", ")));
  else if (!tool.trains) lines.push(t("whyTrainsUnknown", tool.name));
  lines.push(t("whyRisk", t(`riskLevel_${tool.level}`), String(tool.risk)));
  if (status !== "approved") lines.push(t(`whyStatus_${status}`));
  return lines;
}
