/**
 * The names people read for the product's ids: review statuses, decisions, states, events,
 * policy actions and audit actions. With `format.ts` it is the dashboard's one formatting
 * layer: no view prints an internal id such as `approved_with_conditions` or `device.revoke`.
 */
import type { CandidateState, ExceptionDecision, FlagState } from "../../../shared/admin";
import type { CandidateSignal } from "../../../shared/catalog/candidates";
import type { Tier } from "../../../shared/catalog/schema";
import type { EventKind, InventoryKind, ReviewQueueState, ReviewStatus } from "../../../shared/events";
import type { PolicyAction } from "../../../shared/policy/schema";
import { count, num, words } from "./format";

export const REVIEW_STATUS_NAMES: Record<ReviewStatus, string> = {
  unreviewed: "Unreviewed",
  approved: "Approved",
  approved_with_conditions: "Approved with conditions",
  restricted: "Restricted",
  banned: "Banned",
};

export const INVENTORY_KIND_NAMES: Record<InventoryKind, string> = {
  web: "Web app",
  api: "API",
  extension: "Browser extension",
  browser: "AI browser",
  embedded: "Embedded in sites",
};

export const DECISION_NAMES: Record<ExceptionDecision, string> = {
  pending: "Pending",
  granted: "Granted",
  denied: "Denied",
};

export const REVIEW_QUEUE_STATE_NAMES: Record<ReviewQueueState, string> = {
  open: "Open",
  in_review: "In review",
  closed: "Closed",
};

export const CANDIDATE_STATE_NAMES: Record<CandidateState, string> = {
  new: "To triage",
  added: "Added to the catalog",
  dismissed: "Dismissed",
};

/** Why the extension took a domain for an AI tool, as the triage list names it. */
export const CANDIDATE_SIGNAL_NAMES: Record<CandidateSignal, string> = {
  hostname: "AI words in the hostname",
  aiApi: "calls AI APIs",
  oauth: "sign-in with the work identity",
  aiVendor: "known AI vendor",
};

const FLAG_STATE_NAMES: Record<FlagState, string> = {
  pending: "Waiting for review",
  kept: "Kept in the figures",
  excluded: "Excluded from the figures",
};

/** Why the daily job flagged a device (the worker's `reason` ids). */
const FLAG_REASON_NAMES: Record<string, string> = {
  visits: "Visits far above the fleet",
  answers: "Nudge answers far above the fleet",
};

export const RISK_LEVEL_NAMES: Record<"low" | "medium" | "high", string> = {
  low: "Low",
  medium: "Medium",
  high: "High",
};

/** A vendor's plan tiers, as the catalog's facts name them. */
const TIER_NAMES: Record<Tier, string> = {
  free: "Free plan",
  individual: "Individual plans",
  team: "Team plans",
  enterprise: "Enterprise plans",
  api: "API",
  all: "All plans",
};

/** Browsers as the device reported them at enrollment. */
const BROWSER_NAMES: Record<string, string> = { chrome: "Chrome", edge: "Edge", firefox: "Firefox", other: "Other" };

export const EVENT_NAMES: Record<EventKind, string> = {
  visit: "Visits",
  nudge_shown: "Nudge shown",
  acknowledged: "Acknowledged",
  dismissed: "Dismissed",
  left: "Left the site",
  justified: "Justified",
  redirected: "Redirected",
  blocked: "Blocked",
  review_requested: "Review requested",
  nudge_tampered: "Nudge hidden by the page",
};

export const ACTION_NAMES: Record<PolicyAction, string> = {
  allow: "Allow",
  inform: "Inform",
  acknowledge: "Acknowledge",
  justify: "Justify",
  redirect: "Redirect",
  block: "Block",
};

/** What each audited change is called; the worker's action ids are `resource.verb`. */
const AUDIT_ACTION_NAMES: Record<string, string> = {
  "review.update": "Review changed",
  "policy.publish": "Policy published",
  "exception.decide": "Exception decided",
  "review_request.update": "Review request updated",
  "candidate.triage": "Candidate triaged",
  "device.revoke": "Device revoked",
  "device.readmit": "Device re-admitted",
  "device.flag-review": "Outlier flag reviewed",
  "enrollment-token.create": "Enrollment token created",
  "enrollment-token.cap": "Device cap changed",
  "enrollment-token.revoke": "Enrollment token revoked",
};

/** The name of an id in one vocabulary; an id the dashboard does not know yet reads as words. */
function named<T extends string>(names: Record<T, string>, id: string): string {
  return (names as Record<string, string>)[id] ?? capitalized(words(id));
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export const reviewStatusName = (id: string) => named(REVIEW_STATUS_NAMES, id);
export const decisionName = (id: string) => named(DECISION_NAMES, id);
export const candidateStateName = (id: string) => named(CANDIDATE_STATE_NAMES, id);
export const flagStateName = (id: string) => named(FLAG_STATE_NAMES, id);
export const flagReasonName = (id: string) => named(FLAG_REASON_NAMES, id);

/** "2,500 visits in one day; the fleet's median was 5." */
export function flagDetail(flag: { reason: string; value: number; fleetMedian: number }): string {
  const what =
    flag.reason === "answers" ? count(flag.value, "answer to nudges", "answers to nudges") : count(flag.value, "visit");
  return `${what} in one day; the fleet's median was ${num(flag.fleetMedian)}`;
}
export const riskLevelName = (id: string) => named(RISK_LEVEL_NAMES, id);
export const tierName = (id: string) => named(TIER_NAMES, id);
export const browserName = (id: string) => named(BROWSER_NAMES, id);
export const actionName = (id: string) => named(ACTION_NAMES, id);
export const auditActionName = (id: string) => named(AUDIT_ACTION_NAMES, id);
