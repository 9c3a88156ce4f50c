import { createMiddleware } from "hono/factory";
import { createLocalJWKSet, createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from "jose";
import { digestsEqual, sha256Hex } from "../crypto";
import type { AppEnv, Env } from "../env";

export type Role = "viewer" | "admin";

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
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

/** Matches an e-mail against a comma-separated list of addresses and `*@domain` entries. */
export function listed(email: string, list: string | undefined): boolean {
  const address = email.toLowerCase();
  return (list ?? "")
    .split(",")
    .map((entry) => entry.trim().toLowerCase())
    .some(
      (entry) => entry !== "" && (entry === address || (entry.startsWith("*@") && address.endsWith(entry.slice(1)))),
    );
}

async function tokenMatches(presented: string, expected: string | undefined): Promise<boolean> {
  if (!expected || presented === "") return false;
  return digestsEqual(await sha256Hex(presented), await sha256Hex(expected));
}

/**
 * Admin API authentication.
 * - Production: Cloudflare Access in front; the `Cf-Access-Jwt-Assertion` JWT is verified
 *   against the team's keys, issuer and audience, and the e-mail's role comes from
 *   ACCESS_ADMINS / ACCESS_VIEWERS.
 * - Local: `Authorization: Bearer $ADMIN_TOKEN` (or $VIEWER_TOKEN), refused unless the request
 *   is addressed to localhost.
 * Viewers may read everything and change nothing.
 */
export const adminAuth = createMiddleware<AppEnv>(async (c, next) => {
  const env = c.env;
  let role: Role | null = null;
  let actor = "";
  const assertion = c.req.header("cf-access-jwt-assertion");
  if (assertion) {
    if (!env.ACCESS_TEAM_DOMAIN || !env.ACCESS_AUD) {
      return c.json(
        { error: "Cloudflare Access is not configured on this worker (ACCESS_TEAM_DOMAIN, ACCESS_AUD)" },
        401,
      );
    }
    const teamDomain = env.ACCESS_TEAM_DOMAIN.replace(/\/+$/, "");
    try {
      const { payload } = await jwtVerify(assertion, keySet(env, teamDomain), {
        issuer: teamDomain,
        audience: env.ACCESS_AUD,
      });
      actor = typeof payload.email === "string" ? payload.email : "";
    } catch (error) {
      return c.json({ error: `Access token refused: ${(error as Error).message}` }, 401);
    }
    if (!actor) return c.json({ error: "Access token has no e-mail" }, 401);
    role = listed(actor, env.ACCESS_ADMINS) ? "admin" : listed(actor, env.ACCESS_VIEWERS) ? "viewer" : null;
    if (!role) return c.json({ error: `${actor} has no Shadowlight role` }, 403);
  } else {
    const header = c.req.header("authorization") ?? "";
    const token = header.startsWith("Bearer ") ? header.slice(7).trim() : "";
    if (!token) return c.json({ error: "sign in through Cloudflare Access or send the admin token" }, 401);
    if (!LOCAL_HOSTS.has(new URL(c.req.url).hostname)) {
      return c.json({ error: "the admin token is accepted only on localhost; use Cloudflare Access" }, 403);
    }
    if (await tokenMatches(token, env.ADMIN_TOKEN)) {
      role = "admin";
      actor = "local-admin";
    } else if (await tokenMatches(token, env.VIEWER_TOKEN)) {
      role = "viewer";
      actor = "local-viewer";
    } else {
      return c.json({ error: "admin token is not valid" }, 401);
    }
  }
  if (role !== "admin" && c.req.method !== "GET" && c.req.method !== "HEAD") {
    return c.json({ error: "the viewer role can read but not change anything" }, 403);
  }
  c.set("actor", actor);
  c.set("role", role);
  await next();
});
