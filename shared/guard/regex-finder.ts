import { LIMITS } from "../limits";
import { countExamined } from "./examined";
import type { DetectorId } from "./ids";
import type { Finder, Found, ScanMemo } from "./types";

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
  /** A start filter that finds every place where a candidate can start (instead of needles). */
  starts?: StartFilter;
}

/** A literal that every match of a detector's expression holds `at` characters after its start. */
interface Needle {
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
  const { detector, pattern, maxLength, preview } = options;
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
  const { needles, starts } = options;
  if (starts === undefined && (needles === undefined || needles.length === 0)) return plain;
  const finder: Finder = {
    ...plain,
    find: starts ? startSearch(options, starts) : needleSearch(options, needles ?? []),
  };
  registerPlain(finder, plain);
  return finder;
}

/**
 * Decides at each place `nextAt` gives, with the expression anchored (sticky): `nextAt`
 * returns the first place at or after a window position where a candidate can start
 * (window.length when there is none). Where no candidate starts anywhere else, this meets
 * the same candidates in the same order as the expression's own search: the leftmost such
 * place at or after where the search stands is the leftmost place a match can start, and
 * the expression decides there exactly as its search would.
 */
function anchoredSearch(
  options: RegexFinderOptions,
  sticky: RegExp,
  text: string,
  { base, window }: { base: number; window: string },
  from: number,
  to: number,
  out: Found[],
  nextAt: (position: number) => number,
): number {
  const end = to - base;
  let resume = to;
  for (let candidate = nextAt(from - base); candidate < end; ) {
    sticky.lastIndex = candidate;
    const match = sticky.exec(window);
    let position = candidate + 1;
    if (match !== null) {
      position = decideCandidate(options, match, text, base + candidate, out) - base;
      resume = Math.max(resume, base + position);
    }
    candidate = nextAt(position);
  }
  return resume;
}

function stickyOf(pattern: RegExp): RegExp {
  return new RegExp(pattern.source, `${pattern.flags.replace("g", "")}y`);
}

/** The search of a finder with needles: every match starts `at` before one of them. */
function needleSearch(options: RegexFinderOptions, needles: readonly Needle[]): Finder["find"] {
  const sticky = stickyOf(options.pattern);
  // Where each needle's next candidate starts, relative to the window; one array per finder,
  // as a scan runs one step at a time.
  const next = new Array<number>(needles.length).fill(0);
  return (text, from, to, out, memo) => {
    const around = windowOf(text, from, to, options.maxLength);
    const { base, window } = around;
    // indexOf reads the window at most once per needle.
    countExamined(memo, (base + window.length - from) * needles.length);
    const none = window.length;
    const seek = (needle: Needle, position: number): number => {
      const found = window.indexOf(needle.text, position + needle.at);
      return found < 0 ? none : found - needle.at;
    };
    for (let k = 0; k < needles.length; k++) next[k] = seek(needles[k] as Needle, from - base);
    return anchoredSearch(options, sticky, text, around, from, to, out, (position) => {
      let candidate = none;
      for (let k = 0; k < needles.length; k++) {
        if ((next[k] as number) < position) next[k] = seek(needles[k] as Needle, position);
        candidate = Math.min(candidate, next[k] as number);
      }
      return candidate;
    });
  };
}

/**
 * A cheap expression that matches wherever a candidate of some detectors can start (and no
 * candidate starts inside one of its matches but at its first character); a scan searches
 * it once for all of them, keeping the places in its memo, and they run their own
 * expression only there.
 */
export interface StartFilter {
  readonly key: symbol;
  /** Global; its matches and lookarounds read at most `reach` characters from where they start. */
  readonly pattern: RegExp;
  readonly reach: number;
}

interface Starts {
  places: number[];
  readTo: number;
}

/** The places of `filter` that start before `to`, searched where the scan has not searched yet. */
function startsUpTo(filter: StartFilter, text: string, to: number, memo: ScanMemo): number[] {
  let entry = memo.get(filter.key) as Starts | undefined;
  if (!entry) {
    entry = { places: [], readTo: 0 };
    memo.set(filter.key, entry);
  }
  if (entry.readTo >= to) return entry.places;
  const { base, window } = windowOf(text, entry.readTo, to, filter.reach);
  countExamined(memo, Math.min(text.length, to + filter.reach) - entry.readTo);
  const { pattern } = filter;
  pattern.lastIndex = entry.readTo - base;
  for (let match = pattern.exec(window); match !== null; match = pattern.exec(window)) {
    const place = base + match.index;
    if (place >= to) break;
    entry.places.push(place);
    if (match[0].length === 0) pattern.lastIndex++;
  }
  entry.readTo = to;
  return entry.places;
}

/** The search of a finder whose candidates start only where a shared start filter matches. */
function startSearch(options: RegexFinderOptions, filter: StartFilter): Finder["find"] {
  const sticky = stickyOf(options.pattern);
  return (text, from, to, out, memo) => {
    const places = startsUpTo(filter, text, to, memo);
    const around = windowOf(text, from, to, options.maxLength);
    const { base, window } = around;
    let index = firstAtOrAfter(places, from);
    return anchoredSearch(options, sticky, text, around, from, to, out, (position) => {
      while (index < places.length && (places[index] as number) < base + position) index++;
      if (index >= places.length) return window.length;
      countExamined(memo, 1);
      return (places[index] as number) - base;
    });
  };
}

/** The index of the first of the sorted `places` at or after `position` (binary search). */
function firstAtOrAfter(places: readonly number[], position: number): number {
  let low = 0;
  let high = places.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((places[mid] as number) < position) low = mid + 1;
    else high = mid;
  }
  return low;
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
