import { Hono } from "hono";
import { slug } from "../../shared/catalog/schema";
import type { ReviewStatus } from "../../shared/events";
import type { DeviceReviewRequestsResponse } from "../../shared/protocol";
import { database } from "../db/client";
import { deviceReviewRequests } from "../db/review-queue";
import { reviewSummaries } from "../db/reviews";
import type { AppEnv } from "../env";
import { refuse } from "../errors";
import { deviceAuth } from "../middleware/device-auth";

/** Tools one question may ask about: the popup asks about the device's own requests. */
const MAX_TOOLS = 50;

/**
 * `GET /api/v1/review-requests?tool=a&tool=b`: where the device's own requests stand. Only
 * tools this device itself asked to have reviewed are answered, so a device cannot learn
 * whether anyone else asked about a tool.
 */
export const deviceReviewRequestsRoute = new Hono<AppEnv>().get("/", deviceAuth, async (c) => {
  const tools = [...new Set(c.req.queries("tool") ?? [])];
  if (tools.length === 0 || tools.length > MAX_TOOLS || !tools.every((tool) => slug.safeParse(tool).success)) {
    return refuse(c, 400, "invalid_request", `give 1 to ${MAX_TOOLS} tool ids as ?tool=...`);
  }
  const db = database(c.env.DB);
  const [states, reviews] = await Promise.all([
    deviceReviewRequests(db, c.get("deviceId"), tools),
    reviewSummaries(db),
  ]);
  const requests: DeviceReviewRequestsResponse["requests"] = {};
  for (const [tool, state] of states) {
    const status = reviews.get(tool)?.status;
    requests[tool] = { state, review: status && status !== "unreviewed" ? (status as ReviewStatus) : null };
  }
  return c.json({ requests } satisfies DeviceReviewRequestsResponse);
});
