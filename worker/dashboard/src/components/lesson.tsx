/**
 * A lesson as people read it: its title, reading time, paragraphs and check questions. In the
 * editor's preview the questions can be tried (picking an option shows its feedback, as the
 * nudge will); in the evidence annex every option shows, the correct one marked.
 */
import { useState } from "preact/hooks";
import type { LessonText } from "../../../../shared/lessons/schema";

export const LANGUAGE_NAMES = { en: "English", de: "Deutsch" } as const;
export type Language = keyof typeof LANGUAGE_NAMES;

function Paragraphs({ body }: { body: string }) {
  return (
    <>
      {body
        .split(/\n\s*\n/)
        .filter((paragraph) => paragraph.trim() !== "")
        .map((paragraph, i) => (
          <p key={i}>{paragraph}</p>
        ))}
    </>
  );
}

type Question = LessonText["questions"][number];

function TryQuestion({ question, index, name }: { question: Question; index: number; name: string }) {
  const [picked, setPicked] = useState<number | null>(null);
  const option = picked === null ? null : question.options[picked];
  return (
    <fieldset class="lesson-question">
      <legend>
        {index + 1}. {question.prompt}
      </legend>
      {question.options.map((choice, i) => (
        <label key={i}>
          <input type="radio" name={name} checked={picked === i} onChange={() => setPicked(i)} /> {choice.text}
        </label>
      ))}
      {option && (
        <p class={option.correct ? "lesson-feedback right" : "lesson-feedback wrong"} role="status">
          {option.feedback}
        </p>
      )}
    </fieldset>
  );
}

function ShowQuestion({ question, index }: { question: Question; index: number }) {
  return (
    <li>
      {question.prompt}
      <ul>
        {question.options.map((choice, i) => (
          <li key={i} class={choice.correct ? "correct" : undefined}>
            {choice.correct && <strong>(correct) </strong>}
            {choice.text}
            <span class="lesson-feedback">{choice.feedback}</span>
          </li>
        ))}
      </ul>
      <span class="sr-only">question {index + 1}</span>
    </li>
  );
}

export function LessonCard({
  text,
  language,
  readingSeconds,
  interactive = false,
  name = "lesson",
}: {
  text: LessonText;
  language: Language;
  readingSeconds: number;
  interactive?: boolean;
  /** Distinguishes the radio groups of several cards on one page. */
  name?: string;
}) {
  const questions = Array.isArray(text.questions) ? text.questions : [];
  return (
    <article class="lesson-card" lang={language} data-language={language}>
      <header>
        <h4>{text.title}</h4>
        <span class="muted small">
          {readingSeconds} s · {LANGUAGE_NAMES[language]}
        </span>
      </header>
      <Paragraphs body={text.body ?? ""} />
      {interactive ? (
        questions.map((question, i) => (
          <TryQuestion key={`${language}-${i}`} question={question} index={i} name={`${name}-${language}-${i}`} />
        ))
      ) : (
        <ol class="lesson-questions">
          {questions.map((question, i) => (
            <ShowQuestion key={i} question={question} index={i} />
          ))}
        </ol>
      )}
    </article>
  );
}
