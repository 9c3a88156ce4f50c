/**
 * Performance marks the extension sets, which its benchmarks read. No imports: the
 * benchmarks load this file outside the extension.
 */

/** Set by a started service worker once its listeners are registered. */
export const STARTED_MARK = "shadowlight:listening";
