import { Hono } from "hono";
import type { MeResponse } from "../../../shared/admin";
import type { AppEnv } from "../../env";
import { kAnonymity } from "../../privacy";

/** `GET /api/admin/me`: who is signed in, with which role, and the k every view applies. */
export const me = new Hono<AppEnv>().get("/", (c) =>
  c.json({ actor: c.get("actor"), role: c.get("role"), k: kAnonymity(c.env) } satisfies MeResponse),
);
