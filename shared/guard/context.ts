import type { DetectorCategory, DetectorId } from "./ids";
import type { Detector, Finder } from "./types";

/**
 * Whether a text mentions one of some keywords anywhere, remembered for the text last asked
 * about (a scan asks once per candidate). Used by identifiers whose digits alone are too
 * common to warn on: they count only in a text that says what they are.
 */
export function mentions(keywords: RegExp): (text: string) => boolean {
  if (keywords.global || keywords.sticky) throw new Error("keyword patterns must not be global");
  let lastText: string | null = null;
  let last = false;
  return (text) => {
    if (text !== lastText) {
      lastText = text;
      last = keywords.test(text);
    }
    return last;
  };
}

/** A detector with one stateless finder, the same for every scan and every policy. */
export function fixedDetector(id: DetectorId, name: string, category: DetectorCategory, finder: Finder): Detector {
  if (finder.detector !== id) throw new Error(`${id}: its finder reports as ${finder.detector}`);
  return { id, name, category, prepare: () => [() => finder] };
}
