/**
 * Evaluating a draft policy in the editor: the same `evaluatePolicy` the extension runs, made
 * safe for a draft being typed, which may lack keys the schema would default.
 */
import type { CompiledTool } from "../../../../shared/catalog/compile";
import type { ReviewStatus } from "../../../../shared/events";
import { type Decision, evaluatePolicy, type ToolReview } from "../../../../shared/policy/evaluate";
import type { InventoryTool, Policy } from "../types";

export type Rule = Policy["rules"][number];

/** The draft with the keys a schema default would fill. */
export function completed(policy: Policy): Policy {
  return Object.assign({ reasons: [], reacknowledgeDays: 90, rules: [] }, policy);
}

/** A draft being typed may be incomplete; the preview then waits rather than failing. */
export function safeEvaluate(policy: Policy, tool: CompiledTool, review: ToolReview): Decision | null {
  try {
    const decision = evaluatePolicy(completed(policy), tool, review);
    return decision.action ? decision : null;
  } catch {
    return null;
  }
}

/** Whether one rule's conditions hold for a tool under a review status. */
export function ruleMatches(rule: Rule, tool: CompiledTool, status: ReviewStatus): boolean {
  if (!rule || typeof rule !== "object") return false;
  // Evaluated alone, under an id no rule can have, so a match is never mistaken for the fallback.
  const probe = { ...rule, id: "\u0000probe", when: rule.when ?? {} };
  const single: Policy = {
    version: 1,
    name: "",
    reasons: [],
    allowFreeText: false,
    reacknowledgeDays: 90,
    fallback: "allow",
    rules: [probe],
  };
  return safeEvaluate(single, tool, { status })?.ruleId === probe.id;
}

/** A status for each tool: the server's review for tools in use, unreviewed otherwise. */
export function reviewOf(seen: Map<string, InventoryTool>, id: string): ToolReview {
  return { status: seen.get(id)?.status ?? "unreviewed" };
}
