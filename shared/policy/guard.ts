/**
 * The policy's decision on a paste or drop the guard scanned: for a tool and the detectors
 * that hit, allow it, warn (with "paste anyway" and the policy's reason) or block it.
 *
 * Rules are ordered like the policy's tool rules. Each detector that hit is decided on its
 * own by the first rule whose conditions hold (tool, category, review status, detectors),
 * else by the fallback; the paste gets the strictest of those decisions. A paste the guard
 * could not read to the end gets at least the policy's `unscanned` action. Pure: the same
 * policy, tool, review and scan always give the same decision.
 */
import type { CompiledTool } from "../catalog/compile";
import type { ReviewStatus } from "../events";
import { DETECTOR_IDS, type DetectorId } from "../guard/ids";
import { GUARD_SUBJECTS } from "../guard/outcomes";
import type { GuardSettings } from "../guard/types";
import type { ToolReview } from "./evaluate";
import type { GuardTable } from "./guard-table";
import type { GuardAction, GuardRule, GuardSettingsPolicy, Policy } from "./schema";

const SEVERITY: Record<GuardAction, number> = { allow: 0, warn: 1, block: 2 };

/** What the scan found, as the policy needs it: which detectors hit, and whether it read everything. */
export interface GuardFindings {
  detectors: readonly DetectorId[];
  complete: boolean;
}

export interface GuardDecision {
  action: GuardAction;
  /** The rule that set the action; "fallback", "unscanned", or "off" when the guard is off. */
  ruleId: string;
  /** The organization's reason, shown in the warning or the refusal. */
  message: string | null;
  /** "Paste anyway" asks for one of the policy's reasons first. */
  requireReason: boolean;
  /** Each detector that hit, with the action decided for it. */
  detectors: { detector: DetectorId; action: GuardAction; ruleId: string }[];
  policyVersion: number;
}

function ruleApplies(
  rule: GuardRule,
  tool: Pick<CompiledTool, "id" | "category">,
  status: ReviewStatus,
  detector: DetectorId,
): boolean {
  const { when } = rule;
  if (when.tools && !when.tools.includes(tool.id)) return false;
  if (when.categories && !when.categories.includes(tool.category)) return false;
  if (when.statuses && !when.statuses.includes(status)) return false;
  if (when.detectors && !when.detectors.includes(detector)) return false;
  return true;
}

export function evaluateGuard(
  policy: Policy,
  tool: Pick<CompiledTool, "id" | "category">,
  review: ToolReview | undefined,
  findings: GuardFindings,
): GuardDecision {
  const guard = policy.guard;
  const off: GuardDecision = {
    action: "allow",
    ruleId: "off",
    message: null,
    requireReason: false,
    detectors: [],
    policyVersion: policy.version,
  };
  if (!guard?.enabled) return off;
  const status = review?.status ?? "unreviewed";
  let decision: GuardDecision = { ...off, ruleId: "fallback" };
  let strictest = -1;
  const consider = (action: GuardAction, ruleId: string, message: string | null, requireReason: boolean) => {
    if (SEVERITY[action] > strictest) {
      strictest = SEVERITY[action];
      decision = { ...decision, action, ruleId, message, requireReason: action === "warn" && requireReason };
    }
  };
  for (const detector of new Set(findings.detectors)) {
    const rule = guard.rules.find((candidate) => ruleApplies(candidate, tool, status, detector));
    const action = rule?.action ?? guard.fallback;
    decision.detectors.push({ detector, action, ruleId: rule?.id ?? "fallback" });
    consider(action, rule?.id ?? "fallback", rule?.message ?? guard.message ?? null, rule?.requireReason ?? false);
  }
  if (!findings.complete) consider(guard.unscanned, "unscanned", guard.message ?? null, false);
  if (strictest < 0) return { ...decision, ruleId: "none" };
  return decision;
}

/** What the guard must look for under a policy, for prepareGuard; null when the guard is off. */
export function guardSettingsOf(policy: Policy): GuardSettings | null {
  const guard: GuardSettingsPolicy | undefined = policy.guard;
  if (!guard?.enabled) return null;
  return {
    detectors: guard.detectors ?? DETECTOR_IDS,
    emailListMin: guard.emailListMin,
    markings: guard.markings.map(({ text, caseSensitive }) => ({ text, caseSensitive })),
    patterns: guard.patterns.map(({ id, pattern, caseInsensitive }) => ({ id, pattern, caseInsensitive })),
  };
}

/** What the policy says of each detector that is on, and of an unscanned paste, for one tool (see guard-table.ts). */
export function guardTable(
  policy: Policy,
  tool: Pick<CompiledTool, "id" | "category">,
  review: ToolReview | undefined,
): GuardTable {
  const settings = guardSettingsOf(policy);
  const table: GuardTable = {};
  if (!settings) return table;
  const on = new Set<string>(settings.detectors);
  for (const subject of GUARD_SUBJECTS) {
    if (subject !== "unscanned" && !on.has(subject)) continue;
    const findings: GuardFindings =
      subject === "unscanned" ? { detectors: [], complete: false } : { detectors: [subject], complete: true };
    const { action, ruleId, message, requireReason } = evaluateGuard(policy, tool, review, findings);
    table[subject] = { action, ruleId, message, requireReason };
  }
  return table;
}
