import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { meResponse } from "../../shared/admin";
import { errorResponse } from "../../shared/protocol";
import worker from "../../worker/index";
import { ADMIN } from "./helpers";

/*
 * The production path of the admin API: Cloudflare Access puts a signed JWT in
 * Cf-Access-Jwt-Assertion. Keys are generated here and the public set is handed to the
 * worker through the ACCESS_JWKS binding (pinned keys instead of fetching the team's certs).
 */

const TEAM = "https://shadowlight-test.cloudflareaccess.com";
const AUD = "aud-tag-0123456789abcdef";
const HOST = "https://shadowlight.example.com";

let signingKey: CryptoKey;
let otherKey: CryptoKey;
let accessEnv: typeof env;

beforeAll(async () => {
  const trusted = await generateKeyPair("RS256", { extractable: true });
  const untrusted = await generateKeyPair("RS256", { extractable: true });
  signingKey = trusted.privateKey;
  otherKey = untrusted.privateKey;
  const publicJwk: JWK = { ...(await exportJWK(trusted.publicKey)), kid: "trusted", alg: "RS256", use: "sig" };
  accessEnv = {
    ...env,
    ACCESS_TEAM_DOMAIN: TEAM,
    ACCESS_AUD: AUD,
    ACCESS_JWKS: JSON.stringify({ keys: [publicJwk] }),
    ACCESS_ADMINS: "secops@example.com,*@ciso.example.com",
    ACCESS_VIEWERS: "*@example.com",
  };
});

interface TokenOptions {
  email?: string | null;
  audience?: string;
  issuer?: string;
  expiresIn?: number;
  key?: CryptoKey;
  kid?: string;
}

function token(options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {};
  if (options.email !== null) claims.email = options.email ?? "secops@example.com";
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", kid: options.kid ?? "trusted" })
    .setIssuer(options.issuer ?? TEAM)
    .setAudience(options.audience ?? AUD)
    .setSubject("user-id")
    .setIssuedAt(now - 60)
    .setExpirationTime(now + (options.expiresIn ?? 600))
    .sign(options.key ?? signingKey);
}

async function call(path: string, assertion: string, init: RequestInit = {}, bindings = accessEnv) {
  const headers = new Headers(init.headers);
  headers.set("Cf-Access-Jwt-Assertion", assertion);
  return worker.fetch(
    new Request(`${HOST}/api/admin${path}`, { ...init, headers }),
    bindings,
    createExecutionContext(),
  );
}

async function refusal(response: Response, status: number): Promise<string> {
  expect(response.status).toBe(status);
  const body = errorResponse.parse(await response.json());
  expect(body.code).toBe(status === 403 ? "forbidden" : "unauthenticated");
  return body.error;
}

describe("Cloudflare Access", () => {
  it("admits an admin and a viewer by e-mail, on the production host", async () => {
    const asAdmin = await call("/me", await token());
    expect(meResponse.parse(await asAdmin.json())).toMatchObject({ actor: "secops@example.com", role: "admin" });
    const wildcard = await call("/me", await token({ email: "Ana@CISO.example.com" }));
    expect(meResponse.parse(await wildcard.json())).toMatchObject({ role: "admin" });
    const viewer = await token({ email: "someone@example.com" });
    expect(meResponse.parse(await (await call("/me", viewer)).json())).toMatchObject({ role: "viewer" });
    const change = await call("/enrollment-tokens", viewer, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ label: "x", maxDevices: 10 }),
    });
    expect(await refusal(change, 403)).toMatch(/viewer role can read but not change/);
  });

  it("records the Access identity as the actor of a change", async () => {
    const response = await call("/enrollment-tokens", await token(), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ label: "via access", maxDevices: 10 }),
    });
    expect(response.status).toBe(201);
    const rows = await env.DB.prepare("select actor from audit_log where action = 'enrollment-token.create'").all();
    expect(rows.results).toEqual([{ actor: "secops@example.com" }]);
  });

  it("refuses a token signed by another key (forged)", async () => {
    expect(await refusal(await call("/me", await token({ key: otherKey })), 401)).toMatch(/Access token refused/);
    expect(await refusal(await call("/me", await token({ key: otherKey, kid: "unknown" })), 401)).toMatch(
      /Access token refused/,
    );
  });

  it("refuses a token whose payload was altered after signing", async () => {
    const [header, , signature] = (await token({ email: "someone@example.com" })).split(".");
    const payload = btoa(
      JSON.stringify({ email: "secops@example.com", iss: TEAM, aud: AUD, exp: Math.floor(Date.now() / 1000) + 600 }),
    )
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
    expect(await refusal(await call("/me", `${header}.${payload}.${signature}`), 401)).toMatch(/signature/i);
  });

  it("refuses an unsigned token (alg none)", async () => {
    const encode = (value: object) =>
      btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    const unsigned = `${encode({ alg: "none" })}.${encode({ email: "secops@example.com", iss: TEAM, aud: AUD })}.`;
    expect((await call("/me", unsigned)).status).toBe(401);
  });

  it("refuses an expired token", async () => {
    expect(await refusal(await call("/me", await token({ expiresIn: -120 })), 401)).toMatch(/"exp"/);
  });

  it("refuses a token for another application (audience) or another team (issuer)", async () => {
    expect(await refusal(await call("/me", await token({ audience: "another-app" })), 401)).toMatch(/"aud"/);
    expect(await refusal(await call("/me", await token({ issuer: "https://evil.cloudflareaccess.com" })), 401)).toMatch(
      /"iss"/,
    );
  });

  it("refuses a token without an e-mail, and an e-mail without a role", async () => {
    expect(await refusal(await call("/me", await token({ email: null })), 401)).toMatch(/no e-mail/);
    expect(await refusal(await call("/me", await token({ email: "mallory@evil.example" })), 403)).toMatch(
      /has no Shadowlight role/,
    );
  });

  it("refuses Access tokens when Access is not configured, and garbage", async () => {
    const bare = { ...accessEnv, ACCESS_TEAM_DOMAIN: undefined, ACCESS_AUD: undefined };
    expect(await refusal(await call("/me", await token(), {}, bare), 401)).toMatch(/not configured/);
    expect((await call("/me", "not.a.jwt")).status).toBe(401);
  });

  it("still refuses the local admin token on the production host", async () => {
    const response = await worker.fetch(
      new Request(`${HOST}/api/admin/me`, { headers: { Authorization: `Bearer ${ADMIN}` } }),
      accessEnv,
      createExecutionContext(),
    );
    expect(await refusal(response, 403)).toMatch(/Cloudflare Access/);
  });
});
