import { t } from "../../lib/i18n";
import type { NudgeView } from "../../lib/messages";

/** Why this tool matters, in sentences built from the catalog's public facts. */
export function whyLines(view: NudgeView): string[] {
  const { tool, decision } = view;
  const lines: string[] = [];
  if (tool.trains === "all") lines.push(t("whyTrainsAll", tool.name));
  else if (tool.trains === "some") lines.push(t("whyTrainsSome", tool.name, tool.trainsOn.join(", ")));
  else if (tool.trains === null) lines.push(t("whyTrainsUnknown", tool.name));
  lines.push(t("whyRisk", t(`riskLevel_${tool.level}`), String(tool.risk)));
  if (decision.status !== "approved") lines.push(t(`whyStatus_${decision.status}`));
  return lines;
}

export function WhyList({ view }: { view: NudgeView }) {
  return (
    <ul class="why" aria-label={t("whyLabel")}>
      {whyLines(view).map((line) => (
        <li key={line}>{line}</li>
      ))}
    </ul>
  );
}
