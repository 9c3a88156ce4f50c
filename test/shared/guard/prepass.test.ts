import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { plainFinder } from "../../../shared/guard/regex-finder";
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
  const plain = finder ? plainFinder(finder) : undefined;
  // Credentials (needles) and IBAN, NINO and codice fiscale (a start filter) have a plain
  // variant too, held equal in reference.test.ts.
  const other = detector.category === "credential" || ["iban", "uk-nino", "it-fiscal-code"].includes(detector.id);
  return finder && plain && !other ? [{ id: detector.id, finder, plain }] : [];
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

/** Finds in stretches that end at the given cuts (any order, any position), as the scanner would. */
function findCut(finder: Finder, text: string, cuts: readonly number[]): Found[] {
  const ends = [...new Set(cuts.map((cut) => cut % (text.length + 1)))].sort((a, b) => a - b);
  ends.push(text.length);
  const out: Found[] = [];
  const memo = new Map<symbol, unknown>();
  let from = 0;
  for (const end of ends) {
    if (end <= from) continue;
    from = Math.max(end, finder.find(text, from, end, out, memo));
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
/**
 * A cluster far longer than any detector's maxLength: random digits, each after no
 * separator or one space, hyphen or dot, with a real value (or a near miss, or a keyword)
 * at its head and at its tail, so stretches end before, in and after the values, in the
 * middle of the cluster and on its separators.
 */
const longCluster = fc
  .tuple(
    fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    fc.nat(),
    fc.nat(),
    fc.array(fc.tuple(fc.constantFrom("", "", "", " ", "-", "."), fc.integer({ min: 0, max: 9 })), {
      minLength: 40,
      maxLength: 200,
    }),
    fc.constantFrom("", " ", "-", "."),
  )
  .map(([seed, head, tail, body, joint]) => {
    const all = samples(seed);
    const digits = body.map(([separator, digit]) => `${separator}${digit}`).join("");
    return `${all[head % all.length]}${joint}${digits}${joint}${all[tail % all.length]}`;
  });

/** An SSN, a Corsican NIR and a card at the head of long clusters, a DNI at the tail of one. */
function valuesAtLongClusters(seed: number): string {
  const rng = rngFor(seed);
  const card = printedCard(cardNumber(rng));
  return `${ssn(rng)} ${"12 ".repeat(30)}${dni(rng)} and ${printedNir(corsicanNir(rng))} ${"4.".repeat(30)}7, card ${card} ${"12345 ".repeat(10)}1`;
}

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

  it.each(numberFinders.map((entry) => [entry.id, entry]))(
    "%s finds what its expression finds around clusters far longer than a candidate, cut anywhere",
    (_id, entry) => {
      fc.assert(
        fc.property(
          fc.array(fc.oneof(longCluster, piece), { minLength: 1, maxLength: 6 }),
          fc.array(fc.nat(), { maxLength: 12 }),
          (pieces, cuts) => {
            const text = pieces.join("");
            expect(findCut(entry.finder, text, cuts)).toEqual(findAll(entry.plain, text, text.length + 1));
          },
        ),
        { numRuns: 300 },
      );
    },
  );

  it.each(numberFinders.map((entry) => [entry.id, entry]))(
    "%s finds the same with one cut at every position of texts with long clusters",
    (_id, entry) => {
      const texts = fc.sample(fc.array(longCluster, { minLength: 1, maxLength: 3 }), { numRuns: 12, seed: 13 });
      // Values the detectors find at a long cluster's head or tail, so the cuts run through hits.
      texts.push(
        [valuesAtLongClusters(29)],
        [`BSN ${bsn(rngFor(7))} ${"9-".repeat(40)}1 ${printedNir(nir(rngFor(7)))}`],
        // A Corsican NIR (searched before its cluster) and then clusters searched at their start.
        [`${corsicanNir(rngFor(11))} and 185057800608436, ${printedNir(corsicanNir(rngFor(12)))} ${nir(rngFor(12))}`],
      );
      for (const parts of texts) {
        const text = parts.join("x");
        const expected = findAll(entry.plain, text, text.length + 1);
        for (let cut = 0; cut <= text.length; cut++) {
          expect(findCut(entry.finder, text, [cut]), `cut at ${cut} of ${JSON.stringify(text)}`).toEqual(expected);
        }
      }
    },
  );

  it("finds values at the head and tail of long clusters (the equality above is not empty)", () => {
    const text = valuesAtLongClusters(29);
    const found = numberFinders.flatMap((entry) => findCut(entry.finder, text, [5, 40]).map((hit) => hit.detector));
    expect(found.sort()).toEqual(["es-dni", "fr-nir", "payment-card", "us-ssn"]);
  });
});
