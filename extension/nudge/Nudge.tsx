import { useEffect, useRef } from "preact/hooks";
import { t } from "../lib/i18n";
import { type NudgeAnswer, type ServedNudge, send } from "../lib/messages";
import { NudgeCard } from "./NudgeCard";

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

/**
 * The nudge on a catalog page. It reports itself shown once it is on screen, and an answer
 * only from the person's own gesture (`isTrusted`): a script of the page can dispatch clicks
 * and keys, but those are never trusted, and the closed shadow root keeps the buttons out of
 * its reach in the first place.
 */
export function Nudge({ served, onClose }: { served: ServedNudge; onClose: () => void }) {
  const { ticket, view } = served;
  const root = useRef<HTMLDivElement>(null);

  useEffect(() => {
    void send("nudge:shown", { ticket });
    // A lesson that opens with the nudge first, else its answer, else any control.
    const focus = () =>
      ["[data-focus-first]", "button.primary:not([disabled])", "button:not([disabled])"]
        .map((selector) => root.current?.querySelector<HTMLElement>(selector))
        .find((element) => element)
        ?.focus();
    // Shown while the page is still parsed, the nudge takes the focus once the page's parsing
    // ended: focusing earlier makes the browser lay out the half-parsed page before its
    // DOMContentLoaded (measured: tens of ms later), and the page's own handlers with it.
    if (document.readyState !== "loading") return void focus();
    const parsed = () => setTimeout(focus, 0);
    document.addEventListener("DOMContentLoaded", parsed, { once: true });
    return () => document.removeEventListener("DOMContentLoaded", parsed);
  }, [ticket]);

  const answer = (given: NudgeAnswer, reason?: string) => {
    const sent = send("nudge:answer", { ticket, answer: given, ...(reason ? { reason } : {}) });
    void sent.finally(() => {
      if (given === "left") {
        if (history.length > 1) history.back();
        else location.replace("about:blank");
      } else if (given === "redirected" && view.alternatives[0]) location.assign(view.alternatives[0].url);
      else onClose();
    });
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (!event.isTrusted) return;
    trapFocus(event);
    if (event.key === "Escape" && view.decision.action === "inform") answer("dismissed");
  };

  return (
    <div ref={root}>
      <NudgeCard
        view={view}
        t={t}
        actions={{
          accept: (event) => event.isTrusted,
          answer,
          openLesson: () => void send("lesson:opened", { ticket }),
          gradeLesson: (question, option) => send("lesson:answer", { ticket, question, option }),
          close: onClose,
        }}
        onKeyDown={onKeyDown}
      />
    </div>
  );
}
