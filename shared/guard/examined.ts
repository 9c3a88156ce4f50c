import type { ScanMemo } from "./types";

/*
 * How much one scan has read, counted by its finders in characters examined: what a step
 * costs, whatever the machine's load. The scan keeps the largest count of one step
 * (ScanResult.longestStepChars), which bounds how long it keeps the page busy at once.
 */
const EXAMINED = Symbol("characters examined");

/** Adds `chars` characters to what the scan owning `memo` has examined. */
export function countExamined(memo: ScanMemo, chars: number): void {
  if (chars > 0) memo.set(EXAMINED, examinedIn(memo) + chars);
}

/** Characters examined so far in the scan owning `memo`. */
export function examinedIn(memo: ScanMemo): number {
  return (memo.get(EXAMINED) as number | undefined) ?? 0;
}
