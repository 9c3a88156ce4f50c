/** The event vocabulary shared by the extension's counters and the worker's tables. */
export const EVENTS = [
  "visit",
  "nudge_shown",
  "acknowledged",
  "dismissed",
  "left",
  "justified",
  "redirected",
  "blocked",
  "review_requested",
] as const;

export type EventKind = (typeof EVENTS)[number];

export const REVIEW_STATUSES = ["unreviewed", "approved", "approved_with_conditions", "restricted", "banned"] as const;

export type ReviewStatus = (typeof REVIEW_STATUSES)[number];
