import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import type { PolicyAction } from "../../shared/policy/schema";
import { whyLines } from "../../shared/policy/why";
import type { Translate } from "./strings";
import type { NudgeAnswer, NudgeView } from "./view";

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
}

type Button = { label: string; does: NudgeAnswer | "review" | "back"; primary?: boolean };

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
      return [];
  }
}

export const HEADING_ID = "shadowlight-heading";

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
  const live = actions !== undefined;
  const block = decision.action === "block";
  const Heading = !live ? "p" : block ? "h1" : "h2";

  const press = (button: Button) => (event: Event) => {
    if (!actions?.accept(event)) return;
    if (button.does === "review") actions.requestReview?.();
    else if (button.does === "back") actions.back?.();
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
      <div class="actions">
        {buttonsFor(decision.action, view, t).map((button) => (
          <button
            key={button.does}
            type="button"
            class={button.primary ? "primary" : undefined}
            data-does={button.does}
            // A preview's buttons are shown as the person sees them, but do nothing.
            disabled={
              !live || (button.does === "justified" && reason === "") || (button.does === "review" && reviewRequested)
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
