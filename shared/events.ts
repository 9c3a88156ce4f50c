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
  // The page removed or hid the nudge before it was answered: counted apart, never as an
  // answer, so a page script cannot turn a nudge into an acknowledgement.
  "nudge_tampered",
] as const;

export type EventKind = (typeof EVENTS)[number];

/**
 * How a person answered a nudge. Each answer needs a nudge shown to that device for the same
 * tool, day and policy version: per day, the answers together never exceed `nudge_shown`.
 */
export const ANSWER_EVENTS = [
  "acknowledged",
  "dismissed",
  "left",
  "justified",
  "redirected",
] as const satisfies ReadonlyArray<EventKind>;

export const REVIEW_STATUSES = ["unreviewed", "approved", "approved_with_conditions", "restricted", "banned"] as const;

export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/**
 * Where a request to review a tool stands: open (nobody took it yet), in_review (an owner
 * works on it), closed (decided or dismissed).
 */
export const REVIEW_QUEUE_STATES = ["open", "in_review", "closed"] as const;
export type ReviewQueueState = (typeof REVIEW_QUEUE_STATES)[number];

/**
 * What an inventory entry is: a tool used in pages (`web`) or called as an API (`api`), an AI
 * browser extension, an AI browser, or an AI tool embedded in other sites' pages.
 */
export const INVENTORY_KINDS = ["web", "api", "extension", "browser", "embedded"] as const;

export type InventoryKind = (typeof INVENTORY_KINDS)[number];
