import type { DetectorId } from "./ids";
import { decideCandidate, type RegexFinderOptions, regexFinder } from "./regex-finder";
import type { Finder, Found, ScanMemo } from "./types";

/*
 * One shared pre-pass for the detectors of numbers (cards, national ids). Their regular
 * expressions are costly on ordinary text: they test every digit of every date, amount and
 * id for a lookbehind. Yet each of their matches, and each candidate their expressions
 * consider, holds a long *digit cluster*: digits with at most one space, hyphen or dot
 * between two of them ("4242 4242 4242 4242", "123-45-6789", "1234.56.789"). So the text is
 * read once, in one loop over its characters, for clusters of at least MIN_CLUSTER_DIGITS
 * digits (with their longest run of digits without a separator), and each number detector
 * runs its expression only around the clusters that can hold one of its candidates
 * (`around`: a card needs 13 digits, a DNI seven in a row, so dates never qualify for it).
 *
 * Why this finds exactly what the full scan finds: every candidate of a detector contains
 * digits of one cluster that `around` accepts and is at most `maxLength` long, so it starts
 * in [cluster start - maxLength, cluster end), or where its `anchor` says (at the cluster's
 * first digit, or within maxLength before its end). No candidate starts outside those
 * ranges, so searching each range from its start, after where the previous candidate ended,
 * meets the same candidates in the same order as searching the whole stretch (lookarounds
 * and the accept checks still see the whole text). A property test holds the two equal.
 */

/** The fewest digits any number detector needs in one cluster (a Spanish NIE: seven). */
const MIN_CLUSTER_DIGITS = 7;

/** What a detector can tell from a cluster alone: its digits and its longest run without a separator. */
interface Cluster {
  start: number;
  end: number;
  digits: number;
  longestRun: number;
}

/** Clusters found so far in one scan's text, as [start, end, digits, longestRun] in text order. */
interface Clusters {
  found: number[];
  /** The text is read for clusters up to here; no cluster is open there. */
  readTo: number;
}

/** Where a scan keeps its clusters (ScanMemo), shared by its number detectors. */
const CLUSTERS = Symbol("digit clusters");
const FIELDS = 4;

/** A cluster: at least MIN_CLUSTER_DIGITS digits, one space, hyphen or dot at most between two. */
const CLUSTER = new RegExp(`\\d(?:[ .-]?\\d){${MIN_CLUSTER_DIGITS - 1},}`, "g");

/** Reads clusters of `text` until at least `to` (a cluster crossing `to` is read whole). */
function clustersUpTo(text: string, to: number, memo: ScanMemo): Clusters {
  let entry = memo.get(CLUSTERS) as Clusters | undefined;
  if (!entry) {
    entry = { found: [], readTo: 0 };
    memo.set(CLUSTERS, entry);
  }
  if (entry.readTo >= to) return entry;
  // The expression is greedy, so each match is a whole cluster; one that starts before `to`
  // was read whole by the call that reached it, so reading on from readTo never cuts one.
  CLUSTER.lastIndex = entry.readTo;
  let readTo = to;
  for (let match = CLUSTER.exec(text); match !== null; match = CLUSTER.exec(text)) {
    if (match.index >= to) break;
    const run = match[0];
    let digits = 0;
    let current = 0;
    let longestRun = 0;
    for (let i = 0; i < run.length; i++) {
      const code = run.charCodeAt(i);
      if (code >= 48 && code <= 57) {
        digits++;
        if (++current > longestRun) longestRun = current;
      } else current = 0;
    }
    const end = match.index + run.length;
    entry.found.push(match.index, end, digits, longestRun);
    readTo = Math.max(readTo, end);
  }
  entry.readTo = readTo;
  return entry;
}

/** The position in `found` of the first cluster that ends after `position` (binary search). */
function firstEndingAfter(found: number[], position: number): number {
  let low = 0;
  let high = found.length / FIELDS;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((found[mid * FIELDS + 1] as number) <= position) low = mid + 1;
    else high = mid;
  }
  return low * FIELDS;
}

/**
 * Where a detector's candidates sit in the cluster that holds their digits: at its first
 * digit (the pattern refuses a digit or a digit and a separator before it), ending at its
 * last digit, or anywhere that holds some of its digits.
 */
type Anchor = "start" | "end" | "any";

export interface NumberFinderOptions extends RegexFinderOptions {
  detector: DetectorId;
  anchor: Anchor;
  /**
   * Whether a cluster may hold digits of a candidate of the pattern: true for every cluster
   * that does, false for as many others as possible.
   */
  around(cluster: Cluster, text: string): boolean;
}

/**
 * A regexFinder that runs only where a candidate can start near the digit clusters `around`
 * accepts; it finds exactly what `regexFinder(options)` finds (see the note at the top).
 */
export function numberFinder(options: NumberFinderOptions): Finder {
  const { around, anchor, maxLength } = options;
  const inner = regexFinder(options);
  // At a cluster's first digit, one anchored attempt decides: no search, no copy of the text.
  const sticky = new RegExp(options.pattern.source, `${options.pattern.flags.replace("g", "")}y`);
  const finder: Finder = {
    ...inner,
    find(text: string, from: number, to: number, out: Found[], memo: ScanMemo): number {
      // Candidates starting before `to` may read up to maxLength past it.
      const { found } = clustersUpTo(text, Math.min(text.length, to + maxLength), memo);
      let resume = to;
      let next = from;
      // Where candidates may start: merged ranges, each searched once.
      let rangeStart = -1;
      let rangeEnd = -1;
      const search = () => {
        const start = Math.max(next, rangeStart);
        const stop = Math.min(to, rangeEnd);
        if (start < stop) {
          const end = inner.find(text, start, stop, out, memo);
          resume = Math.max(resume, end);
          next = Math.max(next, end);
        }
      };
      const attempt = (start: number) => {
        sticky.lastIndex = start;
        const match = sticky.exec(text);
        if (match === null) return;
        const end = decideCandidate(options, match, text, start, out);
        resume = Math.max(resume, end);
        next = Math.max(next, end);
      };
      const cluster: Cluster = { start: 0, end: 0, digits: 0, longestRun: 0 };
      for (let i = firstEndingAfter(found, from); i < found.length; i += FIELDS) {
        cluster.start = found[i] as number;
        if (cluster.start - maxLength >= to) break;
        cluster.end = found[i + 1] as number;
        cluster.digits = found[i + 2] as number;
        cluster.longestRun = found[i + 3] as number;
        if (!around(cluster, text)) continue;
        if (anchor === "start") {
          if (cluster.start >= next && cluster.start < to) attempt(cluster.start);
          continue;
        }
        const low = anchor === "end" ? cluster.end - maxLength : cluster.start - maxLength;
        if (rangeEnd >= 0 && low <= rangeEnd) rangeEnd = Math.max(rangeEnd, cluster.end);
        else {
          if (rangeEnd >= 0) search();
          rangeStart = low;
          rangeEnd = cluster.end;
        }
      }
      if (rangeEnd >= 0) search();
      return resume;
    },
  };
  WITHOUT_PREPASS.set(finder, inner);
  return finder;
}

const WITHOUT_PREPASS = new WeakMap<Finder, Finder>();

/** The same detector's finder without the pre-pass, for the test that holds the two equal. */
export function withoutPrepass(finder: Finder): Finder | undefined {
  return WITHOUT_PREPASS.get(finder);
}
