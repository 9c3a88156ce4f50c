/**
 * Evaluating a draft policy in the editor: the same `evaluatePolicy` the extension runs, made
 * safe for a draft being typed, which may lack keys the schema would default.
 */

import type { NudgeLesson } from "../../../../extension/nudge/view";
import type { CompiledTool } from "../../../../shared/catalog/compile";
import type { ReviewStatus } from "../../../../shared/events";
import type { LessonText } from "../../../../shared/lessons/schema";
import { type Decision, evaluatePolicy, type ToolReview } from "../../../../shared/policy/evaluate";
import { planLesson } from "../../../../shared/policy/lessons";
import type { InventoryTool, Policy } from "../types";

export type Rule = Policy["rules"][number];

/** The draft with the keys a schema default would fill. */
function completed(policy: Policy): Policy {
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

/** Whether a draft lesson's English text is complete enough to show (the editor validates the rest). */
function showable(text: LessonText | undefined): text is LessonText {
  return (
    typeof text?.title === "string" &&
    typeof text.body === "string" &&
    Array.isArray(text.questions) &&
    text.questions.every(
      (question) =>
        typeof question?.prompt === "string" &&
        Array.isArray(question.options) &&
        question.options.every((option) => typeof option?.text === "string" && typeof option.feedback === "string"),
    )
  );
}

/**
 * The lesson a device that has taken none would get with this decision, in English, as the
 * extension serves it with the nudge; null when there is none or the draft cannot say yet.
 */
export function safeLesson(policy: Policy, decision: Decision, tool: CompiledTool, today: string): NudgeLesson | null {
  try {
    const plan = planLesson(completed(policy), decision, tool, undefined, today);
    const lesson = plan.lesson;
    if (!lesson || !showable(lesson.text?.en)) return null;
    return {
      id: lesson.id,
      version: lesson.version,
      readingSeconds: lesson.readingSeconds,
      language: "en",
      text: lesson.text.en,
      required: plan.required,
    };
  } catch {
    return null;
  }
}
