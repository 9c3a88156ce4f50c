import * as z from "zod";
import { slug } from "../catalog/schema";
import { REVIEW_STATUSES } from "../events";
import { LIMITS } from "../limits";
import { LESSON_LANGUAGES, lessonReadingSeconds, readingSeconds } from "./reading";
import { LESSON_CONTROLS, RISK_FACTS } from "./terms";

export * from "./terms";

/*
 * A lesson: a short, specific piece of AI literacy tied to what people actually do (a
 * category of tool, or a risk fact of the tool in front of them), with one or two check
 * questions. Lessons are data: one file per lesson in `policies/lessons/` (id = file name),
 * compiled into the default policy; admins edit and publish them with the policy. A lesson's
 * `version` is the policy version that first carried its current text (the server gives it
 * when publishing), so every outcome a device reports names exactly one text.
 */

const line = (max: number) =>
  z
    .string()
    .max(max)
    .refine((text) => text.trim().length > 0, "must not be empty")
    .refine((text) => text === text.trim(), "must not start or end with spaces");

const lessonOption = z.strictObject({
  text: line(160),
  correct: z.boolean(),
  /** Shown once this option is picked: why it is right, or what is right instead. */
  feedback: line(300),
});

const lessonQuestion = z
  .strictObject({
    prompt: line(200),
    options: z.array(lessonOption).min(2).max(4),
  })
  .refine((question) => question.options.filter((option) => option.correct).length === 1, {
    message: "exactly one option must be correct",
    path: ["options"],
  });

export const lessonText = z.strictObject({
  title: line(80),
  /** Plain text; paragraphs are separated by an empty line. */
  body: line(LIMITS.lessonMaxBodyChars),
  questions: z.array(lessonQuestion).min(1).max(2),
});
export type LessonText = z.infer<typeof lessonText>;

/** A page a lesson's facts rest on. */
export const lessonSource = z.strictObject({
  title: line(160),
  url: z.url({ protocol: /^https$/ }),
  /** The catalog tool whose sourced fact this page is: the URL must be that fact's source. */
  tool: slug.optional(),
});

/** What a lesson applies to: every condition given must hold; a list holds when any entry does. */
const lessonAppliesTo = z
  .strictObject({
    tools: z.array(slug).min(1).optional(),
    categories: z.array(slug).min(1).optional(),
    facts: z.array(z.enum(RISK_FACTS)).min(1).optional(),
    statuses: z.array(z.enum(REVIEW_STATUSES)).min(1).optional(),
  })
  .refine((when) => Object.values(when).some((value) => value !== undefined), {
    message: "a lesson must apply to at least one tool, category, risk fact or review status",
  });
export type LessonAppliesTo = z.infer<typeof lessonAppliesTo>;

export const lessonSchema = z
  .strictObject({
    id: slug,
    /** The policy version that first carried this text; given by the server when publishing. */
    version: z.number().int().min(1).max(1_000_000),
    controls: z.array(z.enum(LESSON_CONTROLS)).min(1),
    appliesTo: lessonAppliesTo,
    /** Estimated seconds to read it (shared/lessons/reading.ts), slowest language; under a minute. */
    readingSeconds: z.number().int().min(1).max(LIMITS.lessonMaxReadingSeconds),
    text: z.strictObject(
      Object.fromEntries(LESSON_LANGUAGES.map((language) => [language, lessonText])) as {
        [L in (typeof LESSON_LANGUAGES)[number]]: typeof lessonText;
      },
    ),
    sources: z.array(lessonSource).max(8).default([]),
  })
  .superRefine((lesson, ctx) => {
    // Outcomes are counted per lesson, not per language: every language asks the same
    // questions with the same options, the same one correct.
    const [first, ...others] = LESSON_LANGUAGES;
    const reference = lesson.text[first];
    for (const language of others) {
      const text = lesson.text[language];
      if (text.questions.length !== reference.questions.length) {
        ctx.addIssue({
          code: "custom",
          path: ["text", language, "questions"],
          message: `must have as many questions as "${first}" (${reference.questions.length})`,
        });
        continue;
      }
      text.questions.forEach((question, i) => {
        const expected = reference.questions[i]?.options.map((option) => option.correct) ?? [];
        const actual = question.options.map((option) => option.correct);
        if (expected.join() !== actual.join()) {
          ctx.addIssue({
            code: "custom",
            path: ["text", language, "questions", i, "options"],
            message: `must have the same options as "${first}", with the same one correct`,
          });
        }
      });
    }
    const estimate = lessonReadingSeconds(lesson.text);
    const slowest = LESSON_LANGUAGES.find((language) => readingSeconds(lesson.text[language], language) === estimate);
    if (estimate > LIMITS.lessonMaxReadingSeconds) {
      ctx.addIssue({
        code: "custom",
        path: ["text", slowest ?? first],
        message: `reads in about ${estimate} s: a lesson must read in under a minute (${LIMITS.lessonMaxReadingSeconds} s at most)`,
      });
    } else if (lesson.readingSeconds !== estimate) {
      ctx.addIssue({
        code: "custom",
        path: ["readingSeconds"],
        message: `the text reads in about ${estimate} s (${slowest ?? first}): set ${estimate}`,
      });
    }
  });
export type Lesson = z.infer<typeof lessonSchema>;
export type LessonInput = z.input<typeof lessonSchema>;
