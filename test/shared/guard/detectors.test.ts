import { describe, expect, it } from "vitest";
import { DETECTOR_IDS, type DetectorId } from "../../../shared/guard/ids";
import { prepareGuard, scan } from "../../../shared/guard/scan";
import type { GuardSettings } from "../../../shared/guard/types";
import { CASE_MARKINGS, CASE_PATTERNS, CASES, unmark } from "./cases";

function only(detector: DetectorId): GuardSettings {
  return { detectors: [detector], emailListMin: 10, markings: CASE_MARKINGS, patterns: CASE_PATTERNS };
}

describe.each(DETECTOR_IDS)("%s", (detector) => {
  const guard = prepareGuard(only(detector));
  const cases = CASES[detector];

  it.each(cases.positives.map((marked) => [marked]))("finds exactly the marked spans in %j", (marked) => {
    const { text, spans } = unmark(marked);
    const hits = scan(text, guard).hits;
    expect(hits.map((hit) => [hit.start, hit.end])).toEqual(spans);
    for (const hit of hits) expect(hit.detector).toBe(detector);
  });

  it.each(cases.nearMisses.map((text) => [text]))("finds nothing in the near miss %j", (text) => {
    expect(scan(text, guard).hits).toEqual([]);
  });

  it("masks what it found in the preview", () => {
    for (const marked of cases.positives) {
      const { text, spans } = unmark(marked);
      const hits = scan(text, guard).hits;
      hits.forEach((hit, i) => {
        const [start, end] = spans[i] as [number, number];
        const found = text.slice(start, end);
        if (detector === "classification-marking") expect(hit.preview).toBe(found.replace(/\s+/g, " "));
        else expect(hit.preview).not.toContain(found);
      });
    }
  });
});
