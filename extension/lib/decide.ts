import type { CompiledTool } from "../../shared/catalog/compile";
import { type Decision, evaluatePolicy } from "../../shared/policy/evaluate";
import type { PolicyResponse } from "../../shared/protocol";
import { catalog } from "./catalog";
import type { NudgeView } from "./messages";

export function decide(response: PolicyResponse, tool: CompiledTool): Decision {
  return evaluatePolicy(response.policy, tool, response.reviews[tool.id]);
}

/** Everything a nudge or the blocked page shows, from the decision and the catalog. */
export function nudgeView(response: PolicyResponse, tool: CompiledTool, decision: Decision): NudgeView {
  const alternatives = decision.alternatives.flatMap((id) => {
    const alternative = catalog().toolsById.get(id);
    return alternative ? [{ id, name: alternative.name, url: alternative.home }] : [];
  });
  return {
    decision,
    tool: {
      id: tool.id,
      name: tool.name,
      vendor: tool.vendor,
      category: tool.category,
      risk: tool.risk,
      level: tool.level,
      trains: tool.trains,
      trainsOn: tool.trainsOn,
      training: tool.training,
      checked: tool.checked,
    },
    alternatives,
    reasons: response.policy.reasons,
  };
}
