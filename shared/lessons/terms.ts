/*
 * The lessons' vocabulary, free of zod so the dashboard's editor can use it: outcomes a
 * device counts, controls a lesson serves, risk facts a lesson can apply to.
 */

/** How a person got on with one lesson version on one day, counted on the device. */
export const LESSON_OUTCOMES = [
  /** The lesson was opened (offered and taken, or asked for). */
  "opened",
  /** Every check question was answered correctly (retries allowed). */
  "completed",
  /** Every check question was answered correctly at the first try. */
  "passed_first_try",
] as const;
export type LessonOutcome = (typeof LESSON_OUTCOMES)[number];

/** Controls a lesson gives evidence for (ids of the evidence pack's controls). */
export const LESSON_CONTROLS = ["eu-ai-act-art4", "iso42001-7.2", "iso42001-7.3"] as const;

/**
 * Risk facts a lesson can apply to, each derived from the catalog's sourced facts of a tool:
 *   trains-on-free-tier  the vendor uses inputs on the free plan (or on every plan) to train
 *                        its models by default
 */
export const RISK_FACTS = ["trains-on-free-tier"] as const;
export type RiskFact = (typeof RISK_FACTS)[number];
