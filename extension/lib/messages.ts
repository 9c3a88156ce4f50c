import type { CompiledTool } from "../../shared/catalog/compile";
import type { Decision } from "../../shared/policy/evaluate";
import type { ReportRequest } from "../../shared/protocol";
import type { NotKept } from "./state";

/** Events a page-side nudge may report; the background checks them against the page's tool. */
export const NUDGE_EVENTS = ["nudge_shown", "acknowledged", "dismissed", "justified", "redirected", "left"] as const;
export type NudgeEvent = (typeof NUDGE_EVENTS)[number];

/** What a nudge needs to render: the decision, the tool's facts and the alternatives. */
export interface NudgeView {
  decision: Decision;
  tool: Pick<
    CompiledTool,
    "id" | "name" | "vendor" | "category" | "risk" | "level" | "trains" | "trainsOn" | "training" | "checked"
  >;
  alternatives: Array<{ id: string; name: string; url: string }>;
  reasons: Array<{ id: string; label: string }>;
}

export interface StatusView {
  tool: NudgeView["tool"] | null;
  decision: Decision | null;
  policy: { version: number; name: string; url: string | null; source: "server" | "bundled" };
  settings: { serverUrl: string; enrolled: boolean; reporting: boolean; managed: string[]; problems: string[] };
  /** What the next report would carry, exactly as it would be sent. */
  queued: ReportRequest;
  queuedCount: number;
  /** Counts the device could not keep or send, by reason. */
  notKept: NotKept;
  lastReport: { at: number; report: ReportRequest } | null;
  delivery: { failures: number; lastError: string | null; lastAttemptAt: number | null; nextAttemptAt: number | null };
}

export type Request =
  | { type: "nudge:get" }
  | { type: "nudge:event"; event: NudgeEvent; reason?: string }
  | { type: "blocked:get"; tool: string }
  | { type: "blocked:event"; tool: string; event: "blocked" | "review_requested" }
  | { type: "status:get"; url?: string }
  | { type: "report:flush" };
