/**
 * Editing a lesson in the draft: every language keeps the same questions and options, the
 * same one correct (the schema's rule, so outcomes mean the same in every language), and the
 * stored reading time follows the text as it is typed (the same estimate the server checks).
 */
import { LESSON_LANGUAGES, type LessonLanguage, lessonReadingSeconds } from "../../../../../shared/lessons/reading";
import type { Lesson, LessonText } from "../../../../../shared/lessons/schema";
import { LESSON_CONTROLS } from "../../../../../shared/lessons/terms";

type Question = LessonText["questions"][number];
type Option = Question["options"][number];

const blankOption = (correct: boolean): Option => ({ text: "", correct, feedback: "" });
const blankQuestion = (): Question => ({ prompt: "", options: [blankOption(true), blankOption(false)] });

/** The lesson with its reading time set from its text. */
function timed(lesson: Lesson): Lesson {
  return { ...lesson, readingSeconds: lessonReadingSeconds(lesson.text) };
}

export function blankLesson(id: string): Lesson {
  const text = (): LessonText => ({ title: "", body: "", questions: [blankQuestion()] });
  return timed({
    id,
    version: 1,
    controls: [...LESSON_CONTROLS],
    appliesTo: { categories: ["chat"] },
    readingSeconds: 0,
    text: { en: text(), de: text() },
    sources: [],
  });
}

/** Applies `change` to the text of every language. */
function everyLanguage(lesson: Lesson, change: (text: LessonText) => LessonText): Lesson {
  const text = Object.fromEntries(
    LESSON_LANGUAGES.map((language) => [language, change(lesson.text[language])]),
  ) as Lesson["text"];
  return timed({ ...lesson, text });
}

function mapQuestion(text: LessonText, index: number, change: (question: Question) => Question): LessonText {
  return { ...text, questions: text.questions.map((question, i) => (i === index ? change(question) : question)) };
}

export function setText(lesson: Lesson, language: LessonLanguage, changes: Partial<LessonText>): Lesson {
  return timed({ ...lesson, text: { ...lesson.text, [language]: { ...lesson.text[language], ...changes } } });
}

export function setPrompt(lesson: Lesson, language: LessonLanguage, question: number, prompt: string): Lesson {
  return setText(lesson, language, {
    questions: mapQuestion(lesson.text[language], question, (q) => ({ ...q, prompt })).questions,
  });
}

export function setOption(
  lesson: Lesson,
  language: LessonLanguage,
  question: number,
  option: number,
  changes: Partial<Pick<Option, "text" | "feedback">>,
): Lesson {
  const text = mapQuestion(lesson.text[language], question, (q) => ({
    ...q,
    options: q.options.map((o, i) => (i === option ? { ...o, ...changes } : o)),
  }));
  return setText(lesson, language, { questions: text.questions });
}

export function setCorrect(lesson: Lesson, question: number, option: number): Lesson {
  return everyLanguage(lesson, (text) =>
    mapQuestion(text, question, (q) => ({ ...q, options: q.options.map((o, i) => ({ ...o, correct: i === option })) })),
  );
}

export function addQuestion(lesson: Lesson): Lesson {
  return everyLanguage(lesson, (text) => ({ ...text, questions: [...text.questions, blankQuestion()] }));
}

export function removeQuestion(lesson: Lesson, question: number): Lesson {
  return everyLanguage(lesson, (text) => ({ ...text, questions: text.questions.filter((_, i) => i !== question) }));
}

export function addOption(lesson: Lesson, question: number): Lesson {
  return everyLanguage(lesson, (text) =>
    mapQuestion(text, question, (q) => ({ ...q, options: [...q.options, blankOption(false)] })),
  );
}

export function removeOption(lesson: Lesson, question: number, option: number): Lesson {
  return everyLanguage(lesson, (text) =>
    mapQuestion(text, question, (q) => {
      const options = q.options.filter((_, i) => i !== option);
      // Removing the correct option makes the first one correct: a question always has one.
      if (!options.some((o) => o.correct) && options[0]) options[0] = { ...options[0], correct: true };
      return { ...q, options };
    }),
  );
}

/** The issues the server named for one lesson, without their `literacy.lessons.N.` prefix. */
export function lessonIssues(issues: string[], index: number): string[] {
  const prefix = `literacy.lessons.${index}.`;
  return issues.filter((issue) => issue.startsWith(prefix)).map((issue) => issue.slice(prefix.length));
}
