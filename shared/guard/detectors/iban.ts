/**
 * iban: International Bank Account Numbers.
 *
 * Matches a country code with its IBAN length, two check digits and the account part,
 * written together or in the printed groups of four, whose ISO 7064 MOD 97-10 check gives 1
 * (ISO 13616-1). Letters must be upper case.
 *
 * Sources: ISO 13616-1 (structure, MOD 97-10 check); IBAN lengths per country from the SWIFT
 * IBAN Registry, release 101, as transcribed in python-stdnum's stdnum/iban.dat
 * (https://github.com/arthurdejong/python-stdnum).
 *
 * Known limits: IBANs written in lower case, or with separators other than single spaces,
 * are not found.
 */

import { CAPITALS } from "../capitals";
import { mod97 } from "../checksum";
import { fixedDetector } from "../context";
import { mask } from "../redact";
import { regexFinder } from "../regex-finder";

/** IBAN length per country (SWIFT IBAN Registry release 101). */
// biome-ignore format: a compact table is easier to check against the registry
const LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28,
  IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20,
  LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28,
  NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24,
  SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

function isUpperAlnum(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90);
}

/**
 * The end of the IBAN that starts at `start`, or -1: exactly the country's length in
 * characters, either without spaces or with one space after every group of four.
 */
function ibanEnd(text: string, start: number): number {
  const length = LENGTHS[text.slice(start, start + 2)];
  if (length === undefined) return -1;
  let compact = "";
  let pos = start;
  let spaced: boolean | null = null;
  while (compact.length < length && pos < text.length) {
    const code = text.charCodeAt(pos);
    if (code === 32) {
      const grouped = compact.length > 0 && compact.length % 4 === 0;
      if (!grouped || spaced === false || !isUpperAlnum(text.charCodeAt(pos + 1))) return -1;
      spaced = true;
    } else if (isUpperAlnum(code)) {
      if (compact.length > 0 && compact.length % 4 === 0 && spaced === true && text.charCodeAt(pos - 1) !== 32) {
        return -1;
      }
      if (compact.length === 4 && spaced === null) spaced = false;
      compact += text[pos];
    } else {
      return -1;
    }
    pos++;
  }
  if (compact.length < length) return -1;
  const after = text.charCodeAt(pos);
  if (isUpperAlnum(after) || (after >= 97 && after <= 122)) return -1;
  return mod97(compact.slice(4) + compact.slice(0, 4)) === 1 ? pos : -1;
}

export const iban = fixedDetector(
  "iban",
  "IBAN",
  "financial",
  regexFinder({
    detector: "iban",
    pattern: /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){10,30}/g,
    maxLength: 64,
    starts: CAPITALS,
    accept: (_match, text, start) => ibanEnd(text, start),
    preview: (matched) => mask(matched, 4, 2),
  }),
);
