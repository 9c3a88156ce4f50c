/**
 * Files of the extension's build that its code names by path. No imports: the benchmarks
 * load this file outside the extension.
 */

/** The nudge's UI, built apart from the content script (entrypoints/nudge-ui.ts). */
export const NUDGE_UI_FILE = "/nudge-ui.js";

/** The guard's detectors and warning, built apart from its listener (entrypoints/guard-ui.ts). */
export const GUARD_UI_FILE = "/guard-ui.js";
