import type { Transfer } from "../../extension/guard/transfer";

/**
 * A paste for the guard's unit tests: what became of it (`done`), and, when `delivered` is
 * given, its text appended there on delivery, to see the order pastes were handed on in.
 */
export function pasted(text: string, files: File[] = [], delivered?: string[]) {
  const done = { delivered: 0, discarded: 0 };
  const value: Transfer = {
    kind: "paste",
    text,
    files,
    deliver: () => {
      done.delivered++;
      delivered?.push(text);
    },
    discard: () => void done.discarded++,
  };
  return { value, done };
}
