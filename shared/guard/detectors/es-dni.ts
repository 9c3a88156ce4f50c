/**
 * es-dni: Spanish national identity numbers (DNI) and foreigner numbers (NIE).
 *
 * Matches eight digits and a control letter (DNI), or X, Y or Z, seven digits and a control
 * letter (NIE, where X, Y, Z count as 0, 1, 2), with an optional hyphen before the letter.
 * The letter must be the one at position (number mod 23) in "TRWAGMYFPDXBNJZSQVHLCKE".
 *
 * Source: the control-letter rule as documented and implemented by python-stdnum
 * (https://github.com/arthurdejong/python-stdnum, stdnum/es/dni.py and stdnum/es/nie.py).
 *
 * Known limits: numbers written in lower case are not found.
 */

import { fixedDetector } from "../context";
import { numberFinder } from "../digit-runs";
import { mask } from "../redact";

const LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE";

function dniLetterValid(number: string, letter: string): boolean {
  return LETTERS[Number(number) % 23] === letter;
}

/** Whether an upper-case letter, or a hyphen and one, follows at `at`. */
function letterAt(text: string, at: number): boolean {
  const code = text.charCodeAt(text.charCodeAt(at) === 45 ? at + 1 : at);
  return code >= 65 && code <= 90;
}

export const esDni = fixedDetector(
  "es-dni",
  "Spanish DNI / NIE",
  "national-id",
  numberFinder({
    detector: "es-dni",
    // Eight digits in a row (DNI), or seven after X, Y or Z (NIE), then the letter.
    anchor: "end",
    minDigits: 7,
    around: (cluster, text) => cluster.longestRun >= 7 && letterAt(text, cluster.end),
    pattern: /(?<![\w-])(?:(\d{8})|([XYZ])-?(\d{7}))-?([A-HJ-NP-TV-Z])(?![\w-])/g,
    maxLength: 11,
    accept(match, _text, start) {
      const [whole, dni, niePrefix, nieDigits, letter] = match;
      const number = dni ?? `${"XYZ".indexOf(niePrefix as string)}${nieDigits}`;
      return dniLetterValid(number, letter as string) ? start + whole.length : -1;
    },
    preview: (matched) => mask(matched, 0, 1),
  }),
);
