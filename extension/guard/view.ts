import type { DetectorId } from "../../shared/guard/ids";
import type { TransferKind } from "./transfer";

/** What the guard's warning or refusal shows: everything it needs, decided already. */
export interface GuardView {
  kind: TransferKind;
  action: "warn" | "block";
  /** The organization's reason, from the policy. */
  message: string | null;
  /** "Paste anyway" first asks for one of the policy's reasons. */
  requireReason: boolean;
  reasons: Array<{ id: string; label: string }>;
  /** What matched, masked: shown on the person's own screen only. */
  found: Array<{ detector: DetectorId; label: string | null; preview: string }>;
  /** Matches beyond those listed. */
  more: number;
  /** Part of it was too long to check. */
  unscanned: boolean;
  toolName: string;
  policyUrl: string | null;
  policyVersion: number;
}
