import { dayOf } from "../../shared/day";
import { LESSON_LANGUAGES, type LessonLanguage } from "../../shared/lessons/reading";
import type { LessonOutcome } from "../../shared/lessons/terms";
import type { Decision } from "../../shared/policy/evaluate";
import {
  type LessonMemory,
  type LessonTool,
  planLesson,
  rememberCompleted,
  rememberRequired,
} from "../../shared/policy/lessons";
import type { Policy } from "../../shared/policy/schema";
import type { Count } from "../lib/counters";
import { t } from "../lib/i18n";
import type { LessonGrade, NudgeLesson, RequestOf } from "../lib/messages";
import { local, type TicketLesson, update } from "../lib/state";
import { countOn } from "./counting";
import { claim, type TabSender } from "./nudges";

/*
 * Lessons at the moment of use. Which lesson a nudge offers, and whether the policy requires
 * it, is the shared lesson plan's decision (shared/policy/lessons.ts), taken with what this
 * device remembers; the lesson travels with the nudge's ticket. The background grades every
 * answer against the lesson it served, so the page's word never completes a lesson, and
 * counts only outcomes: opened, completed, passed at the first try, per day and lesson
 * version. The answers themselves stay on the device, and are not even kept there.
 */

/**
 * The lesson's language: the one the nudge speaks. The browser picks the nudge's words from
 * `_locales` by its language, and each locale names its lesson language (`lessonLanguage`),
 * so lesson and nudge never speak two languages at once; English when a locale names none.
 */
export function lessonLanguage(named: string): LessonLanguage {
  const primary = named.toLowerCase().split(/[-_]/)[0];
  return LESSON_LANGUAGES.find((language) => language === primary) ?? "en";
}

/** The lesson a nudge for `tool` carries now, for the ticket and for the view; null: none. */
export function lessonPlanFor(
  policy: Pick<Policy, "literacy">,
  decision: Pick<Decision, "action" | "status">,
  tool: LessonTool,
  memory: LessonMemory,
  now: number,
): { ticket: TicketLesson; view: NudgeLesson } | null {
  const plan = planLesson(policy, decision, tool, memory, dayOf(now));
  const lesson = plan.lesson;
  if (!lesson) return null;
  const language = lessonLanguage(t("lessonLanguage"));
  // Every language asks the same questions with the same one option correct (the lesson schema).
  const questions = lesson.text[language].questions;
  return {
    ticket: {
      id: lesson.id,
      version: lesson.version,
      required: plan.required,
      correct: questions.map((question) => question.options.findIndex((option) => option.correct)),
      options: questions.map((question) => question.options.length),
      opened: false,
      solved: questions.map(() => false),
      missed: false,
      completed: false,
    },
    view: {
      id: lesson.id,
      version: lesson.version,
      readingSeconds: lesson.readingSeconds,
      language,
      text: lesson.text[language],
      required: plan.required,
    },
  };
}

const outcome = (lesson: TicketLesson, kind: LessonOutcome): Count => ({
  kind: "lesson",
  lesson: lesson.id,
  version: lesson.version,
  outcome: kind,
});

/** The nudge's lesson was opened: counted once per ticket; a required one counts as required today. */
export async function lessonOpened(request: RequestOf<"lesson:opened">, sender: TabSender): Promise<boolean> {
  const ticket = await claim(
    request.ticket,
    sender,
    (t) => t.lesson !== undefined && !t.lesson.opened,
    (t) => (t.lesson ? { lesson: { ...t.lesson, opened: true } } : {}),
  );
  const lesson = ticket?.lesson;
  if (!ticket || !lesson) return false;
  if (lesson.required) await update(local.lessons, (memory) => rememberRequired(memory, ticket.day));
  await countOn(ticket.day, outcome(lesson, "opened"));
  return true;
}

/**
 * One answer to a check question of the nudge's lesson, graded here. Once every question is
 * answered correctly the lesson version is completed: remembered, so it is not asked again,
 * and counted, with passed at the first try when no answer was wrong.
 */
export async function lessonAnswered(
  request: RequestOf<"lesson:answer">,
  sender: TabSender,
): Promise<LessonGrade | null> {
  const { question, option } = request;
  const ticket = await claim(
    request.ticket,
    sender,
    ({ lesson }) =>
      lesson?.opened === true &&
      !lesson.completed &&
      question < lesson.correct.length &&
      option < (lesson.options[question] ?? 0) &&
      lesson.solved[question] === false,
    ({ lesson }) => {
      if (!lesson) return {};
      const correct = lesson.correct[question] === option;
      const solved = lesson.solved.map((done, i) => done || (i === question && correct));
      return { lesson: { ...lesson, solved, missed: lesson.missed || !correct, completed: solved.every(Boolean) } };
    },
  );
  const lesson = ticket?.lesson;
  if (!ticket || !lesson) return null;
  if (lesson.completed) {
    await update(local.lessons, (memory) => rememberCompleted(memory, lesson));
    await countOn(ticket.day, outcome(lesson, "completed"));
    if (!lesson.missed) await countOn(ticket.day, outcome(lesson, "passed_first_try"));
  }
  return { correct: lesson.correct[question] === option, completed: lesson.completed };
}
