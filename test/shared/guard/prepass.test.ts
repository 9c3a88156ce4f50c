import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { withoutPrepass } from "../../../shared/guard/digit-runs";
import { DETECTORS } from "../../../shared/guard/registry";
import type { Finder, Found } from "../../../shared/guard/types";
import {
  bsn,
  cardNumber,
  corsicanNir,
  dni,
  germanTaxId,
  nie,
  nir,
  printedCard,
  printedNir,
  rngFor,
  ssn,
} from "../../support/guard-samples";

/*
 * The number detectors run their expressions only around long digit clusters
 * (shared/guard/digit-runs.ts). That must never change what they find: on random text full
 * of digits, separators, near misses and real values, cut into random stretches, each finds
 * exactly what its expression finds over the whole text.
 */
const numberFinders = DETECTORS.flatMap((detector) => {
  const finder = detector.prepare({ detectors: [detector.id], emailListMin: 10, markings: [], patterns: [] })[0]?.();
  const plain = finder ? withoutPrepass(finder) : undefined;
  return finder && plain ? [{ id: detector.id, finder, plain }] : [];
});

function findAll(finder: Finder, text: string, stretch: number): Found[] {
  const out: Found[] = [];
  const memo = new Map<symbol, unknown>();
  for (let from = 0; from < text.length; ) {
    const to = Math.min(text.length, from + stretch);
    from = Math.max(to, finder.find(text, from, to, out, memo));
  }
  return out;
}

const samples = (seed: number) => {
  const rng = rngFor(seed);
  return [
    cardNumber(rng),
    printedCard(cardNumber(rng)),
    printedCard(cardNumber(rng), "-"),
    ssn(rng),
    germanTaxId(rng),
    bsn(rng),
    nir(rng),
    printedNir(nir(rng)),
    corsicanNir(rng),
    printedNir(corsicanNir(rng)),
    germanTaxId(rng).replace(/^(\d\d)(\d{3})(\d{3})(\d{3})$/, "$1 $2 $3 $4"),
    dni(rng),
    nie(rng),
    `${nie(rng).slice(0, 1)}-${nie(rng).slice(1)}`,
    "2A",
    "2B ",
    "SSN ",
    "BSN ",
    "Steuer-ID ",
  ];
};
const piece = fc.oneof(
  fc.string({
    unit: fc.constantFrom("0", "1", "2", "4", "5", "7", "9", " ", "-", ".", ",", "A", "Z", "\n"),
    maxLength: 30,
  }),
  fc.tuple(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.nat()).map(([seed, i]) => {
    const all = samples(seed);
    return all[i % all.length] as string;
  }),
);

describe("digit-cluster pre-pass", () => {
  it("covers every number detector", () => {
    expect(numberFinders.map((entry) => entry.id).sort()).toEqual(
      ["de-tax-id", "es-dni", "fr-nir", "nl-bsn", "payment-card", "us-ssn"].sort(),
    );
  });

  it.each(numberFinders.map((entry) => [entry.id, entry]))("%s finds what its expression finds", (_id, entry) => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), fc.integer({ min: 1, max: 64 }), (pieces, stretch) => {
        const text = pieces.join("");
        expect(findAll(entry.finder, text, stretch)).toEqual(findAll(entry.plain, text, text.length + 1));
      }),
      { numRuns: 400 },
    );
  });
});
