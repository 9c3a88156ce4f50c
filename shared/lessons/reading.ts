import { LIMITS } from "../limits";

/*
 * How long a lesson takes to read, estimated from its words. Environment-free and without
 * zod, so the dashboard's lesson editor shows the same figure as it is typed, the build and
 * the server hold lessons to it, and a nudge can say "40 s" truthfully.
 *
 * Counted is what a person reads on the way to finishing at the first try: the title, the
 * body, each question and its options, and the feedback of each correct option. The rate
 * (LIMITS.lessonWordsPerMinute) is slower than most adults read, so the estimate errs long;
 * German has fewer, longer words than English, so its rate per word is lower. The result is
 * rounded up to whole steps of 5 seconds.
 */

export const LESSON_LANGUAGES = ["en", "de"] as const;
export type LessonLanguage = (typeof LESSON_LANGUAGES)[number];

/** The parts of a lesson's text the estimate reads (a structural subset of the schema's type). */
export interface ReadableText {
  title: string;
  body: string;
  questions: ReadonlyArray<{
    prompt: string;
    options: ReadonlyArray<{ text: string; correct: boolean; feedback: string }>;
  }>;
}

function wordCount(text: string): number {
  const trimmed = text.trim();
  return trimmed === "" ? 0 : trimmed.split(/\s+/).length;
}

/** Words a person reads in one language of a lesson. */
export function readableWords(text: ReadableText): number {
  let words = wordCount(text.title) + wordCount(text.body);
  for (const question of text.questions ?? []) {
    words += wordCount(question.prompt);
    for (const option of question.options ?? []) {
      words += wordCount(option.text);
      if (option.correct) words += wordCount(option.feedback);
    }
  }
  return words;
}

const READING_STEP_SECONDS = 5;

/** Estimated seconds to read one language of a lesson, rounded up to steps of 5 s. */
export function readingSeconds(text: ReadableText, language: LessonLanguage): number {
  const seconds = (readableWords(text) / LIMITS.lessonWordsPerMinute[language]) * 60;
  return Math.max(READING_STEP_SECONDS, Math.ceil(seconds / READING_STEP_SECONDS) * READING_STEP_SECONDS);
}

/** The lesson's reading time: its slowest language. */
export function lessonReadingSeconds(text: Partial<Record<LessonLanguage, ReadableText>>): number {
  return Math.max(
    0,
    ...LESSON_LANGUAGES.flatMap((language) => {
      const part = text[language];
      return part ? [readingSeconds(part, language)] : [];
    }),
  );
}
