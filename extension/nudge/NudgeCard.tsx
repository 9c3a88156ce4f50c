import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { PolicyAction } from "../../shared/policy/schema";
import { whyLines } from "../../shared/policy/why";
import { LESSON_ID, LessonSection } from "./Lesson";
import type { Translate } from "./strings";
import type { LessonGrade, NudgeAnswer, NudgeView } from "./view";

/*
 * The nudge, defined once: the content script's banner and dialog, the blocked page and the
 * dashboard's preview all render this component with the same strings. It holds no browser
 * API; what a button does comes from `actions`, and without actions it is a static preview.
 */

/** What the person can do; each handler receives the event so it can refuse untrusted ones. */
export interface NudgeActions {
  /** Whether an event is the person's own gesture; every other event is ignored. */
  accept(event: Event): boolean;
  answer(answer: NudgeAnswer, reason?: string): void;
  requestReview?(): void;
  back?(): void;
  /** The nudge's lesson was opened (by the person, or on its own when required). */
  openLesson?(): void;
  /** Grades one answer to a check question of the nudge's lesson. */
  gradeLesson?(question: number, option: number): Promise<LessonGrade | null>;
  /** Closes a nudge that asks for no answer: a lesson the policy requires for an allowed tool. */
  close?(): void;
}

type Button = { label: string; does: NudgeAnswer | "review" | "back" | "close"; primary?: boolean };

function buttonsFor(action: PolicyAction, view: NudgeView, t: Translate): Button[] {
  const alternative = view.alternatives[0];
  switch (action) {
    case "inform":
      return [{ label: t("buttonGotIt"), does: "dismissed", primary: true }];
    case "acknowledge":
      return [
        { label: t("buttonAcknowledge"), does: "acknowledged", primary: true },
        { label: t("buttonLeave"), does: "left" },
      ];
    case "justify":
      return [
        { label: t("buttonContinue"), does: "justified", primary: true },
        { label: t("buttonLeave"), does: "left" },
      ];
    case "redirect":
      return alternative
        ? [
            { label: t("buttonUseAlternative", alternative.name), does: "redirected", primary: true },
            { label: t("buttonContinueAnyway"), does: "dismissed" },
          ]
        : [];
    case "block":
      return [
        { label: t("blockedRequestReview"), does: "review", primary: true },
        { label: t("blockedGoBack"), does: "back" },
      ];
    case "allow":
      // Only a lesson required for an allowed tool is shown there; it closes once taken.
      return view.lesson ? [{ label: t("buttonContinue"), does: "close", primary: true }] : [];
  }
}

/** Whether a button waits for the required lesson: every answer but leaving does. */
const waitsForLesson = (button: Button) => button.does !== "left" && button.does !== "back";

const HEADING_ID = "shadowlight-heading";

interface CardProps {
  view: NudgeView;
  t: Translate;
  /** Absent: a static preview (the dashboard's). */
  actions?: NudgeActions;
  reviewRequested?: boolean;
  onKeyDown?: (event: KeyboardEvent) => void;
}

export function NudgeCard({ view, t, actions, reviewRequested = false, onKeyDown }: CardProps) {
  const { decision, tool } = view;
  const [reason, setReason] = useState("");
  const lesson = view.lesson;
  const [lessonOpen, setLessonOpen] = useState(lesson?.required === true);
  const [lessonDone, setLessonDone] = useState(false);
  const actionsRow = useRef<HTMLDivElement>(null);
  const live = actions !== undefined;
  const gated = lesson?.required === true && !lessonDone;

  // A required lesson is open from the start: that counts as opening it.
  useEffect(() => {
    if (lesson?.required) actions?.openLesson?.();
  }, []);
  // Once the lesson is done, the answer it held back takes the focus.
  useEffect(() => {
    if (lessonDone) actionsRow.current?.querySelector<HTMLButtonElement>("button.primary:not([disabled])")?.focus();
  }, [lessonDone]);

  const openLesson = (event: Event) => {
    if (!actions?.accept(event) || lessonOpen) return;
    setLessonOpen(true);
    actions.openLesson?.();
  };
  const block = decision.action === "block";
  const Heading = !live ? "p" : block ? "h1" : "h2";

  const press = (button: Button) => (event: Event) => {
    if (!actions?.accept(event)) return;
    if (gated && waitsForLesson(button)) return;
    if (button.does === "review") actions.requestReview?.();
    else if (button.does === "back") actions.back?.();
    else if (button.does === "close") actions.close?.();
    else if (button.does === "justified") {
      if (reason) actions.answer("justified", reason);
    } else actions.answer(button.does);
  };

  return (
    <Shell action={decision.action} live={live} onKeyDown={onKeyDown}>
      <p class="brand">{t("brand")}</p>
      <Heading id={HEADING_ID} class="heading">
        {t(`heading_${decision.action}`, tool.name)}
      </Heading>
      {decision.message && <p class="message">{decision.message}</p>}
      <ul class="why" aria-label={t("whyLabel")}>
        {whyLines(tool, decision.status, t, decision.agreement).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      {lesson?.required && <p class="lesson-required">{t("lessonRequired", String(lesson.readingSeconds))}</p>}
      {lesson && !lesson.required && (
        <button
          type="button"
          class="lesson-offer"
          aria-expanded={lessonOpen}
          aria-controls={LESSON_ID}
          disabled={!live}
          onClick={live ? openLesson : undefined}
        >
          {t("lessonOffer", String(lesson.readingSeconds))}
        </button>
      )}
      {lesson && lessonOpen && (
        <LessonSection
          lesson={lesson}
          t={t}
          {...(actions?.gradeLesson ? { actions: { accept: actions.accept, grade: actions.gradeLesson } } : {})}
          onCompleted={() => setLessonDone(true)}
          focusOnOpen={!lesson.required}
        />
      )}
      {decision.action === "justify" && (
        <fieldset class="reasons">
          <legend>{t("justifyPrompt")}</legend>
          {view.reasons.map((option) => (
            <label key={option.id}>
              <input
                type="radio"
                name="reason"
                value={option.id}
                checked={reason === option.id}
                disabled={!live}
                onChange={(event) => {
                  if (actions?.accept(event)) setReason(option.id);
                }}
              />
              {option.label}
            </label>
          ))}
        </fieldset>
      )}
      {block && view.alternatives.length > 0 && (
        <p class="alternatives">
          {t("blockedAlternative")}{" "}
          {view.alternatives.map((alternative, i) => (
            <span key={alternative.id}>
              {i > 0 && ", "}
              {live ? <a href={alternative.url}>{alternative.name}</a> : alternative.name}
            </span>
          ))}
        </p>
      )}
      <div class="actions" ref={actionsRow}>
        {buttonsFor(decision.action, view, t).map((button) => (
          <button
            key={button.does}
            type="button"
            class={button.primary ? "primary" : undefined}
            data-does={button.does}
            // A preview's buttons are shown as the person sees them, but do nothing.
            disabled={
              !live ||
              (gated && waitsForLesson(button)) ||
              (button.does === "justified" && reason === "") ||
              (button.does === "review" && reviewRequested)
            }
            onClick={live ? press(button) : undefined}
          >
            {button.label}
          </button>
        ))}
      </div>
      {reviewRequested && <p role="status">{t("blockedReviewRequested")}</p>}
      {decision.policyUrl && (
        <p class="policy-link">
          {live ? (
            <a href={decision.policyUrl} target="_blank" rel="noopener noreferrer">
              {t("readPolicy")}
            </a>
          ) : (
            t("readPolicy")
          )}{" "}
          · {t("policyVersion", String(decision.policyVersion))}
        </p>
      )}
      <p class="privacy">{t("privacyNote")}</p>
    </Shell>
  );
}

interface ShellProps {
  action: PolicyAction;
  live: boolean;
  onKeyDown: ((event: KeyboardEvent) => void) | undefined;
  children: ComponentChildren;
}

/**
 * Where the nudge sits: `inform` is a banner that leaves the page usable, `block` a page of
 * its own, every other action a modal dialog over the page until the person answers.
 */
function Shell({ action, live, onKeyDown, children }: ShellProps) {
  const layout = action === "inform" ? "banner" : action === "block" ? "page" : "dialog";
  if (!live) {
    return (
      <div class={`panel panel-${layout} preview`} data-action={action}>
        {children}
      </div>
    );
  }
  if (layout === "banner") {
    return (
      <div class="banner">
        <section class="panel panel-banner" aria-labelledby={HEADING_ID} data-action={action} onKeyDown={onKeyDown}>
          {children}
        </section>
      </div>
    );
  }
  if (layout === "page") {
    return (
      <main class="panel panel-page" aria-labelledby={HEADING_ID} data-action={action}>
        {children}
      </main>
    );
  }
  return (
    <div class="backdrop">
      <div
        class="panel panel-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={HEADING_ID}
        data-action={action}
        onKeyDown={onKeyDown}
      >
        {children}
      </div>
    </div>
  );
}
