import type { StartFilter } from "./regex-finder";

/**
 * Where an IBAN, a UK National Insurance number or an Italian fiscal code can start: two
 * capital letters at the start of a word, then a digit (after at most one space) or four
 * more capitals. Their own expressions begin the same way after the same lookbehind, so
 * one search for these places serves all three; on ordinary text it matches rarely.
 */
export const CAPITALS: StartFilter = {
  key: Symbol("two capitals at a word start"),
  pattern: /(?<![A-Za-z0-9])[A-Z]{2}(?= ?\d|[A-Z]{4})/g,
  reach: 6,
};
