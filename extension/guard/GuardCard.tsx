import { useState } from "preact/hooks";
import type { Translate } from "../nudge/strings";
import type { Choice } from "./checker";
import type { GuardView } from "./view";

/*
 * The guard's warning and refusal, defined once, in the nudge's look and words (the same
 * stylesheet, brand, policy link and privacy line). It holds no browser API: what a button
 * does comes from `actions`, which refuses every event that is not the person's own.
 */

export interface GuardActions {
  /** Whether an event is the person's own gesture; every other event is ignored. */
  accept(event: Event): boolean;
  choose(choice: Choice): void;
}

export const GUARD_HEADING_ID = "shadowlight-guard-heading";
export const GUARD_MESSAGE_ID = "shadowlight-guard-message";

interface Props {
  view: GuardView;
  t: Translate;
  actions?: GuardActions;
}

export function GuardCard({ view, t, actions }: Props) {
  const [reason, setReason] = useState("");
  const warn = view.action === "warn";
  const needsReason = warn && view.requireReason && view.reasons.length > 0;
  const press = (choice: Choice) => (event: Event) => {
    if (actions?.accept(event)) actions.choose(choice);
  };
  return (
    <div class={`panel panel-dialog guard guard-${view.action}`} data-action={view.action}>
      <p class="brand">{t("brand")}</p>
      <h2 id={GUARD_HEADING_ID} class="heading">
        {t(`guardHeading_${view.action}`, view.toolName)}
      </h2>
      <div id={GUARD_MESSAGE_ID}>
        {view.message && <p class="message">{view.message}</p>}
        {view.found.length > 0 && (
          <>
            <p class="found-label">{t("guardFound")}</p>
            <ul class="found">
              {view.found.map((hit, i) => (
                // The same value may match twice: its position tells the two apart.
                <li key={`${i}:${hit.preview}`}>
                  <span class="found-kind">{hit.label ?? t(`guardDetector_${hit.detector.replaceAll("-", "_")}`)}</span>{" "}
                  <span class="found-preview" dir="ltr">
                    {hit.preview}
                  </span>
                </li>
              ))}
            </ul>
          </>
        )}
        {view.more > 0 && <p class="message">{t("guardMore", String(view.more))}</p>}
        {view.unscanned && <p class="message">{t("guardUnscanned")}</p>}
      </div>
      {needsReason && (
        <fieldset class="reasons">
          <legend>{t("guardReasonPrompt")}</legend>
          {view.reasons.map((option) => (
            <label key={option.id}>
              <input
                type="radio"
                name="guard-reason"
                value={option.id}
                checked={reason === option.id}
                disabled={!actions}
                onChange={(event) => {
                  if (actions?.accept(event)) setReason(option.id);
                }}
              />
              {option.label}
            </label>
          ))}
        </fieldset>
      )}
      <div class="actions">
        {warn ? (
          <>
            <button type="button" class="primary" data-does="removed" disabled={!actions} onClick={press("removed")}>
              {t(`guardRemove_${view.kind}`)}
            </button>
            <button
              type="button"
              data-does="pasted_anyway"
              disabled={!actions || (needsReason && reason === "")}
              onClick={press("pasted_anyway")}
            >
              {t(`guardAnyway_${view.kind}`)}
            </button>
          </>
        ) : (
          <button type="button" class="primary" data-does="closed" disabled={!actions} onClick={press("closed")}>
            {t("guardClose")}
          </button>
        )}
      </div>
      {view.policyUrl && (
        <p class="policy-link">
          {actions ? (
            <a href={view.policyUrl} target="_blank" rel="noopener noreferrer">
              {t("readPolicy")}
            </a>
          ) : (
            t("readPolicy")
          )}{" "}
          · {t("policyVersion", String(view.policyVersion))}
        </p>
      )}
      <p class="privacy">{t("guardPrivacy")}</p>
    </div>
  );
}
