/**
 * The guard's scan: runs the policy's detectors over pasted or dropped text, on the device.
 *
 * A scan is a sequence of short steps, each one detector over one stretch of the text (a
 * stretch is LIMITS.guardChunkChars long, shorter for organization patterns with large
 * programs), so the same work can run all at once (`scan`, for tests and small pastes) or
 * spread over several turns of the page's event loop (`scanInSlices`), handing the page
 * back every LIMITS.guardSliceMs. Finders report every match starting inside their stretch
 * and may read past it, so where the text is cut never changes what is found.
 *
 * Bounds: at most LIMITS.guardMaxScanChars characters are read, at most
 * LIMITS.guardTimeBudgetMs spent; what is left counts as unscanned (`complete: false`), for
 * the policy's `unscanned` action. Results stay on the device: hits carry positions and a
 * masked preview for the employee's own screen; only which detectors hit ever becomes a
 * count.
 */
import { LIMITS } from "../limits";
import { examinedIn } from "./examined";
import type { DetectorId } from "./ids";
import { DETECTORS } from "./registry";
import type { Finder, Found, GuardSettings, Hit, ScanMemo } from "./types";

export interface ScanResult {
  /** Hits in text order, at most LIMITS.guardMaxHits. */
  hits: Hit[];
  /** Matches per detector, every one counted even past the kept hits. */
  counts: Partial<Record<DetectorId, number>>;
  /** False when the text was longer than the scan may read or the time budget ran out. */
  complete: boolean;
  /** Characters read, from the start of the text. */
  scannedChars: number;
  /**
   * The most characters one step examined (the scan looks at the clock between steps): what
   * bounds how long a sliced scan keeps the page busy at once, whatever the machine's load.
   */
  longestStepChars: number;
}

/** A policy's detectors, prepared once and used for many scans. */
export interface Guard {
  readonly settings: GuardSettings;
  readonly makers: readonly (() => Finder)[];
}

export function prepareGuard(settings: GuardSettings): Guard {
  const on = new Set(settings.detectors);
  const makers = DETECTORS.filter((detector) => on.has(detector.id)).flatMap((detector) => detector.prepare(settings));
  return { settings, makers };
}

interface Lane {
  finder: Finder;
  /** Where this finder's next stretch starts. */
  next: number;
  hits: Found[];
  /** Matches found, including those past the kept hits. */
  found: number;
}

/** Hits one finder keeps while a scan runs (lists of e-mail addresses need them to count). */
const LANE_HIT_CAP = LIMITS.guardMaxHits * 10;

/** One scan in progress: `step` does one short piece of work and says whether more is left. */
class Scan {
  private readonly lanes: Lane[];
  private readonly limit: number;
  private readonly memo: ScanMemo = new Map();
  private longestStep = 0;

  constructor(
    private readonly text: string,
    guard: Guard,
  ) {
    this.limit = Math.min(text.length, LIMITS.guardMaxScanChars);
    this.lanes = guard.makers.map((make) => ({ finder: make(), next: 0, hits: [], found: 0 }));
  }

  /** Advances the finder furthest behind, so a stopped scan has read a prefix with every detector. */
  step(): boolean {
    let lane: Lane | undefined;
    for (const candidate of this.lanes) {
      if (candidate.next < this.limit && (lane === undefined || candidate.next < lane.next)) lane = candidate;
    }
    if (lane === undefined) return false;
    const to = Math.min(this.limit, lane.next + lane.finder.chunkChars);
    const found: Found[] = [];
    const before = examinedIn(this.memo);
    lane.next = Math.max(to, lane.finder.find(this.text, lane.next, to, found, this.memo));
    this.longestStep = Math.max(this.longestStep, examinedIn(this.memo) - before);
    lane.found += found.length;
    for (const hit of found) if (lane.hits.length < LANE_HIT_CAP) lane.hits.push(hit);
    return true;
  }

  result(complete: boolean): ScanResult {
    const kept: { found: Found; finder: Finder }[] = [];
    const counts: Partial<Record<DetectorId, number>> = {};
    for (const lane of this.lanes) {
      const settled = lane.finder.settle ? lane.finder.settle(lane.hits, this.text) : lane.hits;
      if (settled.length === 0) continue;
      const detector = lane.finder.detector;
      counts[detector] = (counts[detector] ?? 0) + (settled.length === lane.hits.length ? lane.found : settled.length);
      for (const found of settled) kept.push({ found, finder: lane.finder });
    }
    kept.sort((a, b) => a.found.start - b.found.start || a.found.end - b.found.end);
    // Previews are made for the hits shown only: a paste with thousands of matches stays cheap.
    const hits: Hit[] = kept.slice(0, LIMITS.guardMaxHits).map(({ found, finder }) => ({
      ...found,
      preview: finder.preview(this.text.slice(found.start, found.end)),
    }));
    const scanned = Math.min(this.limit, ...this.lanes.map((lane) => lane.next));
    return {
      hits,
      counts,
      complete: complete && scanned >= this.text.length,
      scannedChars: this.lanes.length === 0 ? this.limit : scanned,
      longestStepChars: this.longestStep,
    };
  }
}

export interface ScanOptions {
  /** A clock in milliseconds (performance.now in the extension); without it no time budget. */
  now?: () => number;
  budgetMs?: number;
}

/** Scans the whole text at once. Fine for small pastes and for tests; blocks until done. */
export function scan(text: string, guard: Guard, options: ScanOptions = {}): ScanResult {
  const run = new Scan(text, guard);
  const { now } = options;
  const deadline = now ? now() + (options.budgetMs ?? LIMITS.guardTimeBudgetMs) : Number.POSITIVE_INFINITY;
  while (run.step()) {
    if (now && now() > deadline) return run.result(false);
  }
  return run.result(true);
}

export interface SliceOptions {
  now: () => number;
  /** Hands the page back and resolves on a later turn of the event loop. */
  pause: () => Promise<void>;
  sliceMs?: number;
  budgetMs?: number;
}

/** Scans in slices, yielding to the page between them, so a long paste never blocks it for long. */
export function scanInSlices(text: string, guard: Guard, options: SliceOptions): Promise<ScanResult> {
  const run = new Scan(text, guard);
  return continueInSlices(run, options, options.now() + (options.budgetMs ?? LIMITS.guardTimeBudgetMs));
}

async function continueInSlices(run: Scan, options: SliceOptions, deadline: number): Promise<ScanResult> {
  const { now, pause } = options;
  const sliceMs = options.sliceMs ?? LIMITS.guardSliceMs;
  let sliceEnd = now() + sliceMs;
  while (run.step()) {
    const time = now();
    if (time > deadline) return run.result(false);
    if (time > sliceEnd) {
      await pause();
      sliceEnd = now() + sliceMs;
    }
  }
  return run.result(true);
}

/** A scan begun at once: finished, or to be finished in slices. */
export type BegunScan =
  | { done: true; result: ScanResult }
  | { done: false; rest(options: SliceOptions): Promise<ScanResult> };

/**
 * Scans at once for at most `withinMs`: most pastes are decided there, inside the event
 * that brought them, so nothing has to be held back and handed on. A longer one goes on in
 * slices when the caller asks (`rest`), within the same total budget.
 */
export function beginScan(
  text: string,
  guard: Guard,
  options: { now: () => number; withinMs: number; budgetMs?: number },
): BegunScan {
  const { now } = options;
  const started = now();
  const deadline = started + (options.budgetMs ?? LIMITS.guardTimeBudgetMs);
  const stop = started + options.withinMs;
  const run = new Scan(text, guard);
  while (run.step()) {
    if (now() > stop) return { done: false, rest: (slicing) => continueInSlices(run, slicing, deadline) };
  }
  return { done: true, result: run.result(true) };
}
