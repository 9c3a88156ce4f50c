import { browser } from "wxt/browser";
import { LIMITS } from "../../shared/limits";

/*
 * The background's alarms: a periodic synchronization with the server, and one retry at the
 * time a failed delivery asked for (backoff, or the server's Retry-After). Alarms survive the
 * service worker's restarts; the entrypoint routes them.
 */
export const ALARMS = { synchronize: "flush", retry: "retry" } as const;

/** The periodic synchronization, created once per install. */
export function scheduleSynchronization(): Promise<void> {
  return browser.alarms.create(ALARMS.synchronize, { periodInMinutes: LIMITS.flushPeriodMinutes });
}

/** One more delivery attempt at `when` (replacing any earlier one). */
export function scheduleRetry(when: number): Promise<void> {
  return browser.alarms.create(ALARMS.retry, { when });
}
