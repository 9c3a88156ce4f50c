import { Hono } from "hono";
import { LIMITS } from "../../shared/limits";
import type { PolicyResponse } from "../../shared/protocol";
import { database } from "../db/client";
import { nominatedTokens } from "../db/discovery";
import { storedOrganizationEntries } from "../db/organization";
import { currentPolicy, publishedReviews } from "../db/policies";
import type { AppEnv } from "../env";
import { deviceAuth } from "../middleware/device-auth";
import { deviceEtag } from "../middleware/etag";
import { kAnonymity } from "../privacy";

/**
 * `GET /api/v1/policy`: the policy in force and every tool's review status, with an ETag so
 * an unchanged policy costs the extension a 304 and no body.
 */
export const policy = new Hono<AppEnv>().get("/", deviceAuth, deviceEtag(), async (c) => {
  const db = database(c.env.DB);
  const [policyInForce, reviews, organization, nominated] = await Promise.all([
    currentPolicy(db),
    publishedReviews(db),
    storedOrganizationEntries(db),
    nominatedTokens(db, kAnonymity(c.env), LIMITS.maxRevealedTokens),
  ]);
  c.header("Cache-Control", "no-cache");
  const body: PolicyResponse = { policy: policyInForce, reviews, reporting: c.env.REPORTING !== "false" };
  // The organization's own catalog entries travel with the policy (absent when there are none).
  if (organization.length) body.organization = organization.map((stored) => stored.entry);
  // Tokens of unknown extensions that at least k devices hold: only those may be named.
  if (nominated.length) body.revealExtensions = nominated;
  return c.json(body);
});
