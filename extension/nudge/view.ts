import type { CompiledTool } from "../../shared/catalog/compile";
import type { ANSWER_EVENTS } from "../../shared/events";
import type { Decision } from "../../shared/policy/evaluate";

/** What a nudge needs to render: the decision, the tool's facts and the alternatives. */
export interface NudgeView {
  decision: Decision;
  tool: Pick<
    CompiledTool,
    "id" | "name" | "vendor" | "category" | "risk" | "level" | "trains" | "trainsOn" | "training" | "checked"
  >;
  alternatives: Array<{ id: string; name: string; url: string }>;
  reasons: Array<{ id: string; label: string }>;
}

/** A person's answer to a nudge; each needs a nudge shown for the same ticket. */
export type NudgeAnswer = (typeof ANSWER_EVENTS)[number];
