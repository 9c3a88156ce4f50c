import { LIMITS } from "../shared/limits";
import type { PolicyResponse } from "../shared/protocol";
import type { Database } from "./db/client";
import { nominatedTokens } from "./db/discovery";
import { storedOrganizationEntries } from "./db/organization";
import { currentPolicy, publishedReviews } from "./db/policies";
import type { Env } from "./env";
import { kAnonymity } from "./privacy";

/**
 * What `GET /api/v1/policy` answers, and its ETag: a hash of exactly that answer. The report
 * route sends the same ETag with every accepted report, so a device whose last policy carries
 * another one fetches the new policy at once instead of at its next periodic refresh.
 */
export async function devicePolicy(db: Database, env: Env): Promise<{ body: PolicyResponse; etag: string }> {
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
  return { body, etag: `"${hex}"` };
}
