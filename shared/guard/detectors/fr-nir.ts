/**
 * fr-nir: the French social security number (numéro d'inscription au répertoire, NIR,
 * "numéro de sécurité sociale").
 *
 * Matches 15 characters, together or in the printed groups 1-2-2-2-3-3-2: sex (1, 2, or 3,
 * 4, 7, 8 for special registrations), year, month (01-12, or 20, 30-42, 50-99 for unknown
 * or special months), department (two digits, or 2A/2B for Corsica), commune, order number,
 * and a two-digit key equal to 97 minus the first thirteen digits modulo 97 (2A counts as
 * 19, 2B as 18).
 *
 * Source: the structure and key rule as documented by python-stdnum
 * (https://github.com/arthurdejong/python-stdnum, stdnum/fr/nir.py), which cites INSEE's
 * definition https://www.insee.fr/en/metadonnees/definition/c1409 .
 *
 * Known limits: none known beyond the key's one-in-97 chance for a random number of the
 * same shape.
 */

import { fixedDetector } from "../context";
import { numberFinder } from "../digit-runs";
import { mask } from "../redact";

function nirKeyValid(compact: string): boolean {
  if (compact.length !== 15) return false;
  let body = compact.slice(0, 13);
  const department = body.slice(5, 7);
  if (department === "2A") body = `${body.slice(0, 5)}19${body.slice(7)}`;
  else if (department === "2B") body = `${body.slice(0, 5)}18${body.slice(7)}`;
  if (!/^\d{13}$/.test(body)) return false;
  return 97 - (Number(body) % 97) === Number(compact.slice(13));
}

/** Whether a digit cluster follows a Corsican department code ("2A123…", "2B 123…"). */
function afterCorsica(text: string, start: number): boolean {
  const before = text.charCodeAt(start - 1) === 32 ? start - 2 : start - 1;
  const letter = text.charCodeAt(before);
  return (letter === 65 || letter === 66) && text.charCodeAt(before - 1) === 50;
}

export const frNir = fixedDetector(
  "fr-nir",
  "French social security number (NIR)",
  "national-id",
  numberFinder({
    detector: "fr-nir",
    // 15 digits from the cluster's first, or the eight after a Corsican department (2A, 2B):
    // that candidate starts before its cluster, at most maxLength before. Only "2A" or "2B"
    // joins two clusters in one candidate, so elsewhere it starts at the cluster's first digit.
    anchor: (cluster, text) => (afterCorsica(text, cluster.start) ? "head" : "start"),
    minDigits: 8,
    around: (cluster, text) => cluster.digits >= 15 || afterCorsica(text, cluster.start),
    pattern:
      /(?<![\w-]|\d[ .,])[1-478]( ?)\d{2}\1(?:0[1-9]|1[0-2]|20|3\d|4[0-2]|[5-9]\d)\1(?:\d{2}|2[AB])\1\d{3}\1\d{3}\1\d{2}(?![\w-]|[.,]\d)/g,
    maxLength: 21,
    accept: (match, _text, start) => (nirKeyValid(match[0].replace(/ /g, "")) ? start + match[0].length : -1),
    preview: (matched) => mask(matched, 1, 0),
  }),
);
