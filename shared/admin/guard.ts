import * as z from "zod";
import { GUARD_SUBJECTS } from "../guard/outcomes";
import { day, maskedCount } from "./common";

// ---------------------------------------------------------------------------- sensitive-data guard

/** Distinct devices with each outcome of the guard's checks (withheld below k devices). */
const guardOutcomeDevices = z.strictObject({
  /** Shown a warning about sensitive data in an AI tool. */
  warned: maskedCount,
  /** Pasted (or dropped, or attached) anyway after a warning. */
  pasted_anyway: maskedCount,
  /** Took it back after a warning. */
  removed: maskedCount,
  /** Refused by the policy. */
  blocked: maskedCount,
});
export type GuardOutcomeDevices = z.infer<typeof guardOutcomeDevices>;

/**
 * Sensitive-data warnings and what people did, over a period: distinct devices per outcome,
 * overall and per detector (only detectors with an outcome in the period). Counts of devices,
 * never sums of self-reported counts; nothing of the pasted content exists on the server.
 */
export const guardSummary = z.strictObject({
  from: day,
  to: day,
  outcomes: guardOutcomeDevices,
  byDetector: z.array(z.strictObject({ detector: z.enum(GUARD_SUBJECTS), ...guardOutcomeDevices.shape })),
});
export type GuardSummary = z.infer<typeof guardSummary>;
