/**
 * nl-bsn: the Dutch citizen service number (burgerservicenummer, BSN).
 *
 * Matches nine digits, together or as 1234.56.789, that pass the "elfproef": the digits
 * weighted 9, 8, ..., 2 and the last one weighted -1 sum to a multiple of 11. Counts only in
 * a text that mentions BSN, burgerservicenummer or sofinummer: one in eleven random
 * nine-digit numbers passes the check.
 *
 * Source: the check as documented and implemented by python-stdnum
 * (https://github.com/arthurdejong/python-stdnum, stdnum/nl/bsn.py).
 *
 * Known limits: a number in a text that never names it is not found; numbers written with
 * their leading zero dropped are not found.
 */

import { fixedDetector, mentions } from "../context";
import { afterWordCharacter, numberFinder } from "../digit-runs";
import { mask } from "../redact";

const namesIt = mentions(/\bBSN\b|burgerservicenummer|sofi-?nummer/i);

function elfproef(digits: string): boolean {
  if (digits.length !== 9 || digits === "000000000") return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * (digits.charCodeAt(i) - 48);
  sum -= digits.charCodeAt(8) - 48;
  return sum % 11 === 0;
}

export const nlBsn = fixedDetector(
  "nl-bsn",
  "Dutch citizen service number (BSN)",
  "national-id",
  numberFinder({
    detector: "nl-bsn",
    // Nine digits, together or as 1234.56.789.
    anchor: "start",
    minDigits: 9,
    around: (cluster, text) => cluster.longestRun >= 4 && !afterWordCharacter(text, cluster.start),
    pattern: /(\d(?<!(?:[\w.-]|\d[ ,])\d)\d{3})(\.?)(\d{2})\2(\d{3})(?![\w-]|[.,]\d)/g,
    maxLength: 11,
    accept(match, text, start) {
      const digits = match[0].replace(/\./g, "");
      return elfproef(digits) && namesIt(text) ? start + match[0].length : -1;
    },
    preview: (matched) => mask(matched, 0, 2),
  }),
);
