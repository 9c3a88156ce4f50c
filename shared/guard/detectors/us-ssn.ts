/**
 * us-ssn: United States Social Security numbers.
 *
 * Matches AAA-GG-SSSS (three, two and four digits) with hyphens. Written with spaces or as
 * nine digits together it counts only in a text that mentions "SSN" or "social security".
 * Numbers never issued are refused: area 000, 666 or 900-999, group 00, serial 0000, and
 * numbers known from advertising (078-05-1120, 219-09-9999, 457-55-5462). There is no check
 * digit.
 *
 * Sources: the Social Security Administration's rules since its 2011 randomization (areas
 * 000, 666 and 900-999 stay unassigned; group 00 and serial 0000 are never used) and the
 * advertised numbers, as documented and implemented by python-stdnum
 * (https://github.com/arthurdejong/python-stdnum, stdnum/us/ssn.py).
 *
 * Known limits: any unissued number in an issued area passes (randomized issuance since
 * 2011 makes that impossible to tell from outside).
 */

import { fixedDetector, mentions } from "../context";
import { afterWordCharacter, numberFinder } from "../digit-runs";
import { mask } from "../redact";

const ADVERTISED = new Set(["078051120", "219099999", "457555462"]);
const saysSsn = mentions(/\bSSNs?\b|social[ -]security/i);

function ssnIssuable(area: string, group: string, serial: string): boolean {
  if (area === "000" || area === "666" || area[0] === "9") return false;
  if (group === "00" || serial === "0000") return false;
  return !ADVERTISED.has(area + group + serial);
}

export const usSsn = fixedDetector(
  "us-ssn",
  "US Social Security number",
  "national-id",
  numberFinder({
    detector: "us-ssn",
    // Nine digits in groups of three, two and four, or together.
    anchor: "start",
    minDigits: 9,
    around: (cluster, text) => cluster.longestRun >= 4 && !afterWordCharacter(text, cluster.start),
    pattern: /(\d(?<!(?:[\w-]|\d[ .,])\d)\d{2})([- ]?)(\d{2})\2(\d{4})(?![\w-]|[.,]\d)/g,
    maxLength: 11,
    accept(match, text, start) {
      const [whole, area, separator, group, serial] = match as unknown as string[];
      if (!ssnIssuable(area as string, group as string, serial as string)) return -1;
      const end = start + (whole as string).length;
      if (separator !== "-") {
        // Without hyphens, only in a text about SSNs, and not as part of a row of numbers.
        if (/^ \d/.test(text.slice(end, end + 2)) || !saysSsn(text)) return -1;
      }
      return end;
    },
    preview: (matched) => mask(matched, 0, 4),
  }),
);
