import { countExamined } from "./examined";
import type { DetectorId } from "./ids";
import { decideCandidate, type RegexFinderOptions, regexFinder, registerPlain } from "./regex-finder";
import type { Finder, Found, ScanMemo } from "./types";

/*
 * One shared pre-pass for the detectors of numbers (cards, national ids). Their regular
 * expressions are costly on ordinary text: they test every digit of every date, amount and
 * id for a lookbehind. Yet each of their candidates holds digits of one long *digit
 * cluster*: at least MIN_CLUSTER_DIGITS digits with at most one space, hyphen or dot between
 * two of them ("4242 4242 4242 4242", "123-45-6789", "1234.56.789"). So the text is read
 * once, in one loop over its characters, for clusters (with their digits and their longest
 * run of digits without a separator), and each number detector runs its expression only
 * where a candidate can sit in a cluster that `around` accepts (a card needs 13 digits, a DNI
 * seven in a row, so dates never qualify for it).
 *
 * Why this finds exactly what the full scan finds, and why no step reads far, however long
 * a cluster is:
 *
 * 1. Where candidates sit. A candidate is at most `maxLength` long, and each detector names
 *    where it sits in the cluster that holds its digits, its `anchor`. "start": at the
 *    cluster's first digit, as the expression refuses to start right after a digit or after
 *    a digit and a separator (cards, SSN, tax id, BSN). "head": at its first digit for the
 *    same reason, or at most maxLength before it (a NIR with a Corsican department: its
 *    cluster is the digits after "2A"; the NIR names its anchor per cluster, "head" after
 *    "2A" or "2B" and "start" elsewhere, as nothing else joins two clusters in one of its
 *    candidates). "end": it holds the cluster's last digit and the
 *    letter after it (no letter follows a digit inside a cluster), so it starts less than
 *    maxLength before the cluster's end (DNI, NIE). So only a cluster's head or its tail is
 *    searched: one anchored attempt, or at most maxLength + 1 positions, per cluster. A
 *    cluster far longer than maxLength holds no candidate in its middle.
 * 2. Reading in pieces. The loop keeps the state of the cluster it is in (start, digits,
 *    current and longest run), so reading [a, b) and then [b, c) finds the same clusters as
 *    reading [a, c). A search for candidates starting in [from, to) reads only up to
 *    to + maxLength + 1. Every digit of a candidate starting before `to` lies before
 *    to + maxLength, so it has been read: `around` sees the cluster's digits so far, and it is
 *    true for any beginning of a cluster that holds all of a candidate's digits (its counts
 *    only grow as more is read). Only "end" needs a cluster's end; a cluster still open where
 *    reading stopped ends at to + maxLength or later, so its candidates start at `to` or
 *    later, outside the search.
 * 3. Same order. Searching each range of possible starts from its start, after where the
 *    previous candidate ended, meets the same candidates in the same order as searching the
 *    whole stretch (lookarounds and the accept checks still see the whole text). A range
 *    still pending when a cluster anchored at its start comes is searched first: it holds
 *    places before that cluster's first digit.
 *
 * The pass itself skips most of the text between clusters unread (see clustersUpTo), and
 * each detector names the fewest digits its clusters have (`minDigits`), so dates and
 * amounts cost it nothing.
 *
 * So a call reads at most its stretch plus maxLength + 1 characters for clusters, and tries
 * at most maxLength + 1 positions per cluster (one search where the ranges of neighbouring
 * clusters overlap), counted with countExamined. A property test holds the result
 * equal to the detectors' expressions over the whole text, with long clusters and stretches
 * cut at every kind of position.
 */

/** The fewest digits any number detector needs in one cluster (a Spanish NIE: seven). */
const MIN_CLUSTER_DIGITS = 7;
/**
 * The fewest digits all number detectors but DNI/NIE and Corsican NIR need (SSN, BSN: nine).
 * Most clusters of ordinary text are shorter (dates, amounts), so those detectors read a
 * list of the longer ones only.
 */
const LONG_CLUSTER_DIGITS = 9;

/**
 * What a detector can tell from a cluster alone. For a cluster still being read, `end` is
 * where its last digit read so far ends and the counts cover what was read (only anchors
 * "start" and "head" are asked about such a cluster).
 */
interface Cluster {
  start: number;
  end: number;
  digits: number;
  longestRun: number;
}

/** The clusters of one scan's text, read so far. */
interface Clusters {
  /** Complete clusters in text order. */
  found: ClusterList;
  /** The same for the clusters of at least LONG_CLUSTER_DIGITS digits only. */
  long: ClusterList;
  /** The text is read up to here. */
  readTo: number;
  /**
   * The group of digits being read at readTo (it may still grow into a cluster), as a
   * Cluster: start -1 when there is none. Its `end` is where its last digit read ends.
   */
  open: Cluster;
  /** Digits in a row at readTo in the open group. */
  run: number;
}

/** Where a scan keeps its clusters (ScanMemo), shared by its number detectors. */
const CLUSTERS = Symbol("digit clusters");
const FIELDS = 4;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isSeparator(code: number): boolean {
  return code === 32 || code === 45 || code === 46;
}

/**
 * Clusters as [start, end, digits, longestRun] in a typed array that doubles when full:
 * ordinary text has thousands of clusters per megabyte, and appending four numbers to a
 * plain array at a time cost the pre-pass a sixth of its time.
 */
class ClusterList {
  data = new Int32Array(64 * FIELDS);
  length = 0;

  add(start: number, end: number, digits: number, longestRun: number): void {
    if (this.length + FIELDS > this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    const { data } = this;
    data[this.length] = start;
    data[this.length + 1] = end;
    data[this.length + 2] = digits;
    data[this.length + 3] = longestRun;
    this.length += FIELDS;
  }
}

function keep(entry: Clusters, start: number, end: number, digits: number, longestRun: number): void {
  entry.found.add(start, end, digits, longestRun);
  if (digits >= LONG_CLUSTER_DIGITS) entry.long.add(start, end, digits, longestRun);
}

/** Reads the clusters of `text` up to `to`, carrying a cluster that crosses `to` on to the next call. */
function clustersUpTo(text: string, to: number, memo: ScanMemo): Clusters {
  let entry = memo.get(CLUSTERS) as Clusters | undefined;
  if (!entry) {
    entry = {
      found: new ClusterList(),
      long: new ClusterList(),
      readTo: 0,
      open: { start: -1, end: 0, digits: 0, longestRun: 0 },
      run: 0,
    };
    memo.set(CLUSTERS, entry);
  }
  const stop = Math.min(text.length, to);
  if (entry.readTo >= stop) return entry;
  countExamined(memo, stop - entry.readTo);
  const { open } = entry;
  // The open group in locals while the loop runs (no object per group of digits).
  let { start, end, digits, longestRun } = open;
  let run = entry.run;
  let i = entry.readTo;
  while (i < stop) {
    if (start < 0) {
      // Between groups, most of the text is skipped unread: a cluster has at least
      // MIN_CLUSTER_DIGITS digits in a row of characters, so one that starts within the next
      // MIN_CLUSTER_DIGITS characters covers the last of them, with a digit or with a
      // separator right after a digit. Anything else there also ends every group before it.
      const probe = i + MIN_CLUSTER_DIGITS - 1;
      if (probe < stop) {
        const code = text.charCodeAt(probe);
        if (!isDigit(code) && !(isSeparator(code) && isDigit(text.charCodeAt(probe - 1)))) {
          i = probe + 1;
          continue;
        }
      }
      // A digit lies at most MIN_CLUSTER_DIGITS characters ahead, or reading stops before it.
      while (!isDigit(text.charCodeAt(i))) if (++i >= stop) break;
      if (i >= stop) break;
      start = i;
      digits = 0;
      longestRun = 0;
      run = 0;
    }
    const runStart = i;
    while (i < stop && isDigit(text.charCodeAt(i))) i++;
    if (i > runStart) {
      digits += i - runStart;
      run += i - runStart;
      end = i;
      if (run > longestRun) longestRun = run;
    }
    if (i >= stop) break;
    // One separator right after a digit keeps the cluster open; anything else closes it.
    if (isSeparator(text.charCodeAt(i)) && end === i) run = 0;
    else {
      if (digits >= MIN_CLUSTER_DIGITS) keep(entry, start, end, digits, longestRun);
      start = -1;
    }
    i++;
  }
  if (stop === text.length && start >= 0) {
    if (digits >= MIN_CLUSTER_DIGITS) keep(entry, start, end, digits, longestRun);
    start = -1;
  }
  open.start = start;
  open.end = end;
  open.digits = digits;
  open.longestRun = longestRun;
  entry.run = run;
  entry.readTo = stop;
  return entry;
}

/** The position in `list` of the first cluster that ends after `position` (binary search). */
function firstEndingAfter(list: ClusterList, position: number): number {
  const found = list.data;
  let low = 0;
  let high = list.length / FIELDS;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((found[mid * FIELDS + 1] as number) <= position) low = mid + 1;
    else high = mid;
  }
  return low * FIELDS;
}

/**
 * Where a detector's candidates sit in the cluster that holds their digits (see the note
 * at the top): at its first digit, at most maxLength before it, or ending with its last
 * digit.
 */
type Anchor = "start" | "head" | "end";

export interface NumberFinderOptions extends RegexFinderOptions {
  detector: DetectorId;
  /**
   * Where candidates sit, or, for a detector whose candidates sit differently in different
   * clusters, a function that tells it per cluster (and never "end" for a cluster still
   * being read).
   */
  anchor: Anchor | ((cluster: Cluster, text: string) => Anchor);
  /**
   * The fewest digits of a cluster (or of the beginning of one) that holds all of a
   * candidate's digits. Clusters with fewer are passed over without asking `around`: most
   * clusters of ordinary text are dates and amounts of seven or eight digits.
   */
  minDigits: number;
  /**
   * Whether a cluster may hold digits of a candidate of the pattern: true for every
   * beginning of a cluster that holds all of a candidate's digits, false for as many other
   * clusters as possible. With anchor "start" it may also be false where the check refuses
   * every candidate starting at the cluster's first digit: a refused candidate moves the
   * search only to its own end, inside the cluster, where no other candidate starts.
   */
  around(cluster: Cluster, text: string): boolean;
}

/**
 * Whether a letter or "_" comes right before `position`: the expressions of the number
 * detectors anchored at a cluster's start refuse to start there (their lookbehind refuses a
 * word character), so the digits of a hash or of an id such as "INV2026000123" hold none
 * of their candidates.
 */
export function afterWordCharacter(text: string, position: number): boolean {
  const code = text.charCodeAt(position - 1);
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

/**
 * A regexFinder that runs only where a candidate can start near the digit clusters `around`
 * accepts; it finds exactly what `regexFinder(options)` finds (see the note at the top).
 */
export function numberFinder(options: NumberFinderOptions): Finder {
  const { around, anchor, maxLength, minDigits } = options;
  const inner = regexFinder(options);
  // At a cluster's first digit, one anchored attempt decides: no search, no copy of the text.
  const sticky = new RegExp(options.pattern.source, `${options.pattern.flags.replace("g", "")}y`);
  const finder: Finder = {
    ...inner,
    find(text: string, from: number, to: number, out: Found[], memo: ScanMemo): number {
      // Every digit of a candidate starting before `to` lies before to + maxLength.
      const clusters = clustersUpTo(text, to + maxLength + 1, memo);
      const { open } = clusters;
      const list = minDigits >= LONG_CLUSTER_DIGITS ? clusters.long : clusters.found;
      const found = list.data;
      let resume = to;
      let next = from;
      // Where candidates may start: merged ranges, each searched once.
      let rangeStart = -1;
      let rangeEnd = -1;
      const search = () => {
        const start = Math.max(next, rangeStart);
        const stop = Math.min(to, rangeEnd);
        if (stop - start > maxLength + 1) {
          // Ranges merged over many clusters: one search through them.
          const end = inner.find(text, start, stop, out, memo);
          resume = Math.max(resume, end);
          next = Math.max(next, end);
        } else {
          // One cluster's head or tail: an attempt at each position, none past it.
          for (let position = start; position < stop; position++) if (position >= next) attempt(position);
        }
      };
      let attempts = 0;
      const attempt = (start: number) => {
        attempts++;
        sticky.lastIndex = start;
        const match = sticky.exec(text);
        if (match === null) return;
        const end = decideCandidate(options, match, text, start, out);
        resume = Math.max(resume, end);
        next = Math.max(next, end);
      };
      /** Tries the cluster's possible starts; false once clusters start too late for this stretch. */
      const visit = (cluster: Cluster): boolean => {
        if (cluster.start - maxLength >= to) return false;
        if (!around(cluster, text)) return true;
        const sits = typeof anchor === "string" ? anchor : anchor(cluster, text);
        if (sits === "start") {
          // Ranges of earlier clusters hold places before this one: searched first, in order.
          if (rangeEnd >= 0) search();
          rangeStart = -1;
          rangeEnd = -1;
          if (cluster.start >= next && cluster.start < to) attempt(cluster.start);
          return true;
        }
        const low = sits === "end" ? cluster.end - maxLength : cluster.start - maxLength;
        const high = sits === "end" ? cluster.end : cluster.start + 1;
        if (rangeEnd >= 0 && low <= rangeEnd) rangeEnd = Math.max(rangeEnd, high);
        else {
          if (rangeEnd >= 0) search();
          rangeStart = low;
          rangeEnd = high;
        }
        return true;
      };
      const cluster: Cluster = { start: 0, end: 0, digits: 0, longestRun: 0 };
      let more = true;
      for (let i = firstEndingAfter(list, from); more && i < list.length; i += FIELDS) {
        if ((found[i + 2] as number) < minDigits) {
          more = (found[i] as number) - maxLength < to;
          continue;
        }
        cluster.start = found[i] as number;
        cluster.end = found[i + 1] as number;
        cluster.digits = found[i + 2] as number;
        cluster.longestRun = found[i + 3] as number;
        more = visit(cluster);
      }
      // A cluster still being read cannot hold the tail of a candidate starting before `to`.
      if (more && open.start >= 0 && anchor !== "end" && open.digits >= minDigits) visit(open);
      if (rangeEnd >= 0) search();
      countExamined(memo, attempts);
      return resume;
    },
  };
  registerPlain(finder, inner);
  return finder;
}
