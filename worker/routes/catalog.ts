import { Hono } from "hono";
import { compiledIndex } from "../catalog";
import { sha256Hex } from "../crypto";
import type { AppEnv } from "../env";
import { deviceAuth } from "../middleware/device-auth";

// The index is bundled with the worker, so its body and ETag are computed once per isolate.
const body = JSON.stringify(compiledIndex);
let etag: Promise<string> | undefined;

/**
 * `GET /api/v1/catalog`: the compiled catalog index the worker was deployed with, so
 * extensions pick up new tools without a store update. ETag / If-None-Match make an unchanged
 * catalog cost a 304.
 */
export const catalogRoute = new Hono<AppEnv>().get("/", deviceAuth, async (c) => {
  etag ??= sha256Hex(body).then((hash) => `"${hash.slice(0, 32)}"`);
  const tag = await etag;
  c.header("ETag", tag);
  c.header("Cache-Control", "no-cache");
  const match = c.req.header("if-none-match");
  if (match?.split(",").some((candidate) => candidate.trim() === tag || candidate.trim() === "*")) {
    return c.body(null, 304);
  }
  return c.body(body, 200, { "Content-Type": "application/json" });
});
