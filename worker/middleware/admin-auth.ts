import { createMiddleware } from "hono/factory";
import { createLocalJWKSet, createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from "jose";
import { LIMITS } from "../../shared/limits";
import { digestsEqual, sha256Hex } from "../crypto";
import type { AppEnv, Env } from "../env";
import { refuse } from "../errors";

type Role = "viewer" | "admin";

const remoteKeySets = new Map<string, JWTVerifyGetKey>();

function keySet(env: Env, teamDomain: string): JWTVerifyGetKey {
  // A JWKS in configuration pins the keys (and lets tests run offline); otherwise Access's
  // published certs are fetched and cached for the isolate's lifetime.
  if (env.ACCESS_JWKS) return createLocalJWKSet(JSON.parse(env.ACCESS_JWKS));
  let keys = remoteKeySets.get(teamDomain);
  if (!keys) {
    keys = createRemoteJWKSet(new URL(`${teamDomain}/cdn-cgi/access/certs`));
    remoteKeySets.set(teamDomain, keys);
  }
  return keys;
}

/**
 * Matches an e-mail against a comma-separated list of addresses and `*@domain` entries. An
 * address must have exactly one "@": `eve@evil.example@corp.example` matches nothing.
 */
function listed(email: string, list: string | undefined): boolean {
  const address = email.toLowerCase();
  if (address.split("@").length !== 2) return false;
  const domain = address.slice(address.indexOf("@"));
  return (list ?? "")
    .split(",")
    .map((entry) => entry.trim().toLowerCase())
    .some((entry) => entry !== "" && (entry === address || (entry.startsWith("*@") && entry.slice(1) === domain)));
}

async function tokenMatches(presented: string, expected: string | undefined): Promise<boolean> {
  if (!expected || presented === "") return false;
  return digestsEqual(await sha256Hex(presented), await sha256Hex(expected));
}

/** Whether Cloudflare Access is configured: then only Access signs anyone in. */
function accessConfigured(env: Env): boolean {
  return Boolean(env.ACCESS_TEAM_DOMAIN || env.ACCESS_AUD);
}

/**
 * Whether a request may use the local admin token: only with the explicit opt-in
 * LOCAL_ADMIN=1 (which `npm start` and the tests set), never when Access is configured, and
 * only addressed to loopback by its literal name. The Host header is compared as sent, so
 * spellings the URL parser would fold into 127.0.0.1 (`0x7f000001`, `127.1`) do not pass.
 */
function localAdminAllowed(env: Env, request: Request): boolean {
  if (env.LOCAL_ADMIN !== "1" || accessConfigured(env)) return false;
  const host = request.headers.get("host") ?? new URL(request.url).host;
  return LOCAL_HOST.test(host);
}

const LOCAL_HOST = /^(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?$/;

/**
 * Admin API authentication.
 * - Production: Cloudflare Access in front; the `Cf-Access-Jwt-Assertion` JWT is verified
 *   against the team's keys, issuer and audience; it must carry `exp` and `iat` and be at most
 *   LIMITS.accessTokenMaxAgeSeconds old. The e-mail's role comes from ACCESS_ADMINS /
 *   ACCESS_VIEWERS.
 * - Local: `Authorization: Bearer $ADMIN_TOKEN` (or $VIEWER_TOKEN), see localAdminAllowed.
 * Viewers may read everything and change nothing.
 */
export const adminAuth = createMiddleware<AppEnv>(async (c, next) => {
  const env = c.env;
  let role: Role | null = null;
  let actor = "";
  const assertion = c.req.header("cf-access-jwt-assertion");
  if (assertion) {
    if (!env.ACCESS_TEAM_DOMAIN || !env.ACCESS_AUD) {
      return refuse(
        c,
        401,
        "unauthenticated",
        "Cloudflare Access is not configured on this worker (ACCESS_TEAM_DOMAIN, ACCESS_AUD)",
      );
    }
    const teamDomain = env.ACCESS_TEAM_DOMAIN.replace(/\/+$/, "");
    try {
      const { payload } = await jwtVerify(assertion, keySet(env, teamDomain), {
        issuer: teamDomain,
        audience: env.ACCESS_AUD,
        requiredClaims: ["exp", "iat"],
        maxTokenAge: LIMITS.accessTokenMaxAgeSeconds,
      });
      actor = typeof payload.email === "string" ? payload.email : "";
    } catch (error) {
      return refuse(c, 401, "unauthenticated", `Access token refused: ${(error as Error).message}`);
    }
    if (!actor) return refuse(c, 401, "unauthenticated", "Access token has no e-mail");
    role = listed(actor, env.ACCESS_ADMINS) ? "admin" : listed(actor, env.ACCESS_VIEWERS) ? "viewer" : null;
    if (!role) return refuse(c, 403, "forbidden", `${actor} has no Shadowlight role`);
  } else {
    const header = c.req.header("authorization") ?? "";
    const token = header.startsWith("Bearer ") ? header.slice(7).trim() : "";
    if (!token) return refuse(c, 401, "unauthenticated", "sign in through Cloudflare Access or send the admin token");
    if (!localAdminAllowed(env, c.req.raw)) {
      return refuse(
        c,
        403,
        "forbidden",
        "the admin token is accepted only on a local server started with LOCAL_ADMIN=1; use Cloudflare Access",
      );
    }
    if (await tokenMatches(token, env.ADMIN_TOKEN)) {
      role = "admin";
      actor = "local-admin";
    } else if (await tokenMatches(token, env.VIEWER_TOKEN)) {
      role = "viewer";
      actor = "local-viewer";
    } else {
      return refuse(c, 401, "unauthenticated", "admin token is not valid");
    }
  }
  if (role !== "admin" && c.req.method !== "GET" && c.req.method !== "HEAD") {
    return refuse(c, 403, "forbidden", "the viewer role can read but not change anything");
  }
  c.set("actor", actor);
  c.set("role", role);
  await next();
});

/** Refuses the viewer role even for reading: for views that list pseudonyms or groups. */
export function adminsOnly(reason: string) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (c.get("role") !== "admin") return refuse(c, 403, "forbidden", reason);
    await next();
  });
}
