import { useEffect, useRef } from "preact/hooks";
import { t } from "../lib/i18n";
import type { Choice } from "./checker";
import { GUARD_HEADING_ID, GUARD_MESSAGE_ID, GuardCard } from "./GuardCard";
import type { GuardView } from "./view";

/**
 * The guard's warning as a native modal dialog: the browser keeps focus inside it and makes
 * the page beneath inert while the paste waits for the person. Only the person's own gestures
 * count (`isTrusted`); Escape, which only the person can press here, takes the paste back.
 */
export function GuardDialog({ view, onChoose }: { view: GuardView; onChoose: (choice: Choice) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (dialog.current && !dialog.current.open) dialog.current.showModal();
  }, []);
  const onCancel = (event: Event) => {
    event.preventDefault();
    if (event.isTrusted) onChoose(view.action === "warn" ? "removed" : "closed");
  };
  return (
    <dialog
      ref={dialog}
      class="guard-dialog"
      aria-labelledby={GUARD_HEADING_ID}
      aria-describedby={GUARD_MESSAGE_ID}
      onCancel={onCancel}
    >
      <GuardCard view={view} t={t} actions={{ accept: (event) => event.isTrusted, choose: onChoose }} />
    </dialog>
  );
}
