/**
 * The guard's decisions for one page, made ahead: for a tool and its review, what the policy
 * says of each detector (and of a paste too long to read), so the page decides a paste the
 * moment its scan ends, without a round trip and without the policy's schemas. `decideGuard`
 * combines the entries exactly as `evaluateGuard` combines rules (a property test holds the
 * two equal): the strictest action wins, the first detector to reach it names the reason.
 */

import type { DetectorId } from "../guard/ids";
import type { GuardSubject } from "../guard/outcomes";
import type { GuardFindings } from "./guard";
import type { GuardAction } from "./schema";

interface GuardEntry {
  action: GuardAction;
  ruleId: string;
  message: string | null;
  requireReason: boolean;
}

/** Per detector that is on, and `unscanned`: the policy's decision. */
export type GuardTable = Partial<Record<GuardSubject, GuardEntry>>;

export interface PageGuardDecision {
  action: GuardAction;
  ruleId: string;
  message: string | null;
  requireReason: boolean;
  /** What to count: each subject that hit with an action other than allow. */
  counted: GuardSubject[];
}

const SEVERITY: Record<GuardAction, number> = { allow: 0, warn: 1, block: 2 };

export function decideGuard(table: GuardTable, findings: GuardFindings): PageGuardDecision {
  const subjects: GuardSubject[] = [...new Set<DetectorId>(findings.detectors)];
  if (!findings.complete) subjects.push("unscanned");
  let decision: PageGuardDecision = {
    action: "allow",
    ruleId: "none",
    message: null,
    requireReason: false,
    counted: [],
  };
  let strictest = -1;
  for (const subject of subjects) {
    const entry = table[subject];
    if (!entry) continue;
    if (entry.action !== "allow") decision.counted.push(subject);
    if (SEVERITY[entry.action] > strictest) {
      strictest = SEVERITY[entry.action];
      decision = {
        ...decision,
        action: entry.action,
        ruleId: entry.ruleId,
        message: entry.message,
        requireReason: entry.action === "warn" && entry.requireReason,
      };
    }
  }
  return decision;
}
