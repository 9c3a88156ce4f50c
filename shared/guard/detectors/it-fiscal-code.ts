/**
 * it-fiscal-code: Italian fiscal codes of persons (codice fiscale).
 *
 * Matches the 16-character code (three letters of the surname, three of the name, year,
 * month letter, day, place code, control letter), where digits of year, day and place may
 * be replaced by the letters L-V on collisions, the day is 1-31 (or 41-71 for women), and
 * the last letter is the control character computed from the first fifteen with the
 * official odd/even position tables. Upper case only.
 *
 * Source: the structure and control tables as documented and implemented by python-stdnum
 * (https://github.com/arthurdejong/python-stdnum, stdnum/it/codicefiscale.py).
 *
 * Known limits: codes written in lower case are not found; fiscal codes of companies
 * (eleven digits) are not covered.
 */
import { CAPITALS } from "../capitals";
import { fixedDetector } from "../context";
import { mask } from "../redact";
import { regexFinder } from "../regex-finder";

const ODD_VALUES = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
const OMOCODE_DIGITS = "LMNPQRSTUV";

function value(char: string): number {
  const code = char.charCodeAt(0);
  return code <= 57 ? code - 48 : code - 65;
}

function digitValue(char: string): number {
  const omocode = OMOCODE_DIGITS.indexOf(char);
  return omocode >= 0 ? omocode : char.charCodeAt(0) - 48;
}

function fiscalCodeValid(code: string): boolean {
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const v = value(code[i] as string);
    sum += i % 2 === 0 ? (ODD_VALUES[v] as number) : v;
  }
  if (String.fromCharCode(65 + (sum % 26)) !== code[15]) return false;
  const day = digitValue(code[9] as string) * 10 + digitValue(code[10] as string);
  return (day >= 1 && day <= 31) || (day >= 41 && day <= 71);
}

export const itFiscalCode = fixedDetector(
  "it-fiscal-code",
  "Italian fiscal code (codice fiscale)",
  "national-id",
  regexFinder({
    detector: "it-fiscal-code",
    pattern:
      /(?<![A-Za-z0-9])[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z](?![A-Za-z0-9])/g,
    maxLength: 16,
    starts: CAPITALS,
    accept: (match, _text, start) => (fiscalCodeValid(match[0]) ? start + 16 : -1),
    preview: (matched) => mask(matched, 0, 0),
  }),
);
