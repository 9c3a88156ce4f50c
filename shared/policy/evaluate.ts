import type { CompiledTool } from "../catalog/compile";
import type { InventoryKind, ReviewStatus } from "../events";
import type { Policy, PolicyAction, PolicyRule } from "./schema";

/** What the server says of a tool after review (absent: unreviewed). */
export interface ToolReview {
  status: ReviewStatus;
  /** The approved tool to use instead, by catalog id. */
  alternative?: string | null;
  /** The organization has an enterprise agreement for the tool (absent: none recorded). */
  agreement?: boolean;
}

export interface Decision {
  tool: string;
  toolName: string;
  action: PolicyAction;
  /** The rule that decided, or "fallback". */
  ruleId: string;
  status: ReviewStatus;
  message: string | null;
  alternatives: string[];
  policyVersion: number;
  policyUrl: string | null;
  reacknowledgeDays: number;
  cooldownHours: number;
  /** The organization records an enterprise agreement: the nudge speaks of that plan, not a personal one. */
  agreement: boolean;
}

/**
 * Whether a rule's conditions hold for a tool: every condition given, any entry of a list. The
 * kind is the entry's own (extension, browser) or how the tool was met (`web` unless given).
 */
export function conditionsHold(
  when: PolicyRule["when"],
  tool: Pick<CompiledTool, "id" | "category" | "level" | "risk" | "kind">,
  status: ReviewStatus,
  met: InventoryKind = "web",
): boolean {
  if (when.kinds && !when.kinds.includes(tool.kind ?? met)) return false;
  if (when.tools && !when.tools.includes(tool.id)) return false;
  if (when.categories && !when.categories.includes(tool.category)) return false;
  if (when.statuses && !when.statuses.includes(status)) return false;
  if (when.riskLevels && !when.riskLevels.includes(tool.level)) return false;
  if (when.minRisk !== undefined && tool.risk < when.minRisk) return false;
  return true;
}

const DEFAULT_COOLDOWN_HOURS: Record<PolicyAction, number> = {
  allow: 0,
  inform: 24,
  acknowledge: 0,
  justify: 0,
  redirect: 8,
  block: 0,
};

/**
 * The policy's decision for one tool: the first rule whose conditions all hold, else the
 * fallback. Pure: the same policy, tool, review and kind always give the same decision. The
 * kind is the entry's own (extension, browser) or how the tool was met: `web` unless the
 * caller met it as an `api` or an `embedded` call.
 */
export function evaluatePolicy(
  policy: Policy,
  tool: CompiledTool,
  review?: ToolReview,
  met: InventoryKind = "web",
): Decision {
  const status = review?.status ?? "unreviewed";
  const rule = policy.rules.find((candidate) => conditionsHold(candidate.when, tool, status, met));
  const action = rule?.action ?? policy.fallback;
  const offered = [...(rule?.alternatives ?? [])];
  if (review?.alternative && !offered.includes(review.alternative)) offered.unshift(review.alternative);
  const alternatives = offered.filter((id) => id !== tool.id);
  return {
    tool: tool.id,
    toolName: tool.name,
    // A redirect with nowhere to go asks for acknowledgement instead.
    action: action === "redirect" && alternatives.length === 0 ? "acknowledge" : action,
    ruleId: rule?.id ?? "fallback",
    status,
    message: rule?.message ?? null,
    alternatives,
    policyVersion: policy.version,
    policyUrl: policy.policyUrl ?? null,
    reacknowledgeDays: rule?.reacknowledgeDays ?? policy.reacknowledgeDays,
    cooldownHours: rule?.cooldownHours ?? DEFAULT_COOLDOWN_HOURS[action],
    agreement: review?.agreement === true,
  };
}

/** What the device remembers of one tool's nudges, kept only in the browser. */
export interface NudgeMemory {
  /** When the nudge was last shown (ms since epoch). */
  shownAt?: number;
  /** The last acknowledgement or justification: policy version and time. */
  answeredVersion?: number;
  answeredAt?: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Whether the nudge for a decision is due now. Acknowledge and justify are asked again when
 * the policy version changes or after `reacknowledgeDays`; inform and redirect are capped to
 * one showing per `cooldownHours`; allow never shows and block is enforced by the browser.
 */
export function nudgeDue(decision: Decision, memory: NudgeMemory | undefined, now: number): boolean {
  switch (decision.action) {
    case "allow":
    case "block":
      return false;
    case "acknowledge":
    case "justify":
      return (
        memory?.answeredAt === undefined ||
        memory.answeredVersion !== decision.policyVersion ||
        now - memory.answeredAt >= decision.reacknowledgeDays * DAY
      );
    case "inform":
    case "redirect":
      return memory?.shownAt === undefined || now - memory.shownAt >= decision.cooldownHours * HOUR;
  }
}
