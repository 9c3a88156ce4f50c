import { DETECTOR_IDS } from "./ids";

/**
 * What became of a paste or drop the guard stopped, as the device counts it per day, tool
 * and detector: a warning shown (`warned`), then the person's choice (`pasted_anyway` or
 * `removed`), or a paste the policy `blocked`. Nothing of the pasted text is ever counted.
 */
export const GUARD_OUTCOMES = ["warned", "pasted_anyway", "removed", "blocked"] as const;
export type GuardOutcome = (typeof GUARD_OUTCOMES)[number];

/** The person's answers to a warning: each needs a warning counted for the same tool, detector, day and version. */
export const GUARD_ANSWERS = ["pasted_anyway", "removed"] as const satisfies ReadonlyArray<GuardOutcome>;

/**
 * What a guard count is about: the detector that hit, or `unscanned` for a paste too long to
 * read in the guard's budget (the policy's `unscanned` action decided it).
 */
export const GUARD_SUBJECTS = [...DETECTOR_IDS, "unscanned"] as const;
export type GuardSubject = (typeof GUARD_SUBJECTS)[number];
