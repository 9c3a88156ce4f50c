import { Hono } from "hono";
import type { PolicyResponse } from "../../shared/protocol";
import { database } from "../db/client";
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
  const [policyInForce, reviews] = await Promise.all([currentPolicy(db), publishedReviews(db)]);
  c.header("Cache-Control", "no-cache");
  return c.json({ policy: policyInForce, reviews, reporting: c.env.REPORTING !== "false" } satisfies PolicyResponse);
});
