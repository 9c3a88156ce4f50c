import { useEffect, useRef, useState } from "preact/hooks";
import type { Translate } from "./strings";
import type { LessonGrade, NudgeLesson } from "./view";

/*
 * A lesson inside the nudge: its title, its paragraphs and its check questions. A question is
 * answered by picking an option and pressing "Check answer" (so moving through the options
 * with the arrow keys answers nothing); the background grades the answer against the lesson
 * it served and the option's feedback appears in a live region. Like the nudge's buttons,
 * only gestures `accept` allows (the person's own, `isTrusted`) pick or check anything.
 */

export const LESSON_ID = "shadowlight-lesson";

export interface LessonActions {
  accept(event: Event): boolean;
  /** Asks the background to grade one answer; null when it refused to (no lesson served here). */
  grade(question: number, option: number): Promise<LessonGrade | null>;
}

interface Answered {
  option: number;
  correct: boolean;
}

export function LessonSection({
  lesson,
  t,
  actions,
  onCompleted,
  focusOnOpen = false,
}: {
  lesson: NudgeLesson;
  t: Translate;
  /** Take the focus when mounted: a lesson the person opened (one open from the start is focused with the nudge). */
  focusOnOpen?: boolean;
  /** Absent: a static preview. */
  actions?: LessonActions;
  onCompleted?: () => void;
}) {
  const { text } = lesson;
  const [picked, setPicked] = useState<Array<number | null>>(() => text.questions.map(() => null));
  const [answered, setAnswered] = useState<Array<Answered | null>>(() => text.questions.map(() => null));
  const [pending, setPending] = useState(false);
  const [completed, setCompleted] = useState(false);
  const section = useRef<HTMLElement>(null);

  // Opened, the lesson takes the focus, so a screen reader starts reading at its title.
  useEffect(() => {
    if (actions && focusOnOpen) section.current?.focus();
  }, []);

  // After a correct answer the next open question takes the focus (its first option).
  const solvedCount = answered.filter((entry) => entry?.correct).length;
  useEffect(() => {
    if (solvedCount === 0 || completed) return;
    section.current?.querySelector<HTMLInputElement>("fieldset:not([disabled]) input")?.focus();
  }, [solvedCount, completed]);

  const check = (question: number) => async (event: Event) => {
    const option = picked[question];
    if (!actions?.accept(event) || option === null || option === undefined || pending) return;
    setPending(true);
    const grade = await actions.grade(question, option).finally(() => setPending(false));
    if (!grade) return;
    setAnswered((before) => before.map((entry, i) => (i === question ? { option, correct: grade.correct } : entry)));
    if (grade.completed) {
      setCompleted(true);
      onCompleted?.();
    }
  };

  const Title = actions ? "h3" : "p";
  return (
    <section
      id={LESSON_ID}
      ref={section}
      class="lesson"
      lang={lesson.language}
      aria-labelledby={`${LESSON_ID}-title`}
      data-lesson={lesson.id}
      // Focusable by script only: the nudge gives it the first focus when it opens with the lesson.
      tabIndex={actions ? -1 : undefined}
      data-focus-first={actions ? "" : undefined}
    >
      <Title id={`${LESSON_ID}-title`} class="lesson-title">
        {text.title}
      </Title>
      {text.body
        .split(/\n\s*\n/)
        .filter((paragraph) => paragraph.trim() !== "")
        .map((paragraph, i) => (
          <p key={i} class="lesson-body">
            {paragraph}
          </p>
        ))}
      {text.questions.map((question, i) => {
        const result = answered[i];
        const solved = result?.correct === true;
        const feedback = result ? question.options[result.option]?.feedback : undefined;
        return (
          <fieldset key={i} class="lesson-question" disabled={!actions || solved || completed}>
            <legend>{question.prompt}</legend>
            {question.options.map((option, j) => (
              <label key={j}>
                <input
                  type="radio"
                  name={`${LESSON_ID}-q${i}`}
                  value={String(j)}
                  checked={picked[i] === j}
                  onChange={(event) => {
                    if (actions?.accept(event)) setPicked((before) => before.map((p, k) => (k === i ? j : p)));
                  }}
                />
                {option.text}
              </label>
            ))}
            {!solved && (
              <button
                type="button"
                class="lesson-check"
                data-does="check"
                disabled={!actions || picked[i] === null || pending}
                onClick={actions ? check(i) : undefined}
              >
                {t("lessonCheck")}
              </button>
            )}
            {/* Always present, so screen readers announce the feedback when it arrives. */}
            <p
              class={result ? `lesson-feedback ${result.correct ? "right" : "wrong"}` : "lesson-feedback"}
              role="status"
            >
              {feedback && (result?.correct ? feedback : `${feedback} ${t("lessonTryAgain")}`)}
            </p>
          </fieldset>
        );
      })}
      {completed && (
        <p class="lesson-done" role="status">
          {t("lessonCompleted")}
        </p>
      )}
    </section>
  );
}
