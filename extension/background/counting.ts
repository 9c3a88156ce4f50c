import { dayOf } from "../../shared/day";
import type { EventKind } from "../../shared/events";
import { addCount, type Count, candidateFits, eventCount } from "../lib/counters";
import { revokedFor } from "../lib/enrollment";
import { policyInForce } from "../lib/policy-cache";
import { resolveSettings } from "../lib/settings";
import { addNotKept, local, serialized } from "../lib/state";

/*
 * Counting: every count goes into today's book (or the day a nudge was shown), and only while
 * reporting is on: switched on in the settings and by the policy, and the device not revoked.
 */

// Computed once and again only when the settings, the policy or the device change: counting
// is on the hot path of every catalog page.
let reporting: Promise<boolean> | null = null;

export function reportingOn(): Promise<boolean> {
  reporting ??= Promise.all([resolveSettings({ waitForManaged: false }), policyInForce()]).then(
    async ([{ settings }, { response }]) => settings.reporting && response.reporting && !(await revokedFor(settings)),
  );
  return reporting;
}

/** Forgets whether reporting is on, after a change of settings, policy or device standing. */
export function reportingChanged(): void {
  reporting = null;
}

/** Adds one to a count on a given day. */
export async function countOn(day: string, count: Count): Promise<void> {
  if (!(await reportingOn())) return;
  await serialized(async () => {
    const book = await local.counters.getValue();
    if (count.kind === "candidate" && !candidateFits(book, day, count)) {
      await addNotKept({ candidateOverflow: 1 });
      return;
    }
    await local.counters.setValue(addCount(book, day, count));
  });
}

/** Adds one to today's count of a tool's event, under the policy version in force. */
export async function countNow(tool: string, event: EventKind, now = Date.now()): Promise<void> {
  const { response } = await policyInForce();
  await countOn(dayOf(now), eventCount(tool, event, response.policy.version));
}

/** Adds one to today's visits to an unknown AI-looking domain. */
export function countCandidate(domain: string, now = Date.now()): Promise<void> {
  return countOn(dayOf(now), { kind: "candidate", domain });
}
