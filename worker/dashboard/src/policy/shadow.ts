/**
 * Which rules of a draft can ever apply. Rules are tried in order and the first whose
 * conditions hold decides, so a rule whose every match an earlier rule already takes is dead
 * ("shadowed"). The analysis runs over every catalog tool under every review status, since an
 * admin may give any tool any status.
 */
import type { CompiledTool } from "../../../../shared/catalog/compile";
import { REVIEW_STATUSES } from "../../../../shared/events";
import { type Rule, ruleMatches } from "./draft";

export interface RuleReach {
  /** (tool, status) pairs the rule's conditions hold for. */
  matches: number;
  /** Pairs it decides: it is the first rule that holds. */
  decides: number;
  /** For a rule that matches but decides nothing, the earlier rule that takes most of its matches. */
  shadowedBy: number | null;
}

export interface RuleAnalysis {
  rules: RuleReach[];
  /**
   * Where a new rule without conditions still takes effect, as late as possible: before the
   * first rule by which every pair is decided, or at the end when the fallback still decides some.
   */
  insertAt: number;
}

export function analyzeRules(rules: Rule[], tools: CompiledTool[]): RuleAnalysis {
  const pairs = tools.flatMap((tool) => REVIEW_STATUSES.map((status) => ({ tool, status })));
  const decider = new Int32Array(pairs.length).fill(-1);
  const reach: RuleReach[] = [];
  let decided = 0;
  let insertAt = rules.length;
  rules.forEach((rule, index) => {
    // How many of this rule's matches each earlier rule took.
    const taken = new Map<number, number>();
    let matches = 0;
    let decides = 0;
    pairs.forEach(({ tool, status }, p) => {
      if (!ruleMatches(rule, tool, status)) return;
      matches++;
      const first = decider[p] as number;
      if (first === -1) {
        decider[p] = index;
        decides++;
      } else {
        taken.set(first, (taken.get(first) ?? 0) + 1);
      }
    });
    decided += decides;
    if (decided === pairs.length && insertAt === rules.length) insertAt = index;
    const top = [...taken].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
    reach.push({ matches, decides, shadowedBy: matches > 0 && decides === 0 && top ? top[0] : null });
  });
  return { rules: reach, insertAt };
}
