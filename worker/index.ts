import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { LIMITS } from "../shared/limits";
import { scheduled } from "./cron/scheduled";
import { policyChanged } from "./device-policy";
import type { AppEnv, Env } from "./env";
import { refuse } from "./errors";
import { consumeReports } from "./ingest/queue";
import { adminAuth } from "./middleware/admin-auth";
import { DASHBOARD_CSP } from "./middleware/security";
import { auditRoute } from "./routes/admin/audit";
import { awarenessRoute } from "./routes/admin/awareness";
import { candidatesRoute } from "./routes/admin/candidates";
import { devicesRoute } from "./routes/admin/devices";
import { enrollmentTokensRoute } from "./routes/admin/enrollment-tokens";
import { evidenceRoute } from "./routes/admin/evidence";
import { exceptionsRoute } from "./routes/admin/exceptions";
import { inventory } from "./routes/admin/inventory";
import { me } from "./routes/admin/me";
import { organizationRoute } from "./routes/admin/organization";
import { overviewRoute } from "./routes/admin/overview";
import { adminPolicy } from "./routes/admin/policy";
import { reviewQueueRoute } from "./routes/admin/review-queue";
import { toolsRoute } from "./routes/admin/tools";
import { catalogRoute } from "./routes/catalog";
import { enroll } from "./routes/enroll";
import { health } from "./routes/health";
import { policy } from "./routes/policy";
import { reports } from "./routes/reports";
import { deviceReviewRequestsRoute } from "./routes/review-requests";

const app = new Hono<AppEnv>();

app.onError((error, c) => {
  if (error instanceof HTTPException) {
    return refuse(c, error.status as ContentfulStatusCode, "invalid_request", error.message || "request refused");
  }
  console.error(error);
  return refuse(c, 500, "internal", "internal error");
});

app.use("/api/*", async (c, next) => {
  await next();
  c.header("Cache-Control", c.res.headers.get("Cache-Control") ?? "no-store");
  c.header("X-Content-Type-Options", "nosniff");
});
app.use(
  "/api/v1/*",
  cors({
    origin: "*",
    allowHeaders: ["Authorization", "Content-Type", "If-None-Match"],
    allowMethods: ["GET", "POST", "OPTIONS"],
    exposeHeaders: ["ETag"],
    maxAge: 86_400,
  }),
);
app.use(
  "/api/*",
  bodyLimit({
    maxSize: LIMITS.maxBodyBytes,
    onError: (c) => refuse(c, 413, "payload_too_large", `request body is larger than ${LIMITS.maxBodyBytes} bytes`),
  }),
);

app.route("/api/v1/health", health);
app.route("/api/v1/enroll", enroll);
app.route("/api/v1/policy", policy);
app.route("/api/v1/reports", reports);
app.route("/api/v1/catalog", catalogRoute);
app.route("/api/v1/review-requests", deviceReviewRequestsRoute);

app.use("/api/admin/*", adminAuth);
// A change an admin makes (a policy, a review, an organization entry) is named in the very next
// report's answer from this instance; other instances name it within LIMITS.policySignalCacheSeconds.
app.use("/api/admin/*", async (c, next) => {
  await next();
  if (c.req.method !== "GET" && c.res.status < 400) policyChanged();
});
app.route("/api/admin/me", me);
app.route("/api/admin/overview", overviewRoute);
app.route("/api/admin/inventory", inventory);
app.route("/api/admin/tools", toolsRoute);
app.route("/api/admin/candidates", candidatesRoute);
app.route("/api/admin/organization", organizationRoute);
app.route("/api/admin/awareness", awarenessRoute);
app.route("/api/admin/exceptions", exceptionsRoute);
app.route("/api/admin/review-requests", reviewQueueRoute);
app.route("/api/admin/policy", adminPolicy);
app.route("/api/admin/devices", devicesRoute);
app.route("/api/admin/enrollment-tokens", enrollmentTokensRoute);
app.route("/api/admin/audit", auditRoute);
app.route("/api/admin/evidence", evidenceRoute);

app.all("/api/*", (c) =>
  refuse(c, 404, "not_found", `no such endpoint: ${c.req.method} ${new URL(c.req.url).pathname}`),
);

// Everything else is the dashboard, served from static assets with strict headers.
app.get("*", async (c) => {
  if (!c.env.ASSETS) return c.json({ error: "the dashboard is not built (npm run build:dashboard)" }, 404);
  const asset = await c.env.ASSETS.fetch(c.req.raw);
  const response = new Response(asset.body, asset);
  response.headers.set("Content-Security-Policy", DASHBOARD_CSP);
  response.headers.set("X-Content-Type-Options", "nosniff");
  response.headers.set("Referrer-Policy", "no-referrer");
  response.headers.set("X-Frame-Options", "DENY");
  return response;
});

// The main module exports handlers only (workerd treats every export as an entrypoint).
export default { fetch: app.fetch, scheduled, queue: consumeReports } satisfies ExportedHandler<Env>;
