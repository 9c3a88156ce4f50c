import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { browser } from "wxt/browser";
import { t } from "../../lib/i18n";
import type { NudgeEvent, NudgeView } from "../../lib/messages";
import { WhyList } from "./WhyList";

function send(event: NudgeEvent, reason?: string): Promise<unknown> {
  return browser.runtime.sendMessage({ type: "nudge:event", event, ...(reason ? { reason } : {}) });
}

/**
 * One nudge: the heading names the tool and the decision, the organization's words come
 * first, then why (catalog facts), then the actions. A dialog for everything but `inform`,
 * which is a dismissable banner.
 */
export function Nudge({ view, onClose }: { view: NudgeView; onClose: () => void }) {
  const { decision, tool } = view;
  const first = useRef<HTMLButtonElement>(null);
  const [reason, setReason] = useState("");

  useEffect(() => {
    void send("nudge_shown");
    first.current?.focus();
  }, []);

  const finish = (event: NudgeEvent, extra?: string) => {
    void send(event, extra).finally(onClose);
  };
  const leave = () => {
    void send("left").finally(() => {
      if (history.length > 1) history.back();
      else location.replace("about:blank");
    });
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === "Escape" && decision.action === "inform") finish("dismissed");
  };

  const alternative = view.alternatives[0];
  const headingId = "shadowlight-heading";
  const banner = decision.action === "inform";

  const Panel = banner ? BannerPanel : DialogPanel;
  return (
    <Panel headingId={headingId} action={decision.action} onKeyDown={onKeyDown}>
      <p class="brand">{t("brand")}</p>
      <h2 id={headingId}>{t(`heading_${decision.action}`, tool.name)}</h2>
      {decision.message && <p class="message">{decision.message}</p>}
      <WhyList view={view} />
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
                onChange={() => setReason(option.id)}
              />
              {option.label}
            </label>
          ))}
        </fieldset>
      )}
      <div class="actions">
        {decision.action === "inform" && (
          <button type="button" ref={first} class="primary" onClick={() => finish("dismissed")}>
            {t("buttonGotIt")}
          </button>
        )}
        {decision.action === "acknowledge" && (
          <>
            <button type="button" ref={first} class="primary" onClick={() => finish("acknowledged")}>
              {t("buttonAcknowledge")}
            </button>
            <button type="button" onClick={leave}>
              {t("buttonLeave")}
            </button>
          </>
        )}
        {decision.action === "justify" && (
          <>
            <button
              type="button"
              ref={first}
              class="primary"
              disabled={reason === ""}
              onClick={() => finish("justified", reason)}
            >
              {t("buttonContinue")}
            </button>
            <button type="button" onClick={leave}>
              {t("buttonLeave")}
            </button>
          </>
        )}
        {decision.action === "redirect" && alternative && (
          <>
            <button
              type="button"
              ref={first}
              class="primary"
              onClick={() => void send("redirected").finally(() => location.assign(alternative.url))}
            >
              {t("buttonUseAlternative", alternative.name)}
            </button>
            <button type="button" onClick={() => finish("dismissed")}>
              {t("buttonContinueAnyway")}
            </button>
          </>
        )}
      </div>
      {decision.policyUrl && (
        <p class="policy-link">
          <a href={decision.policyUrl} target="_blank" rel="noopener noreferrer">
            {t("readPolicy")}
          </a>{" "}
          · {t("policyVersion", String(decision.policyVersion))}
        </p>
      )}
      <p class="privacy">{t("privacyNote")}</p>
    </Panel>
  );
}

interface PanelProps {
  headingId: string;
  action: string;
  onKeyDown: (event: KeyboardEvent) => void;
  children: ComponentChildren;
}

/** `inform`: a banner in the corner that leaves the page usable; Escape dismisses it. */
function BannerPanel({ headingId, action, onKeyDown, children }: PanelProps) {
  return (
    <div class="banner">
      <section class="panel panel-banner" aria-labelledby={headingId} data-action={action} onKeyDown={onKeyDown}>
        {children}
      </section>
    </div>
  );
}

/** Keeps Tab and Shift+Tab inside the dialog, as a modal dialog should. */
function trapFocus(event: KeyboardEvent): void {
  if (event.key !== "Tab") return;
  const panel = event.currentTarget as HTMLElement;
  const focusable = [...panel.querySelectorAll<HTMLElement>("button:not([disabled]), a[href], input:not([disabled])")];
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  const active = (panel.getRootNode() as ShadowRoot).activeElement;
  if (!first || !last) return;
  if (event.shiftKey && active === first) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && active === last) {
    event.preventDefault();
    first.focus();
  }
}

/** Every other action: a modal dialog over the page until the person answers. */
function DialogPanel({ headingId, action, onKeyDown, children }: PanelProps) {
  return (
    <div class="backdrop">
      <div
        class="panel"
        role="dialog"
        aria-modal="true"
        aria-labelledby={headingId}
        data-action={action}
        onKeyDown={(event) => {
          trapFocus(event);
          onKeyDown(event);
        }}
      >
        {children}
      </div>
    </div>
  );
}
