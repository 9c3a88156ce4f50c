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
  /**
   * Literal texts that every match holds at a fixed place: each candidate starts `at`
   * characters before an occurrence of one of them. The finder then looks for these with
   * indexOf and runs the expression only where one occurs. An expression that begins with a
   * lookbehind is otherwise tried at every position of the text; indexOf skips through it
   * several times faster. Pick a needle whose first character is rare in ordinary text
   * ("BEGIN " rather than "-----BEGIN "): indexOf looks for that character first.
   */
  needles?: readonly Needle[];
}

/** A literal that every match of a detector's expression holds `at` characters after its start. */
export interface Needle {
  text: string;
  at: number;
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

/** The text a search for candidates starting in [from, to) reads, with what its lookarounds need. */
function windowOf(text: string, from: number, to: number, maxLength: number): { base: number; window: string } {
  const base = Math.max(0, from - CONTEXT);
  const stop = Math.min(text.length, to + maxLength + CONTEXT);
  return { base, window: base === 0 && stop === text.length ? text : text.slice(base, stop) };
}

/**
 * A finder driven by one regular expression plus a check (checksum, issuer range, context).
 * Each call runs the expression over the stretch plus enough text around it for its
 * lookarounds and for a match that starts near the end, so results do not depend on where
 * the scanner cut the text. With `needles`, the expression runs only where one occurs.
 */
export function regexFinder(options: RegexFinderOptions): Finder {
  const { detector, pattern, maxLength, preview, needles } = options;
  if (!pattern.global) throw new Error(`${detector}: the pattern must be global`);
  const plain: Finder = {
    detector,
    maxLength,
    chunkChars: LIMITS.guardChunkChars,
    preview,
    find(text, from, to, out, memo) {
      const { base, window } = windowOf(text, from, to, maxLength);
      // A search that finds nothing tries every position up to the window's end.
      countExamined(memo, base + window.length - from);
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
  if (needles === undefined || needles.length === 0) return plain;
  const finder: Finder = { ...plain, find: needleSearch(options, needles) };
  registerPlain(finder, plain);
  return finder;
}

/**
 * The search of a finder with needles. It meets the same candidates in the same order as
 * the expression's own search: every match starts `at` before a needle, so the leftmost
 * needle at or after where the search stands is the leftmost place a match can start, and
 * the expression decides there, anchored (sticky), exactly as its search would.
 */
function needleSearch(options: RegexFinderOptions, needles: readonly Needle[]): Finder["find"] {
  const { pattern, maxLength } = options;
  const sticky = new RegExp(pattern.source, `${pattern.flags.replace("g", "")}y`);
  // Where each needle's next candidate starts, relative to the window; one array per finder,
  // as a scan runs one step at a time.
  const next = new Array<number>(needles.length).fill(0);
  return (text, from, to, out, memo) => {
    const { base, window } = windowOf(text, from, to, maxLength);
    // indexOf reads the window at most once per needle.
    countExamined(memo, (base + window.length - from) * needles.length);
    const none = window.length;
    const seek = (needle: Needle, position: number): number => {
      const found = window.indexOf(needle.text, position + needle.at);
      return found < 0 ? none : found - needle.at;
    };
    let position = from - base;
    for (let k = 0; k < needles.length; k++) next[k] = seek(needles[k] as Needle, position);
    const end = to - base;
    let resume = to;
    for (;;) {
      let candidate = none;
      for (const start of next) if (start < candidate) candidate = start;
      if (candidate >= end) break;
      sticky.lastIndex = candidate;
      const match = sticky.exec(window);
      position = match === null ? candidate + 1 : decideCandidate(options, match, text, base + candidate, out) - base;
      if (match !== null) resume = Math.max(resume, base + position);
      for (let k = 0; k < needles.length; k++) {
        if ((next[k] as number) < position) next[k] = seek(needles[k] as Needle, position);
      }
    }
    return resume;
  };
}

const PLAIN = new WeakMap<Finder, Finder>();

/** Records `plain` as the straightforward search that `finder` must equal. */
export function registerPlain(finder: Finder, plain: Finder): void {
  PLAIN.set(finder, plain);
}

/**
 * The same detector's finder without its shortcuts (needles, the digit-cluster pre-pass):
 * its expression tried at every position. For the tests that hold the two equal.
 */
export function plainFinder(finder: Finder): Finder | undefined {
  return PLAIN.get(finder);
}
