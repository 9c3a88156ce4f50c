import { whyLines as sharedWhyLines } from "../../../shared/policy/why";
import { t } from "../../lib/i18n";
import type { NudgeView } from "../../lib/messages";

/** Why this tool matters, in the browser's language. */
export function whyLines(view: NudgeView): string[] {
  return sharedWhyLines(view.tool, view.decision.status, t);
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
