/*
 * What a person brings into an AI tool's page, and how the guard hands it on after holding
 * it. A paste or drop the guard holds is stopped in the capture phase at the window, before
 * the tool's own handlers (whatever its DOM looks like); when it may go on, the same data is
 * delivered to the same element as a paste or drop event the tool handles like the original
 * (its editor reads the event's data), and where nothing handles it, as the browser would:
 * the text inserted at the person's selection. A file choice is handed on by firing the
 * input's `input` and `change` again, or taken back by clearing the input.
 */

export type TransferKind = "paste" | "drop" | "files";

export interface Transfer {
  kind: TransferKind;
  /** Plain text brought in (a paste's or drop's text/plain, else its HTML as text). */
  text: string;
  files: File[];
  /** Puts focus and selection back where they were, then delivers it as the person intended. */
  deliver(): void;
  /** Takes it back: nothing reaches the page (a chosen file is cleared from its input). */
  discard(): void;
}

type TextControl = HTMLTextAreaElement | HTMLInputElement;

function isTextControl(element: unknown): element is TextControl {
  return (
    element instanceof HTMLTextAreaElement ||
    (element instanceof HTMLInputElement && /^(?:text|search|url|tel|email|password|)$/.test(element.type))
  );
}

/** The focused element and its selection, to restore before a held transfer is handed on. */
function rememberSelection(target: EventTarget | null): () => void {
  const element = target instanceof HTMLElement ? target : null;
  if (isTextControl(element)) {
    const start = element.selectionStart;
    const end = element.selectionEnd;
    return () => {
      element.focus({ preventScroll: true });
      if (start !== null && end !== null) element.setSelectionRange(start, end);
    };
  }
  const selection = document.getSelection();
  const range = selection && selection.rangeCount > 0 ? selection.getRangeAt(0).cloneRange() : null;
  return () => {
    element?.focus({ preventScroll: true });
    if (!range) return;
    const current = document.getSelection();
    current?.removeAllRanges();
    current?.addRange(range);
  };
}

/** Inserts text at the focused element's selection as typing would (undoable, with input events). */
function insertText(target: EventTarget | null, text: string): void {
  if (document.execCommand("insertText", false, text)) return;
  if (isTextControl(target)) {
    target.setRangeText(
      text,
      target.selectionStart ?? target.value.length,
      target.selectionEnd ?? target.value.length,
      "end",
    );
    target.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertText", data: text }));
  }
}

function dataOf(text: string, html: string, files: File[]): DataTransfer {
  const data = new DataTransfer();
  if (text) data.setData("text/plain", text);
  if (html) data.setData("text/html", html);
  for (const file of files) data.items.add(file);
  return data;
}

/** Plain text of pasted or dropped data: its text/plain, else the text of its HTML. */
function plainText(data: DataTransfer): { text: string; html: string } {
  const text = data.getData("text/plain");
  const html = data.getData("text/html");
  if (text || !html) return { text, html };
  return { text: new DOMParser().parseFromString(html, "text/html").body.textContent ?? "", html };
}

export function pasteTransfer(event: ClipboardEvent): Transfer | null {
  const data = event.clipboardData;
  if (!data) return null;
  const { text, html } = plainText(data);
  const files = [...data.files];
  const target = event.target;
  const restore = rememberSelection(target);
  return {
    kind: "paste",
    text,
    files,
    deliver() {
      restore();
      const replay = new ClipboardEvent("paste", {
        clipboardData: dataOf(text, html, files),
        bubbles: true,
        cancelable: true,
        composed: true,
      });
      // The tool's editor handles the paste itself (and says so), else the browser's way.
      if (target?.dispatchEvent(replay) !== false && text) insertText(target, text);
    },
    discard: restore,
  };
}

export function dropTransfer(event: DragEvent): Transfer | null {
  const data = event.dataTransfer;
  if (!data) return null;
  const { text, html } = plainText(data);
  const files = [...data.files];
  const target = event.target;
  const { clientX, clientY } = event;
  const restore = rememberSelection(target);
  return {
    kind: "drop",
    text,
    files,
    deliver() {
      const replay = new DragEvent("drop", {
        dataTransfer: dataOf(text, html, files),
        clientX,
        clientY,
        bubbles: true,
        cancelable: true,
        composed: true,
      });
      if (target?.dispatchEvent(replay) === false || !text) return;
      // Nothing handled it: the text goes where the person dropped it, if that is editable.
      const element = target instanceof HTMLElement ? target : null;
      if (!element || !(isTextControl(element) || element.isContentEditable)) return;
      element.focus({ preventScroll: true });
      const caret = document.caretRangeFromPoint?.(clientX, clientY);
      if (caret && element.isContentEditable) {
        const selection = document.getSelection();
        selection?.removeAllRanges();
        selection?.addRange(caret);
      }
      insertText(element, text);
    },
    discard: restore,
  };
}

export function fileInputTransfer(input: HTMLInputElement): Transfer {
  return {
    kind: "files",
    text: "",
    files: [...(input.files ?? [])],
    deliver() {
      input.dispatchEvent(new Event("input", { bubbles: true, composed: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    },
    discard() {
      input.value = "";
    },
  };
}
