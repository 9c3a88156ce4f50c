/**
 * The lesson editor: the lessons of the draft policy, one open at a time with its preview in
 * each language, the default lessons to add, and when a lesson is required. It edits the
 * draft's `literacy` section; the policy editor's Validate and Publish buttons send it, and
 * the server names every problem by its field.
 */
import { useState } from "preact/hooks";
import type { Lesson } from "../../../../../shared/lessons/schema";
import type { LessonRequirement, LiteracySettings } from "../../../../../shared/policy/schema";
import { useResource } from "../../api";
import { LANGUAGE_NAMES, type Language, LessonCard } from "../../components/lesson";
import type { LessonsIndex, Policy } from "../../types";
import { compact, type DraftPartProps, describeWhen, freeId, LevelChecks, ListInput, StatusChecks } from "../inputs";
import { blankLesson, lessonIssues } from "./edit";
import { LessonForm } from "./LessonForm";
import "./lessons.css";

function literacyOf(policy: Policy): LiteracySettings {
  return { offer: true, lessons: [], require: [], ...policy.literacy };
}

export function LessonEditor({ policy, issues, onChange }: DraftPartProps) {
  const literacy = literacyOf(policy);
  const lessons = literacy.lessons;
  const [selected, setSelected] = useState(0);
  const [language, setLanguage] = useState<Language>("en");
  const [index] = useResource<LessonsIndex>("/policy/lessons");
  const set = (changes: Partial<LiteracySettings>) => onChange({ ...policy, literacy: { ...literacy, ...changes } });
  const setLesson = (at: number, lesson: Lesson) => set({ lessons: lessons.map((l, i) => (i === at ? lesson : l)) });
  const current = lessons[Math.min(selected, lessons.length - 1)];
  const at = Math.min(selected, lessons.length - 1);
  const ids = lessons.map((lesson) => lesson.id);
  const missingDefaults = index.kind === "ready" ? index.data.defaults.filter((l) => !ids.includes(l.id)) : [];
  const currentIssues = lessonIssues(issues, at);
  const otherIssues = issues.filter(
    (issue) => issue.startsWith("literacy.") && !issue.startsWith(`literacy.lessons.${at}.`),
  );

  return (
    <div class="lesson-editor" data-testid="lesson-editor">
      <p class="muted">
        Lessons are offered in the nudge of the AI tools they apply to (never for allowed tools unless a requirement
        includes them). Publish the policy to deliver them; each device counts only whether a lesson was opened,
        completed and passed at the first try.
      </p>
      <label class="inline">
        <input
          type="checkbox"
          checked={literacy.offer}
          onChange={(e) => set({ offer: (e.target as HTMLInputElement).checked })}
        />{" "}
        Nudges offer the lesson that fits the tool
      </label>

      <div class="lesson-layout">
        <nav aria-label="Lessons" class="lesson-list">
          <ul>
            {lessons.map((lesson, i) => (
              <li key={`${i}-${lesson.id}`}>
                <button
                  type="button"
                  class={i === at ? "tab selected" : "tab"}
                  aria-current={i === at ? "true" : undefined}
                  data-lesson={lesson.id}
                  onClick={() => setSelected(i)}
                >
                  {lesson.text.en.title || lesson.id || "(new lesson)"}
                  <span class="vendor">
                    {lesson.id} · v{lesson.version} · {lesson.readingSeconds} s
                    {lessonIssues(issues, i).length > 0 && " · has problems"}
                  </span>
                </button>
              </li>
            ))}
          </ul>
          <div class="actions">
            <button
              type="button"
              class="secondary small"
              onClick={() => {
                set({ lessons: [...lessons, blankLesson(freeId("lesson", ids))] });
                setSelected(lessons.length);
              }}
            >
              Add a lesson
            </button>
            {missingDefaults.length > 0 && (
              <button
                type="button"
                class="secondary small"
                onClick={() => set({ lessons: [...lessons, ...missingDefaults] })}
              >
                Add the default lessons ({missingDefaults.length})
              </button>
            )}
          </div>
        </nav>

        {current ? (
          <div class="lesson-open">
            <div class="section-head">
              <h4>{current.text.en.title || current.id}</h4>
              <button
                type="button"
                class="secondary small"
                onClick={() => {
                  set({ lessons: lessons.filter((_, i) => i !== at) });
                  setSelected(Math.max(0, at - 1));
                }}
              >
                Remove this lesson
              </button>
            </div>
            {currentIssues.length > 0 && (
              <ul class="issues" data-testid="lesson-issues">
                {currentIssues.map((issue) => (
                  <li key={issue}>{issue}</li>
                ))}
              </ul>
            )}
            <div class="lesson-columns">
              <LessonForm lesson={current} onChange={(lesson) => setLesson(at, lesson)} />
              <section class="lesson-preview" aria-labelledby="lesson-preview-title" data-testid="lesson-preview">
                <div class="section-head">
                  <h4 id="lesson-preview-title">Preview</h4>
                  <fieldset class="tabs">
                    <legend class="sr-only">Preview language</legend>
                    {(Object.keys(LANGUAGE_NAMES) as Language[]).map((option) => (
                      <button
                        key={option}
                        type="button"
                        class={option === language ? "tab selected" : "tab"}
                        aria-pressed={option === language}
                        onClick={() => setLanguage(option)}
                      >
                        {LANGUAGE_NAMES[option]}
                      </button>
                    ))}
                  </fieldset>
                </div>
                <LessonCard
                  key={`${current.id}-${language}`}
                  text={current.text[language]}
                  language={language}
                  readingSeconds={current.readingSeconds}
                  interactive
                  name={`preview-${current.id}`}
                />
              </section>
            </div>
          </div>
        ) : (
          <p class="muted">This policy has no lessons. Add the default lessons or write one.</p>
        )}
      </div>

      {otherIssues.length > 0 && (
        <ul class="issues">
          {otherIssues.map((issue) => (
            <li key={issue}>{issue}</li>
          ))}
        </ul>
      )}
      <Requirements requirements={literacy.require} onChange={(require) => set({ require })} />
    </div>
  );
}

/** When a lesson must be completed before an acknowledgement or a justification counts. */
function Requirements({
  requirements,
  onChange,
}: {
  requirements: LessonRequirement[];
  onChange: (requirements: LessonRequirement[]) => void;
}) {
  const setAt = (at: number, requirement: LessonRequirement) =>
    onChange(requirements.map((r, i) => (i === at ? requirement : r)));
  return (
    <section class="card lesson-requirements" aria-labelledby="requirements-title">
      <h4 id="requirements-title">Required before acknowledging</h4>
      <p class="muted small">
        The first requirement whose conditions hold asks for the fitting lesson before an acknowledgement or a
        justification counts: once per lesson version on a device, never twice a day.
      </p>
      <ol class="rules">
        {requirements.map((requirement, i) => {
          const when = requirement.when ?? {};
          const setWhen = (changes: Partial<LessonRequirement["when"]>) =>
            setAt(i, { ...requirement, when: compact({ ...when, ...changes }) });
          return (
            <li key={i} class="rule card open" data-requirement={requirement.id}>
              <div class="rule-head">
                <label>
                  Requirement id
                  <input
                    type="text"
                    value={requirement.id}
                    onInput={(e) => setAt(i, { ...requirement, id: (e.target as HTMLInputElement).value })}
                  />
                </label>
                <span class="rule-summary">{describeWhen(when)}</span>
                <button
                  type="button"
                  class="secondary small"
                  onClick={() => onChange(requirements.filter((_, j) => j !== i))}
                >
                  Remove
                </button>
              </div>
              <ListInput
                label="Categories"
                value={when.categories}
                onChange={(categories) => setWhen({ categories })}
              />
              <LevelChecks value={when.riskLevels} onChange={(riskLevels) => setWhen({ riskLevels })} />
              <StatusChecks value={when.statuses} onChange={(statuses) => setWhen({ statuses })} />
              <label class="inline">
                <input
                  type="checkbox"
                  checked={requirement.includeAllowed ?? false}
                  onChange={(e) => setAt(i, { ...requirement, includeAllowed: (e.target as HTMLInputElement).checked })}
                />{" "}
                Also for allowed tools (approved, or allowed by a rule)
              </label>
            </li>
          );
        })}
      </ol>
      <button
        type="button"
        class="secondary small"
        onClick={() =>
          onChange([
            ...requirements,
            {
              id: freeId(
                "require",
                requirements.map((r) => r.id),
              ),
              when: { riskLevels: ["high"] },
              includeAllowed: false,
            },
          ])
        }
      >
        Add a requirement
      </button>
    </section>
  );
}
