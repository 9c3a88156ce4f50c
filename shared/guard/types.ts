import type { DetectorCategory, DetectorId } from "./ids";

/** Where a finder found a match. */
export interface Found {
  detector: DetectorId;
  /** UTF-16 offsets into the scanned text, end exclusive. */
  start: number;
  end: number;
  /** Which configured marking or organization pattern matched. */
  label?: string;
}

/** One match in pasted text. Stays on the device: the preview is for the employee's own screen. */
export interface Hit extends Found {
  /** The match with its sensitive part masked, for the warning the employee sees. */
  preview: string;
}

/** What the organization's policy asks the guard to look for (see shared/policy/guard.ts). */
export interface GuardSettings {
  /** Detectors that are on. */
  detectors: readonly DetectorId[];
  /** Distinct e-mail addresses that make a list worth a warning. */
  emailListMin: number;
  markings: readonly { text: string; caseSensitive: boolean }[];
  patterns: readonly { id: string; pattern: string; caseInsensitive: boolean }[];
}

/** Scratch space of one scan, shared by its finders, keyed by the module that fills it. */
export type ScanMemo = Map<symbol, unknown>;

/**
 * One detector's search over one scan. The scanner calls `find` on consecutive stretches of
 * the text; a finder reports every match that starts inside the stretch (it may read past
 * it, at most `maxLength` characters) and returns where the next search must resume, so a
 * match that crosses a stretch's end is found once and never cut.
 */
export interface Finder {
  readonly detector: DetectorId;
  /** Longest text one match can span. */
  readonly maxLength: number;
  /** How many characters one call should cover, so every call stays short. */
  readonly chunkChars: number;
  /**
   * `memo` belongs to one scan: finders of several detectors may keep what they share there
   * (the number detectors keep the text's digit clusters).
   */
  find(text: string, from: number, to: number, out: Found[], memo: ScanMemo): number;
  /** The employee's view of a match (made only for the hits shown). */
  preview(matched: string): string;
  /** After the whole text: keep or drop matches that only count together. */
  settle?(found: Found[], text: string): Found[];
}

export interface Detector {
  readonly id: DetectorId;
  /** Short English name for docs and the dashboard. */
  readonly name: string;
  readonly category: DetectorCategory;
  /**
   * Makers of fresh finders for one scan (finders may keep per-scan state): usually one,
   * one per organization pattern, none when the settings leave nothing to look for.
   */
  prepare(settings: GuardSettings): (() => Finder)[];
}
