import { LIMITS } from "../shared/limits";
import type { PolicyResponse } from "../shared/protocol";
import type { Database } from "./db/client";
import { nominatedTokens } from "./db/discovery";
import { storedOrganizationEntries } from "./db/organization";
import { currentPolicy, publishedReviews } from "./db/policies";
import type { Env } from "./env";
import { keptPerIsolate } from "./isolate-state";
import { kAnonymity } from "./privacy";

/** What a report's answer names: the version and the ETag of the policy in force. */
export interface PolicySignal {
  policyVersion: number;
  policyEtag: string;
}

/** The signal this instance last read, the settings it depends on, and when its read began. */
let signal: { value: PolicySignal; settings: string; readAt: number } | null = null;
/** Counts changes made through this instance: a read begun before one is not kept. */
let changes = 0;
// A new instance has read nothing yet: as after a change, the next answer reads again.
keptPerIsolate(() => policyChanged());

const settingsOf = (env: Env) => `${env.REPORTING}|${kAnonymity(env)}`;

/**
 * What `GET /api/v1/policy` answers, and its ETag: a hash of exactly that answer. The report
 * route sends the same ETag with every accepted report, so a device whose last policy carries
 * another one fetches the new policy at once instead of at its next periodic refresh. Every
 * read is kept as this instance's policy signal (below).
 */
export async function devicePolicy(db: Database, env: Env): Promise<{ body: PolicyResponse; etag: string }> {
  const began = Date.now();
  const generation = changes;
  const [policyInForce, reviews, organization, nominated] = await Promise.all([
    currentPolicy(db),
    publishedReviews(db),
    storedOrganizationEntries(db),
    nominatedTokens(db, kAnonymity(env), LIMITS.maxRevealedTokens),
  ]);
  const body: PolicyResponse = { policy: policyInForce, reviews, reporting: env.REPORTING !== "false" };
  // The organization's own catalog entries travel with the policy (absent when there are none).
  if (organization.length) body.organization = organization.map((stored) => stored.entry);
  // Tokens of unknown extensions that at least k devices hold: only those may be named.
  if (nominated.length) body.revealExtensions = nominated;
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(JSON.stringify(body)));
  const hex = [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  const etag = `"${hex}"`;
  // Kept unless an admin changed something meanwhile or a read begun later was kept already.
  if (generation === changes && (!signal || signal.readAt <= began)) {
    signal = {
      value: { policyVersion: policyInForce.version, policyEtag: etag },
      settings: settingsOf(env),
      readAt: began,
    };
  }
  return { body, etag };
}

/**
 * The policy in force as every report's answer names it, read at most every
 * LIMITS.policySignalCacheSeconds by this instance (or fresher, from a GET /api/v1/policy it
 * answered), so a report costs no database read. Its age counts from when its read began: an
 * answer names a policy that was in force at most that long before. Requests that find it
 * expired each read it; none waits on another's read.
 */
export async function policySignal(db: Database, env: Env): Promise<PolicySignal> {
  const kept = signal;
  if (kept && kept.settings === settingsOf(env) && Date.now() - kept.readAt < LIMITS.policySignalCacheSeconds * 1000) {
    return kept.value;
  }
  const { body, etag } = await devicePolicy(db, env);
  return { policyVersion: body.policy.version, policyEtag: etag };
}

/** The next report's answer reads the policy in force again: an admin changed what devices get. */
export function policyChanged(): void {
  changes++;
  signal = null;
}
