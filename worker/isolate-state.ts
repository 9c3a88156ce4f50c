/**
 * What an isolate keeps between requests, in one list. Each module that keeps something
 * (a cache of devices, the policy signal, the published versions, the catalog it last read)
 * registers how to forget it here. Nothing in the worker calls `forgetIsolateState`: a new
 * isolate starts empty anyway. The worker tests call it between test files, which share one
 * isolate and start each on an emptied database, so each file begins as a fresh instance would.
 */
const forgetters: Array<() => void> = [];

/** Registers what forgets one module's state. */
export function keptPerIsolate(forget: () => void): void {
  forgetters.push(forget);
}

/** Forgets everything this isolate kept between requests. */
export function forgetIsolateState(): void {
  for (const forget of forgetters) forget();
}
