/**
 * de-tax-id: the German tax identification number (steuerliche Identifikationsnummer,
 * Steuer-ID, IdNr).
 *
 * Matches 11 digits, together or in the 2-3-3-3 groups printed on tax letters, whose first
 * digit is not 0, in whose first ten digits exactly one digit appears two or three times and
 * every other digit at most once, and whose last digit is the ISO 7064 MOD 11,10 check
 * digit. Counts only in a text that mentions the number by name (Steuer-ID, IdNr,
 * Identifikationsnummer, TIN, tax id): eleven digits are too common otherwise.
 *
 * Sources: the digit rule and check as documented and implemented by python-stdnum
 * (https://github.com/arthurdejong/python-stdnum, stdnum/de/idnr.py); the MOD 11,10
 * procedure as printed in Bundesgesetzblatt 1993 I p. 736, Anlage 3 (the same check for the
 * German VAT number).
 *
 * Known limits: a number in a text that never names it is not found.
 */
import { mod11_10CheckDigit } from "../checksum";
import { fixedDetector, mentions } from "../context";
import { afterWordCharacter, numberFinder } from "../digit-runs";
import { mask } from "../redact";

const namesIt = mentions(/steuer[- ]?id|steuer-?idnr|identifikationsnummer|\bidnr\b|\bTIN\b|tax[- ]id/i);

function taxIdValid(digits: string): boolean {
  if (digits.length !== 11 || digits[0] === "0") return false;
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < 10; i++) counts[digits.charCodeAt(i) - 48] = (counts[digits.charCodeAt(i) - 48] ?? 0) + 1;
  const repeated = counts.filter((count) => count > 1);
  if (repeated.length !== 1 || (repeated[0] !== 2 && repeated[0] !== 3)) return false;
  return mod11_10CheckDigit(digits.slice(0, 10)) === digits.charCodeAt(10) - 48;
}

export const deTaxId = fixedDetector(
  "de-tax-id",
  "German tax id (Steuer-ID)",
  "national-id",
  numberFinder({
    detector: "de-tax-id",
    // Eleven digits, together or in groups of two and three.
    anchor: "start",
    minDigits: 11,
    around: (cluster, text) => cluster.longestRun >= 3 && !afterWordCharacter(text, cluster.start),
    pattern: /(?<![\w-]|\d[ .,])([1-9]\d)( ?)(\d{3})\2(\d{3})\2(\d{3})(?![\w-]|[.,]\d| \d)/g,
    maxLength: 14,
    accept(match, text, start) {
      const digits = match[0].replace(/ /g, "");
      return taxIdValid(digits) && namesIt(text) ? start + match[0].length : -1;
    },
    preview: (matched) => mask(matched, 0, 2),
  }),
);
