import { browser } from "wxt/browser";
import type { ReviewQueueState, ReviewStatus } from "../../shared/events";
import type { GuardOutcome, GuardSubject } from "../../shared/guard/outcomes";
import type { GuardSettings } from "../../shared/guard/types";
import type { Decision } from "../../shared/policy/evaluate";
import type { GuardTable } from "../../shared/policy/guard-table";
import type { ReportRequest } from "../../shared/protocol";
import type { LessonGrade, NudgeAnswer, NudgeLesson, NudgeView } from "../nudge/view";
import type { FlushResult } from "./reporter";
import type { Delivery, EnrollmentProblem, NotKept } from "./state";

/*
 * The messages between the extension's pages and scripts and its background: one definition
 * of each message's request, response and allowed sender, in `Protocol`. Pages call `send`,
 * the background answers through a router that validates every request against the schema
 * typed from the same definition (background/router.ts). This module stays free of zod so
 * the content script stays small.
 */

export type { LessonGrade, NudgeAnswer, NudgeLesson, NudgeView };

/**
 * Where the background puts the nudge it pushes into a page's isolated world at commit, and
 * where the content script leaves its receiver (background/handover.ts).
 */
export const NUDGE_INBOX = "shadowlightServedNudge";

/**
 * Where, in the same isolated world, the nudge's UI (injected only when a nudge is due) and
 * the served nudge meet (nudge/served.ts).
 */
export const NUDGE_UI = "shadowlightNudgeUi";

/**
 * Where, in the isolated world of a catalog page, the guard's listener and its engine (the
 * detectors and the warning, injected on the first paste: entrypoints/guard-ui.ts) meet.
 */
export const GUARD_ENGINE = "shadowlightGuardEngine";

/** A nudge the background decided to show on this page, with the ticket its answer must carry. */
export interface ServedNudge {
  ticket: string;
  view: NudgeView;
}

/**
 * What the sensitive-data guard needs on one page of a catalog AI tool: what to look for,
 * the policy's decision per detector, and the session its outcomes count against.
 */
export interface GuardPage {
  session: string;
  tool: { id: string; name: string };
  settings: GuardSettings;
  table: GuardTable;
  /** The names the policy gives its organization patterns, by pattern id. */
  patternLabels: Record<string, string>;
  reasons: Array<{ id: string; label: string }>;
  files: { read: boolean; maxBytes: number };
  policyVersion: number;
  policyUrl: string | null;
}

/** What became of one paste, drop or file choice the guard stopped (`check` names it). */
export interface GuardReport {
  session: string;
  check: string;
  detectors: GuardSubject[];
  outcome: GuardOutcome;
}

/** The device's standing with its server, for the popup and the options page. */
export interface DeviceStatus {
  serverUrl: string;
  enrolled: boolean;
  /** The group the server decided (null: none, or not enrolled). */
  group: string | null;
  /** When the server revoked this device; reporting stays off until it is re-admitted. */
  revokedAt: number | null;
  /** Why enrollment last failed, by the server's code. */
  enrollment: EnrollmentProblem | null;
  reporting: boolean;
  managed: string[];
  problems: string[];
}

export interface StatusView {
  tool: NudgeView["tool"] | null;
  decision: Decision | null;
  policy: { version: number; name: string; url: string | null; source: "server" | "bundled" };
  settings: DeviceStatus;
  /** What the next report would carry, exactly as it would be sent. */
  queued: ReportRequest;
  queuedCount: number;
  /** Counts the device could not keep or send, by reason. */
  notKept: NotKept;
  lastReport: { at: number; report: ReportRequest } | null;
  delivery: Delivery;
}

/**
 * A review this device asked for, as the popup shows it: `waiting` until the server knows of
 * it (the count is not yet sent), then the review queue's state.
 */
export interface ReviewRequestView {
  tool: string;
  name: string;
  day: string;
  state: "waiting" | ReviewQueueState;
  /** The tool's review status now (null: not reviewed). */
  review: ReviewStatus | null;
}

/**
 * Who may send a message: the content script on a catalog page, the extension's blocked page,
 * or any of the extension's own pages (popup, options).
 */
export type Origin = "content" | "blocked" | "extension";

type Message<From extends Origin, Request, Response> = { from: From; request: Request; response: Response };

export interface Protocol {
  "nudge:get": Message<"content", Record<string, never>, ServedNudge | null>;
  "nudge:shown": Message<"content", { ticket: string }, boolean>;
  "nudge:answer": Message<"content", { ticket: string; answer: NudgeAnswer; reason?: string }, boolean>;
  "nudge:tampered": Message<"content", { ticket: string }, boolean>;
  "guard:get": Message<"content", Record<string, never>, GuardPage | null>;
  "guard:outcome": Message<"content", GuardReport, boolean>;
  /** The first paste, drop or file choice of a page: the background injects the guard's engine. */
  "guard:engine": Message<"content", Record<string, never>, boolean>;
  "lesson:opened": Message<"content", { ticket: string }, boolean>;
  "lesson:answer": Message<"content", { ticket: string; question: number; option: number }, LessonGrade | null>;
  "blocked:get": Message<"blocked", { tool: string }, NudgeView | null>;
  "blocked:event": Message<"blocked", { tool: string; event: "blocked" | "review_requested" }, boolean>;
  "status:get": Message<"extension", { url?: string }, StatusView>;
  "report:flush": Message<"extension", Record<string, never>, FlushResult>;
  "reviews:get": Message<"extension", Record<string, never>, ReviewRequestView[]>;
  "browser:notice": Message<"extension", Record<string, never>, NudgeView | null>;
}

export type MessageType = keyof Protocol;
export type RequestOf<K extends MessageType> = Protocol[K]["request"];
export type ResponseOf<K extends MessageType> = Protocol[K]["response"];
/** A message as it travels: its type beside the request's fields. */
type Envelope<K extends MessageType = MessageType> = { type: K } & RequestOf<K>;

/** Sends one message to the background and returns its typed answer. */
export async function send<K extends MessageType>(type: K, request: RequestOf<K>): Promise<ResponseOf<K>> {
  const envelope: Envelope<K> = { type, ...request };
  // The router answers each type with its Protocol response; this is the one place that says so.
  return (await browser.runtime.sendMessage(envelope)) as ResponseOf<K>;
}
