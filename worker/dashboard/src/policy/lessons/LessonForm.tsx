/** One lesson's fields: where it applies, the controls it serves, its text in each language, sources. */
import { LESSON_LANGUAGES, readingSeconds } from "../../../../../shared/lessons/reading";
import type { Lesson } from "../../../../../shared/lessons/schema";
import { LESSON_CONTROLS, RISK_FACTS } from "../../../../../shared/lessons/terms";
import { LIMITS } from "../../../../../shared/limits";
import { LANGUAGE_NAMES } from "../../components/lesson";
import { Checkboxes, compact, ListInput, StatusChecks } from "../inputs";
import {
  addOption,
  addQuestion,
  removeOption,
  removeQuestion,
  setCorrect,
  setOption,
  setPrompt,
  setText,
} from "./edit";

const CONTROL_NAMES: Record<(typeof LESSON_CONTROLS)[number], string> = {
  "eu-ai-act-art4": "EU AI Act Art. 4 (AI literacy)",
  "iso42001-7.2": "ISO/IEC 42001 7.2 (competence)",
  "iso42001-7.3": "ISO/IEC 42001 7.3 (awareness)",
};
const FACT_NAMES: Record<(typeof RISK_FACTS)[number], string> = {
  "trains-on-free-tier": "the vendor trains on free-tier input",
};

type AppliesTo = Lesson["appliesTo"];

function Field({
  label,
  value,
  onInput,
  rows,
}: {
  label: string;
  value: string;
  onInput: (value: string) => void;
  rows?: number;
}) {
  if (rows) {
    return (
      <label>
        {label}
        <textarea rows={rows} value={value} onInput={(e) => onInput((e.target as HTMLTextAreaElement).value)} />
      </label>
    );
  }
  return (
    <label>
      {label}
      <input type="text" value={value} onInput={(e) => onInput((e.target as HTMLInputElement).value)} />
    </label>
  );
}

export function LessonForm({ lesson, onChange }: { lesson: Lesson; onChange: (lesson: Lesson) => void }) {
  const appliesTo: AppliesTo = lesson.appliesTo ?? {};
  const setApplies = (changes: Partial<AppliesTo>) =>
    onChange({ ...lesson, appliesTo: compact({ ...appliesTo, ...changes }) });
  const questions = lesson.text.en.questions;
  const sources = lesson.sources ?? [];
  const perLanguage = LESSON_LANGUAGES.map(
    (language) => `${LANGUAGE_NAMES[language]} ${readingSeconds(lesson.text[language], language)} s`,
  ).join(", ");
  const tooLong = lesson.readingSeconds > LIMITS.lessonMaxReadingSeconds;
  return (
    <div class="lesson-form">
      <label>
        Lesson id
        <input
          type="text"
          value={lesson.id}
          onInput={(e) => onChange({ ...lesson, id: (e.target as HTMLInputElement).value })}
        />
        <span class="hint">
          Version v{lesson.version}: a changed text takes the version of the policy that publishes it.
        </span>
      </label>
      <p class={tooLong ? "reading-time warn" : "reading-time"} data-testid="reading-time" role="status">
        Reads in about {lesson.readingSeconds} s ({perLanguage}); a lesson must read in under a minute (at most{" "}
        {LIMITS.lessonMaxReadingSeconds} s).
      </p>

      <fieldset class="when">
        <legend>Applies to (every condition given must hold)</legend>
        <ListInput
          label="Categories"
          value={appliesTo.categories}
          onChange={(categories) => setApplies({ categories })}
          hint="catalog category ids, e.g. chat, coding"
        />
        <Checkboxes
          legend="Risk facts"
          options={RISK_FACTS}
          value={appliesTo.facts}
          onChange={(facts) => setApplies({ facts })}
          label={(fact) => FACT_NAMES[fact]}
        />
        <StatusChecks value={appliesTo.statuses} onChange={(statuses) => setApplies({ statuses })} />
        <ListInput label="Tools" value={appliesTo.tools} onChange={(tools) => setApplies({ tools })} />
      </fieldset>

      <Checkboxes
        legend="Controls it serves"
        options={LESSON_CONTROLS}
        value={lesson.controls}
        onChange={(controls) => onChange({ ...lesson, controls })}
        label={(control) => CONTROL_NAMES[control]}
      />

      <div class="lesson-languages">
        {LESSON_LANGUAGES.map((language) => {
          const text = lesson.text[language];
          return (
            <fieldset key={language} class="lesson-language" lang={language} data-language={language}>
              <legend>{LANGUAGE_NAMES[language]}</legend>
              <Field
                label="Title"
                value={text.title}
                onInput={(title) => onChange(setText(lesson, language, { title }))}
              />
              <Field
                label="Text (an empty line starts a paragraph)"
                rows={9}
                value={text.body}
                onInput={(body) => onChange(setText(lesson, language, { body }))}
              />
              {text.questions.map((question, q) => (
                <fieldset key={q} class="lesson-question-edit">
                  <legend>Check question {q + 1}</legend>
                  <Field
                    label="Question"
                    value={question.prompt}
                    onInput={(prompt) => onChange(setPrompt(lesson, language, q, prompt))}
                  />
                  {question.options.map((option, o) => (
                    <div key={o} class="lesson-option">
                      <label class="inline">
                        <input
                          type="radio"
                          name={`correct-${language}-${q}`}
                          checked={option.correct}
                          onChange={() => onChange(setCorrect(lesson, q, o))}
                        />{" "}
                        correct
                      </label>
                      <Field
                        label={`Answer ${o + 1}`}
                        value={option.text}
                        onInput={(value) => onChange(setOption(lesson, language, q, o, { text: value }))}
                      />
                      <Field
                        label={`Feedback on answer ${o + 1}`}
                        value={option.feedback}
                        onInput={(feedback) => onChange(setOption(lesson, language, q, o, { feedback }))}
                      />
                    </div>
                  ))}
                </fieldset>
              ))}
            </fieldset>
          );
        })}
      </div>
      <div class="actions">
        {questions.length < 2 && (
          <button type="button" class="secondary small" onClick={() => onChange(addQuestion(lesson))}>
            Add a second question
          </button>
        )}
        {questions.length > 1 && (
          <button
            type="button"
            class="secondary small"
            onClick={() => onChange(removeQuestion(lesson, questions.length - 1))}
          >
            Remove question {questions.length}
          </button>
        )}
        {questions.map((question, q) => (
          <span key={q} class="actions">
            {question.options.length < 4 && (
              <button type="button" class="secondary small" onClick={() => onChange(addOption(lesson, q))}>
                Add an answer to question {q + 1}
              </button>
            )}
            {question.options.length > 2 && (
              <button
                type="button"
                class="secondary small"
                onClick={() => onChange(removeOption(lesson, q, question.options.length - 1))}
              >
                Remove the last answer of question {q + 1}
              </button>
            )}
          </span>
        ))}
      </div>

      <fieldset class="when">
        <legend>Sources of the facts it states</legend>
        {sources.map((source, i) => (
          <div key={i} class="lesson-source">
            <Field
              label="Title"
              value={source.title}
              onInput={(title) =>
                onChange({ ...lesson, sources: sources.map((s, j) => (j === i ? { ...s, title } : s)) })
              }
            />
            <Field
              label="Address (https)"
              value={source.url}
              onInput={(url) => onChange({ ...lesson, sources: sources.map((s, j) => (j === i ? { ...s, url } : s)) })}
            />
            <button
              type="button"
              class="secondary small"
              onClick={() => onChange({ ...lesson, sources: sources.filter((_, j) => j !== i) })}
            >
              Remove source
            </button>
          </div>
        ))}
        <button
          type="button"
          class="secondary small"
          onClick={() => onChange({ ...lesson, sources: [...sources, { title: "", url: "" }] })}
        >
          Add a source
        </button>
      </fieldset>
    </div>
  );
}
