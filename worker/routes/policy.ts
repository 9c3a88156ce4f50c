import { Hono } from "hono";
import type { PolicyResponse } from "../../shared/protocol";
import { database } from "../db/client";
import { storedOrganizationEntries } from "../db/organization";
import { currentPolicy, publishedReviews } from "../db/policies";
import type { AppEnv } from "../env";
import { deviceAuth } from "../middleware/device-auth";
import { deviceEtag } from "../middleware/etag";

/**
 * `GET /api/v1/policy`: the policy in force and every tool's review status, with an ETag so
 * an unchanged policy costs the extension a 304 and no body.
 */
export const policy = new Hono<AppEnv>().get("/", deviceAuth, deviceEtag(), async (c) => {
  const db = database(c.env.DB);
  const [policyInForce, reviews, organization] = await Promise.all([
    currentPolicy(db),
    publishedReviews(db),
    storedOrganizationEntries(db),
  ]);
  c.header("Cache-Control", "no-cache");
  const body: PolicyResponse = { policy: policyInForce, reviews, reporting: c.env.REPORTING !== "false" };
  // The organization's own catalog entries travel with the policy (absent when there are none).
  if (organization.length) body.organization = organization.map((stored) => stored.entry);
  return c.json(body);
});
