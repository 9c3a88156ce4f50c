import { dayOf } from "../../shared/day";
import type { EventKind } from "../../shared/events";
import { LIMITS } from "../../shared/limits";
import type { Candidate } from "../lib/candidates";
import { addCount, type Count, candidateFits, countCodec, eventCount } from "../lib/counters";
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

/**
 * Notes an unknown AI-looking site with the signals that fired: a page load adds one to the
 * day's visits (`visit`), an API call or a sign-in only makes sure the site is there that day
 * (`seen`: at least 1). A sign-in noted earlier the same day for the site joins its signals.
 */
export async function noteCandidate(candidate: Candidate, how: "visit" | "seen", now = Date.now()): Promise<void> {
  if (candidate.signals.length === 0 || !(await reportingOn())) return;
  const day = dayOf(now);
  await serialized(async () => {
    let book = await local.counters.getValue();
    const visits: Count = { kind: "candidate", domain: candidate.domain };
    if (!candidateFits(book, day, visits)) {
      await addNotKept({ candidateOverflow: 1 });
      return;
    }
    const signIns = await local.signIns.getValue();
    const signedIn = signIns.day === day && signIns.domains.includes(candidate.domain);
    const signals = signedIn ? [...candidate.signals, "oauth" as const] : candidate.signals;
    const before = book[day]?.[countCodec.encode(visits)] ?? 0;
    if (how === "visit" || before === 0) book = addCount(book, day, visits);
    for (const signal of new Set(signals)) {
      const presence: Count = { kind: "candidate", domain: candidate.domain, signal };
      if (!(countCodec.encode(presence) in (book[day] ?? {}))) book = addCount(book, day, presence);
    }
    await local.counters.setValue(book);
    if (signedIn) {
      await local.signIns.setValue({ day, domains: signIns.domains.filter((domain) => domain !== candidate.domain) });
    }
  });
}

/**
 * Notes a sign-in through an identity provider for a site outside the catalog. It joins the
 * site's candidate when another signal names the site today (its own name now, or earlier
 * signals); otherwise it is kept on the device until one does, and forgotten at the day's end.
 */
export async function noteSignIn(signIn: Candidate, now = Date.now()): Promise<void> {
  if (!(await reportingOn())) return;
  const day = dayOf(now);
  const known = (await local.counters.getValue())[day]?.[
    countCodec.encode({ kind: "candidate", domain: signIn.domain })
  ];
  if (signIn.signals.length > 0 || known) {
    await noteCandidate({ domain: signIn.domain, signals: [...signIn.signals, "oauth"] }, "seen", now);
    return;
  }
  await serialized(async () => {
    const signIns = await local.signIns.getValue();
    const domains = signIns.day === day ? signIns.domains : [];
    if (domains.includes(signIn.domain) || domains.length >= LIMITS.maxCandidatesPerDay) return;
    await local.signIns.setValue({ day, domains: [...domains, signIn.domain] });
  });
}
