/**
 * classification-marking: the organization's own classification markings, from the policy
 * (for example "CONFIDENTIAL", "Streng vertraulich", "INTERNAL ONLY").
 *
 * Matches each configured marking as a whole word or phrase: not inside a longer word, any
 * run of whitespace where the marking has a space, and letter case as the policy says for
 * that marking (exact by default).
 *
 * Source: the organization's policy (guard.markings); markings follow its own
 * classification scheme (for instance ISO/IEC 27001 Annex A 5.12/5.13, classification and
 * labelling of information).
 *
 * Known limits: a marking written with different punctuation or hyphenation is not found;
 * a case-insensitive marking that is also an ordinary word ("confidential") will be found
 * in ordinary sentences.
 */

import { shorten } from "../redact";
import { regexFinder } from "../regex-finder";
import type { Detector } from "../types";

function escapeLiteral(char: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(char) ? `\\${char}` : char;
}

/** The regular-expression source of one marking. */
function markingSource(text: string, caseSensitive: boolean): string {
  let out = "";
  for (const part of text.trim().split(/\s+/)) {
    if (out !== "") out += "\\s{1,10}";
    for (const char of part) {
      const lower = char.toLowerCase();
      const upper = char.toUpperCase();
      const single = [...lower].length === 1 && [...upper].length === 1;
      out += !caseSensitive && single && lower !== upper ? `[${lower}${upper}]` : escapeLiteral(char);
    }
  }
  return out;
}

export const classificationMarking: Detector = {
  id: "classification-marking",
  name: "Classification marking",
  category: "marking",
  prepare(settings) {
    if (settings.markings.length === 0) return [];
    // Longest first, so "STRICTLY CONFIDENTIAL" wins over "CONFIDENTIAL" at the same place.
    const markings = [...settings.markings].sort((a, b) => b.text.length - a.text.length);
    const alternatives = markings.map((marking) => `(${markingSource(marking.text, marking.caseSensitive)})`);
    const finder = regexFinder({
      detector: "classification-marking",
      pattern: new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alternatives.join("|")})(?![\\p{L}\\p{N}_])`, "gu"),
      maxLength: Math.max(...markings.map((marking) => marking.text.length * 10)),
      preview: shorten,
      // The one capturing group that took part names the marking.
      label: (match) => markings[match.findIndex((group, i) => i > 0 && group !== undefined) - 1]?.text,
    });
    return [() => finder];
  },
};
