import { Hono } from "hono";
import type { PolicyResponse } from "../../shared/protocol";
import { sha256Hex } from "../crypto";
import { database } from "../db/client";
import { currentPolicy, publishedReviews } from "../db/policies";
import type { AppEnv } from "../env";
import { deviceAuth } from "../middleware/device-auth";

/**
 * `GET /api/v1/policy`: the policy in force and every tool's review status, with an ETag so
 * an unchanged policy costs the extension a 304 and no body.
 */
export const policy = new Hono<AppEnv>().get("/", deviceAuth, async (c) => {
  const db = database(c.env.DB);
  const [policyInForce, reviews] = await Promise.all([currentPolicy(db), publishedReviews(db)]);
  const response: PolicyResponse = { policy: policyInForce, reviews, reporting: c.env.REPORTING !== "false" };
  const body = JSON.stringify(response);
  const etag = `"${(await sha256Hex(body)).slice(0, 32)}"`;
  c.header("ETag", etag);
  c.header("Cache-Control", "no-cache");
  const match = c.req.header("if-none-match");
  if (match?.split(",").some((candidate) => candidate.trim() === etag)) return c.body(null, 304);
  return c.body(body, 200, { "Content-Type": "application/json" });
});
