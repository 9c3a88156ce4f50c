import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DETECTOR_IDS } from "../../../shared/guard/ids";
import { compilePattern } from "../../../shared/guard/pattern/program";
import { type Guard, prepareGuard, scan } from "../../../shared/guard/scan";
import {
  bsn,
  cardNumber,
  dni,
  germanTaxId,
  ibanNumber,
  nir,
  printedCard,
  printedIban,
  rngFor,
} from "../../support/guard-samples";
import { CASE_MARKINGS, CASE_PATTERNS, CASES, unmark } from "./cases";

const seed = fc.integer({ min: 1, max: 2 ** 31 - 1 });
const all: Guard = prepareGuard({
  detectors: DETECTOR_IDS,
  emailListMin: 10,
  markings: CASE_MARKINGS,
  patterns: CASE_PATTERNS,
});

function onlyGuard(detector: (typeof DETECTOR_IDS)[number]): Guard {
  return prepareGuard({ detectors: [detector], emailListMin: 10, markings: [], patterns: [] });
}

/** Replaces the digit at `index` with a different digit. */
function changeDigit(value: string, index: number, by: number): string {
  const positions = [...value].flatMap((char, i) => (/\d/.test(char) ? [i] : []));
  const at = positions[index % positions.length] as number;
  const digit = (Number(value[at]) + 1 + (by % 9)) % 10;
  return value.slice(0, at) + digit + value.slice(at + 1);
}

const checksummed = [
  { detector: "payment-card", make: (s: number) => cardNumber(rngFor(s)), context: "card " },
  { detector: "payment-card", make: (s: number) => printedCard(cardNumber(rngFor(s))), context: "card " },
  { detector: "iban", make: (s: number) => ibanNumber(rngFor(s)), context: "IBAN " },
  { detector: "iban", make: (s: number) => printedIban(ibanNumber(rngFor(s))), context: "IBAN " },
  { detector: "de-tax-id", make: (s: number) => germanTaxId(rngFor(s)), context: "Steuer-ID " },
  { detector: "nl-bsn", make: (s: number) => bsn(rngFor(s)), context: "BSN " },
  { detector: "fr-nir", make: (s: number) => nir(rngFor(s)), context: "NIR " },
  { detector: "es-dni", make: (s: number) => dni(rngFor(s)), context: "DNI " },
] as const;

describe("checksummed identifiers (property)", () => {
  it.each(checksummed.map((entry) => [entry.detector, entry]))("%s: every valid value is found", (_name, entry) => {
    const guard = onlyGuard(entry.detector);
    fc.assert(
      fc.property(seed, (s) => {
        const value = entry.make(s);
        const text = `${entry.context}${value}.`;
        expect(scan(text, guard).hits.map((hit) => text.slice(hit.start, hit.end))).toEqual([value]);
      }),
    );
  });

  it.each(checksummed.map((entry) => [entry.detector, entry]))(
    "%s: any single changed digit is refused",
    (_name, entry) => {
      const guard = onlyGuard(entry.detector);
      fc.assert(
        fc.property(seed, fc.nat(), fc.nat(), (s, index, by) => {
          const changed = changeDigit(entry.make(s), index, by);
          // A changed first digit may leave the issuer range or the month and make another valid shape; the
          // check digit must still refuse it.
          expect(scan(`${entry.context}${changed}.`, guard).hits).toEqual([]);
        }),
      );
    },
  );
});

/** Digits, each after no separator or one space, hyphen or dot: one cluster far longer than any match. */
const longDigitRun = fc
  .array(fc.tuple(fc.constantFrom("", "", " ", "-", "."), fc.integer({ min: 0, max: 9 })), {
    minLength: 40,
    maxLength: 200,
  })
  .map((parts) => parts.map(([separator, digit]) => `${separator}${digit}`).join(""));

describe("scanning in stretches (property)", () => {
  const positives = Object.values(CASES).flatMap((cases) => cases.positives.map((marked) => unmark(marked).text));

  it("finds the same hits whatever the stretch length", () => {
    const whole = scan.bind(null);
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...positives), { minLength: 1, maxLength: 6 }),
        fc.array(fc.oneof(fc.string({ maxLength: 40 }), longDigitRun), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 97 }),
        (sensitive, filler, chunkChars) => {
          const text = sensitive.map((part, i) => `${filler[i % filler.length]}\n${part}`).join(" ");
          const expected = whole(text, all).hits;
          const small: Guard = { ...all, makers: all.makers.map((make) => () => ({ ...make(), chunkChars })) };
          expect(scan(text, small).hits).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});

/** Random patterns of the organization-pattern syntax over a small alphabet. */
const patternArbitrary = fc.letrec((tie) => ({
  atom: fc.oneof(
    { depthSize: "small" },
    fc.constantFrom("a", "b", "c", "\\d", "\\w", "\\s", "[ab]", "[^a]", ".", "\\.", "-"),
    tie("group"),
  ),
  group: fc.tuple(tie("alt"), fc.boolean()).map(([inner, capturing]) => (capturing ? `(${inner})` : `(?:${inner})`)),
  piece: fc
    .tuple(tie("atom"), fc.constantFrom("", "", "?", "*", "+", "{2}", "{1,3}", "{0,2}", "{2,}"))
    .map(([atom, quantifier]) => `${atom}${quantifier}`),
  seq: fc.array(tie("piece"), { minLength: 1, maxLength: 4 }).map((pieces) => pieces.join("")),
  alt: fc.array(tie("seq"), { minLength: 1, maxLength: 3 }).map((options) => options.join("|")),
})).alt as fc.Arbitrary<string>;

function ourMatches(source: string, text: string, caseInsensitive: boolean): string[] | null {
  const compiled = compilePattern(source, caseInsensitive);
  if (!compiled.ok) return null;
  const out: string[] = [];
  for (let from = 0; from < text.length; ) {
    const match = compiled.program.exec(text, from, text.length);
    if (match === null) break;
    out.push(`${match[0]}:${text.slice(match[0], match[1])}`);
    from = match[1];
  }
  return out;
}

describe("organization patterns run like JavaScript regular expressions (property)", () => {
  it("finds the same matches as RegExp for every pattern it accepts", () => {
    fc.assert(
      fc.property(
        patternArbitrary,
        fc.string({ unit: fc.constantFrom("a", "b", "c", "A", "1", " ", ".", "-", "\n"), maxLength: 30 }),
        fc.boolean(),
        (source, text, caseInsensitive) => {
          const ours = ourMatches(source, text, caseInsensitive);
          fc.pre(ours !== null);
          const reference = [...text.matchAll(new RegExp(source, caseInsensitive ? "gi" : "g"))]
            .filter((match) => match[0].length > 0)
            .map((match) => `${match.index}:${match[0]}`);
          // Matches longer than the engine's cap cannot occur in 30 characters.
          expect(ours).toEqual(reference);
        },
      ),
      { numRuns: 1000 },
    );
  }, 60_000);

  it("refuses the constructs that would need backtracking, naming the position", () => {
    for (const [source, message] of [
      ["(a)\\1", "at 4: backreferences are not supported"],
      ["a(?=b)", "at 3: only (...) and (?:...) groups are supported (no lookaround)"],
      ["a(?<!b)", "at 3: only (...) and (?:...) groups are supported (no lookaround)"],
      ["^abc", "at 1: anchors (^) are not supported; use \\b for a word boundary"],
      ["a+?", "at 3: lazy and possessive quantifiers are not supported"],
      ["\\p{L}", "at 1: \\p is not a supported escape"],
      ["a{1,1000}", "at 2: repeat counts are limited to 100"],
      ["a*", "the pattern can match empty text; it must match at least one character"],
      ["[b-a]", "at 2: a range in [...] is out of order"],
      ["(a?)+", "at 5: a repeated part must match at least one character each time"],
    ] as const) {
      const compiled = compilePattern(source);
      expect(compiled.ok ? "accepted" : compiled.error, source).toBe(message);
    }
  });
});
