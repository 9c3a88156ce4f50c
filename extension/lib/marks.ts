/**
 * Performance marks the service worker sets, which `npm run bench:nudge` reads to take a cold
 * navigation apart. They stay in the worker's own performance timeline (nothing leaves the
 * device), and each is set anew (the earlier one cleared) so the timeline does not grow. No
 * imports: the benchmarks load this file outside the extension.
 */

/** Set by the first module of a started service worker that runs (lib/evaluating.ts). */
export const EVALUATING_MARK = "shadowlight:evaluating";
/** Set by a started service worker once its listeners are registered. */
export const STARTED_MARK = "shadowlight:listening";
/** A catalog page's navigation committed: its nudge is being decided. */
export const COMMITTED_MARK = "shadowlight:committed";
/** The nudge of a committed catalog page is decided. */
export const DECIDED_MARK = "shadowlight:decided";
/** The nudge's UI was injected into the page that gets the nudge. */
export const UI_SENT_MARK = "shadowlight:ui-sent";

/** Sets a mark, replacing the earlier one of the same name. */
export function markNow(name: string): void {
  performance.clearMarks(name);
  performance.mark(name);
}
