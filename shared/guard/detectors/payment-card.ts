/**
 * payment-card: payment card numbers (PANs) of the major card networks.
 *
 * Matches 13 to 19 digits, written together or in the groups printed on cards (4-4-4-4,
 * 4-4-4-4-1..3, 4-6-5, 4-6-4) with one kind of separator (space or hyphen), that start with
 * an issuer range of a card network, have a length that network issues, and pass the Luhn
 * check. A number inside a longer run of digits or digit groups is not a card number.
 *
 * Sources: ISO/IEC 7812-1 (structure, Luhn check in its Annex B); issuer ranges and lengths
 * as tabulated in "Payment card number", https://en.wikipedia.org/wiki/Payment_card_number
 * (read 2026-11).
 *
 * Known limits: 13-digit Visa numbers (no longer issued) are left out, because EAN-13
 * barcodes beginning with 4 would pass as them; published test numbers such as
 * 4242 4242 4242 4242 are found like real ones.
 */
import { digitsOf, luhnValid } from "../checksum";
import { fixedDetector } from "../context";
import { afterWordCharacter, numberFinder } from "../digit-runs";
import { mask } from "../redact";

/** [lowest prefix, highest prefix, shortest length, longest length] per issuer range. */
const ISSUER_RANGES: readonly (readonly [string, string, number, number])[] = [
  ["4", "4", 16, 16], // Visa
  ["4", "4", 19, 19], // Visa
  ["51", "55", 16, 16], // Mastercard
  ["2221", "2720", 16, 16], // Mastercard
  ["34", "34", 15, 15], // American Express
  ["37", "37", 15, 15], // American Express
  ["6011", "6011", 16, 19], // Discover
  ["644", "649", 16, 19], // Discover
  ["65", "65", 16, 19], // Discover
  ["622126", "622925", 16, 19], // Discover / UnionPay co-branded
  ["62", "62", 16, 19], // UnionPay
  ["3528", "3589", 16, 19], // JCB
  ["36", "36", 14, 19], // Diners Club International
  ["300", "305", 14, 19], // Diners Club
  ["3095", "3095", 16, 19], // Diners Club
  ["38", "39", 16, 19], // Diners Club
  ["2200", "2204", 16, 19], // Mir
  ["5018", "5018", 13, 19], // Maestro
  ["5020", "5020", 13, 19], // Maestro
  ["5038", "5038", 13, 19], // Maestro
  ["5893", "5893", 13, 19], // Maestro
  ["6304", "6304", 13, 19], // Maestro
  ["6759", "6759", 13, 19], // Maestro
  ["6761", "6763", 13, 19], // Maestro
];

/** The first digits of issuer ranges, as character codes (2 to 6). */
const ISSUER_FIRST_DIGITS = new Set(
  ISSUER_RANGES.flatMap(([low, high]) => {
    const codes: number[] = [];
    for (let code = low.charCodeAt(0); code <= high.charCodeAt(0); code++) codes.push(code);
    return codes;
  }),
);

function issuedRange(digits: string): boolean {
  return ISSUER_RANGES.some(([low, high, shortest, longest]) => {
    if (digits.length < shortest || digits.length > longest) return false;
    const prefix = digits.slice(0, low.length);
    return prefix >= low && prefix <= high;
  });
}

// Together (13-19 digits) or grouped with one separator; not inside longer digit runs or
// runs of 4-digit groups (tables of years, codes). A comma before it is a field separator
// (CSV: "7731,4242424242424242"): a thousands group has three digits, never 13 or more.
const PATTERN =
  /(?<![\w.-]|\d[ -]|\d{4}[ -])(?:\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{4}(?:\1\d{1,3})?|\d{4}([ -])\d{6}\2\d{4,5})(?![\w]|[.,]\d|[ -]\d{4}(?!\d))/g;

export const paymentCard = fixedDetector(
  "payment-card",
  "Payment card number",
  "financial",
  numberFinder({
    detector: "payment-card",
    // 13 to 19 digits, together or in groups of at least four.
    anchor: "start",
    minDigits: 13,
    // A cluster that starts with a digit no issuer range starts with holds no card.
    around: (cluster, text) =>
      cluster.longestRun >= 4 &&
      !afterWordCharacter(text, cluster.start) &&
      ISSUER_FIRST_DIGITS.has(text.charCodeAt(cluster.start)),
    pattern: PATTERN,
    maxLength: 23,
    accept(match, _text, start) {
      const digits = digitsOf(match[0]);
      return issuedRange(digits) && luhnValid(digits) ? start + match[0].length : -1;
    },
    preview: (matched) => mask(matched, 0, 4),
  }),
);
