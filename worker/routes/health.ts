import { Hono } from "hono";
import type { AppEnv } from "../env";

/**
 * `GET /api/v1/health`: answers without touching the database or any binding, for uptime
 * monitors and load balancers. `POST` answers the same after reading the request body (up to
 * the API's body limit) and ignoring it: the cost of receiving a request, which is what
 * `npm run bench:load` compares report ingest with (the floor).
 */
export const health = new Hono<AppEnv>()
  .get("/", (c) => c.json({ status: "ok" }))
  .post("/", async (c) => {
    await c.req.arrayBuffer();
    return c.json({ status: "ok" });
  });
