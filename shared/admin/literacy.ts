import * as z from "zod";
import { slug } from "../catalog/schema";
import { LESSON_CONTROLS, lessonSource, lessonText } from "../lessons/schema";
import { day, maskedCount, timestamp } from "./common";

// ---------------------------------------------------------------------------- literacy

/**
 * Literacy coverage of one device group: devices that used AI tools with a relevant lesson,
 * and of them those that completed every such lesson. Groups below k devices are merged into
 * one row with `other: true` (and `group: null`); `suppressed` rows carry no figures.
 */
const literacyGroup = z.strictObject({
  group: z.string().nullable(),
  other: z.boolean(),
  users: maskedCount,
  covered: maskedCount,
  suppressed: z.boolean(),
});
export type LiteracyGroup = z.infer<typeof literacyGroup>;

/** One lesson's coverage: its users, those that completed it, and per version. */
const lessonCoverage = z.strictObject({
  lesson: slug,
  /** The English title of the version in force. */
  title: z.string(),
  /** The version in force. */
  version: z.number().int(),
  readingSeconds: z.number().int(),
  /** Devices that used an AI tool this lesson is relevant to (withheld below k). */
  users: maskedCount,
  /** Of them, devices that completed any version of it. */
  completed: maskedCount,
  /** Of the users, devices that completed each version, and passed it at the first try. */
  versions: z.array(z.strictObject({ version: z.number().int(), completed: maskedCount, passedFirstTry: maskedCount })),
});
export type LessonCoverage = z.infer<typeof lessonCoverage>;

/**
 * Literacy coverage in awareness: devices that used, in the last 30 days, AI tools for which
 * the policy in force offers or requires a lesson, and of them those that completed every
 * lesson relevant to the tools they used (any version); by group and by lesson version.
 */
export const literacyCoverage = z.strictObject({
  users: maskedCount,
  covered: maskedCount,
  byGroup: z.array(literacyGroup),
  lessons: z.array(lessonCoverage),
});
export type LiteracyCoverage = z.infer<typeof literacyCoverage>;

/** One lesson version as an auditor reads it: its texts in every language, and where it applies. */
const lessonAnnexEntry = z.strictObject({
  lesson: slug,
  version: z.number().int(),
  /** The policy version that first carried this text, and when it was published. */
  policyVersion: z.number().int(),
  publishedAt: timestamp,
  readingSeconds: z.number().int(),
  controls: z.array(z.enum(LESSON_CONTROLS)),
  /** What the lesson applies to, in words. */
  appliesTo: z.string(),
  sources: z.array(lessonSource),
  text: z.strictObject({ en: lessonText, de: lessonText }),
});
export type LessonAnnexEntry = z.infer<typeof lessonAnnexEntry>;

/**
 * The evidence pack's AI-literacy section (EU AI Act Art. 4, ISO/IEC 42001 7.2 and 7.3):
 * which lessons exist, for which AI systems in use, coverage with its denominators over the
 * period, and every lesson text as an annex.
 */
export const evidenceLiteracy = z.strictObject({
  from: day,
  to: day,
  users: maskedCount,
  covered: maskedCount,
  byGroup: z.array(literacyGroup),
  lessons: z.array(
    lessonCoverage.extend({
      appliesTo: z.string(),
      controls: z.array(z.enum(LESSON_CONTROLS)),
      /** The AI tools used in the period that this lesson is relevant to. */
      systems: z.array(z.strictObject({ id: slug, name: z.string() })),
    }),
  ),
  /** Every published version of the lessons in force, up to the end of the period. */
  annex: z.array(lessonAnnexEntry),
});
export type EvidenceLiteracy = z.infer<typeof evidenceLiteracy>;
