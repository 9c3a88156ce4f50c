import { Hono } from "hono";
import { compiledIndex } from "../catalog";
import type { AppEnv } from "../env";
import { deviceAuth } from "../middleware/device-auth";
import { deviceEtag } from "../middleware/etag";

// The index is bundled with the worker, so its body is serialized once per isolate.
const body = JSON.stringify(compiledIndex);

/**
 * `GET /api/v1/catalog`: the compiled catalog index the worker was deployed with, so
 * extensions pick up new tools without a store update. ETag / If-None-Match make an unchanged
 * catalog cost a 304.
 */
export const catalogRoute = new Hono<AppEnv>().get("/", deviceAuth, deviceEtag(), (c) => {
  c.header("Cache-Control", "no-cache");
  return c.body(body, 200, { "Content-Type": "application/json" });
});
