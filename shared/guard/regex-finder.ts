import { LIMITS } from "../limits";
import { countExamined } from "./examined";
import type { DetectorId } from "./ids";
import type { Finder, Found } from "./types";

/** Characters of context a detector's lookbehind and lookahead may need around a stretch. */
const CONTEXT = 64;

export interface RegexFinderOptions {
  detector: DetectorId;
  /**
   * A global regular expression whose matches are at most `maxLength` long (bounded
   * quantifiers only; a conventions test checks every detector's pattern).
   */
  pattern: RegExp;
  maxLength: number;
  /**
   * Decides on a candidate: returns where the accepted match ends (usually the candidate's
   * end), or -1 to reject it. Gets the whole text, for checks that look around.
   */
  accept?: (match: RegExpExecArray, text: string, start: number) => number;
  preview: (matched: string) => string;
  /** Which configured item a match stands for (a marking, a pattern). */
  label?: (match: RegExpExecArray) => string | undefined;
}

/**
 * Decides on one candidate of a detector's expression at `start`: records the hit when the
 * check accepts it. Returns where the search goes on: the accepted match's end, or the
 * candidate's end when refused.
 */
export function decideCandidate(
  options: RegexFinderOptions,
  match: RegExpExecArray,
  text: string,
  start: number,
  out: Found[],
): number {
  const candidateEnd = start + match[0].length;
  const end = options.accept ? options.accept(match, text, start) : candidateEnd;
  if (end <= start) return candidateEnd;
  const hit: Found = { detector: options.detector, start, end };
  const named = options.label?.(match);
  if (named !== undefined) hit.label = named;
  out.push(hit);
  return end;
}

/**
 * A finder driven by one regular expression plus a check (checksum, issuer range, context).
 * Each call runs the expression over the stretch plus enough text around it for its
 * lookarounds and for a match that starts near the end, so results do not depend on where
 * the scanner cut the text.
 */
export function regexFinder(options: RegexFinderOptions): Finder {
  const { detector, pattern, maxLength, preview } = options;
  if (!pattern.global) throw new Error(`${detector}: the pattern must be global`);
  return {
    detector,
    maxLength,
    chunkChars: LIMITS.guardChunkChars,
    preview,
    find(text, from, to, out, memo) {
      const base = Math.max(0, from - CONTEXT);
      const stop = Math.min(text.length, to + maxLength + CONTEXT);
      // A search that finds nothing tries every position up to the window's end.
      countExamined(memo, stop - from);
      const window = base === 0 && stop === text.length ? text : text.slice(base, stop);
      pattern.lastIndex = from - base;
      let resume = to;
      for (let match = pattern.exec(window); match !== null; match = pattern.exec(window)) {
        const start = base + match.index;
        if (start >= to) break;
        const end = decideCandidate(options, match, text, start, out);
        if (end !== start + match[0].length) pattern.lastIndex = end - base;
        resume = Math.max(resume, end);
        if (match[0].length === 0) pattern.lastIndex++;
      }
      return resume;
    },
  };
}
