/**
 * The guard's shortcuts never change what it finds. Detectors of tokens look for literal
 * needles with indexOf and run their expression only there; IBAN, UK NINO and codice
 * fiscale run theirs only where one shared search found two capitals at a word start;
 * detectors of numbers run theirs only around long digit clusters (shared/guard/
 * regex-finder.ts, capitals.ts, digit-runs.ts). Each such
 * finder keeps its straightforward variant: its expression tried at every position. Here
 * the whole guard, scanning in its own stretches, must give exactly the hits and counts of
 * that reference, which reads each text whole in one step, on ordinary business text (the
 * written and generated corpora and the benchmark's pastes), on every detector's positives
 * and near misses, and on all of them run together. A faster path that finds less fails.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DETECTOR_IDS } from "../../../shared/guard/ids";
import { plainFinder } from "../../../shared/guard/regex-finder";
import { type Guard, prepareGuard, scan } from "../../../shared/guard/scan";
import type { Finder } from "../../../shared/guard/types";
import { businessPaste } from "../../support/business-text";
import { rngFor } from "../../support/guard-samples";
import { pasteOf } from "../../support/guard-timing";
import { CASE_MARKINGS, CASE_PATTERNS, CASES, unmark } from "./cases";

const guard = prepareGuard({
  detectors: DETECTOR_IDS,
  emailListMin: 10,
  markings: CASE_MARKINGS,
  patterns: CASE_PATTERNS,
});

/** Every finder replaced by its straightforward variant (where it has one), reading the text whole. */
const reference: Guard = {
  ...guard,
  makers: guard.makers.map((make) => (): Finder => {
    const finder = make();
    return { ...(plainFinder(finder) ?? finder), chunkChars: Number.POSITIVE_INFINITY };
  }),
};

/** The detectors whose finders take a shortcut: the ones this test is about. */
const shortcut = new Set(
  guard.makers.flatMap((make) => {
    const finder = make();
    return plainFinder(finder) ? [finder.detector] : [];
  }),
);

function writtenCorpus(): string[] {
  const text = readFileSync(fileURLToPath(new URL("../../corpus/guard/business.txt", import.meta.url)), "utf8");
  return text.split(/^=====$/m).slice(1);
}

const cases = Object.values(CASES);
const positives = cases.flatMap((entry) => entry.positives.map((marked) => unmark(marked).text));
const nearMisses = cases.flatMap((entry) => entry.nearMisses);
const rng = rngFor(4242);
const corpora: Record<string, string[]> = {
  written: writtenCorpus(),
  generated: Array.from({ length: 300 }, () => businessPaste(rng)),
  "benchmark pastes": [pasteOf(1_000_000, 2000), pasteOf(10_000, 1000)],
  positives,
  "near misses": nearMisses,
  // Values and near misses side by side, each after a piece of ordinary text.
  together: [
    positives
      .concat(nearMisses)
      .map((value) => `${businessPaste(rng).slice(0, 200)}\n${value}`)
      .join(" "),
  ],
};

describe("the guard's shortcuts against its expressions tried everywhere", () => {
  it("covers the detectors with needles or a start filter and the number detectors", () => {
    expect([...shortcut].sort()).toEqual(
      [
        "anthropic-api-key",
        "azure-storage-key",
        "de-tax-id",
        "es-dni",
        "fr-nir",
        "github-token",
        "gitlab-token",
        "google-api-key",
        "huggingface-token",
        "iban",
        "it-fiscal-code",
        "jwt",
        "nl-bsn",
        "openai-api-key",
        "payment-card",
        "private-key",
        "slack-token",
        "stripe-key",
        "uk-nino",
        "us-ssn",
      ].sort(),
    );
  });

  const found = new Set<string>();
  it.each(Object.keys(corpora))(
    "finds exactly what the reference finds on %s",
    (name) => {
      const texts = corpora[name] as string[];
      expect(texts.length).toBeGreaterThan(0);
      for (const text of texts) {
        const expected = scan(text, reference);
        const actual = scan(text, guard);
        expect(actual.hits, text.length > 300 ? `${name}, ${text.length} characters` : text).toEqual(expected.hits);
        expect(actual.counts).toEqual(expected.counts);
        for (const hit of expected.hits) found.add(hit.detector);
      }
    },
    60_000,
  );

  it("compares hits of every detector with a shortcut (the equality above is not empty)", () => {
    expect([...shortcut].filter((detector) => !found.has(detector))).toEqual([]);
  });
});
