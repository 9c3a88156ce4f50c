import { Hono } from "hono";
import { database } from "../db/client";
import { devicePolicy } from "../device-policy";
import type { AppEnv } from "../env";
import { deviceAuth } from "../middleware/device-auth";
import { deviceEtag } from "../middleware/etag";

/**
 * `GET /api/v1/policy`: the policy in force and every tool's review status, with an ETag so
 * an unchanged policy costs the extension a 304 and no body. The ETag is set here (the
 * middleware answers If-None-Match with it), the same one every report's answer carries.
 */
export const policy = new Hono<AppEnv>().get("/", deviceAuth, deviceEtag(), async (c) => {
  const { body, etag } = await devicePolicy(database(c.env.DB), c.env);
  c.header("Cache-Control", "no-cache");
  c.header("ETag", etag);
  return c.json(body);
});
