import { Hono } from "hono";
import { LIMITS } from "../../shared/limits";
import { type EnrollResponse, enrollRequest } from "../../shared/protocol";
import { digestsEqual, randomToken, sha256Hex } from "../crypto";
import { database } from "../db/client";
import { type EnrollmentGrant, enrollWithinCaps, grantOfToken, knownGroupCap } from "../db/enrollment";
import type { AppEnv, Env } from "../env";
import { refuse } from "../errors";
import { rememberDevice } from "../middleware/device-auth";
import { clientAddress, rateLimit, rateLimited, withinLimit } from "../middleware/rate-limit";
import { jsonBody } from "../middleware/validate";

function bootstrapCap(env: Env): number {
  const configured = Number(env.ENROLLMENT_TOKEN_MAX_DEVICES);
  return Number.isInteger(configured) && configured > 0 ? configured : LIMITS.bootstrapMaxDevices;
}

async function grantOf(env: Env, presented: string): Promise<EnrollmentGrant | null> {
  if (env.ENROLLMENT_TOKEN && digestsEqual(presented, await sha256Hex(env.ENROLLMENT_TOKEN))) {
    return { tokenId: null, group: null, maxDevices: bootstrapCap(env) };
  }
  return grantOfToken(database(env.DB), presented);
}

/**
 * `POST /api/v1/enroll`: trade an enrollment token for a device pseudonym. Every attempt,
 * right or wrong, counts against the client address's budget (so guessing tokens meets a
 * 429 quickly); accepted ones also against the token's. The token decides the group and caps
 * the devices; see db/enrollment.ts.
 */
export const enroll = new Hono<AppEnv>().post(
  "/",
  rateLimit("ENROLL_BY_ADDRESS", "enrollment attempts from this address", clientAddress),
  jsonBody(enrollRequest),
  async (c) => {
    const body = c.req.valid("json");
    const presented = await sha256Hex(body.token);
    const grant = await grantOf(c.env, presented);
    if (!grant) return refuse(c, 401, "enrollment_token_invalid", "enrollment token is not valid or was revoked");
    if (!(await withinLimit(c.env, "ENROLL_BY_TOKEN", presented))) return rateLimited(c, "enrollments with this token");

    // A group-bound token decides; otherwise the client may pick a group the server knows.
    let group = grant.group;
    let groupCap: number | null = null;
    if (group === null && body.group !== undefined) {
      groupCap = await knownGroupCap(database(c.env.DB), body.group);
      if (groupCap === null) {
        return refuse(
          c,
          422,
          "group_unknown",
          `the server knows no group "${body.group}": ask the admin for its token`,
        );
      }
      group = body.group;
    }
    const deviceId = crypto.randomUUID();
    const deviceToken = randomToken();
    const tokenHash = await sha256Hex(deviceToken);
    const enrolled = await enrollWithinCaps(
      c.env.DB,
      grant,
      {
        id: deviceId,
        tokenHash,
        group,
        browser: body.browser ?? null,
        extensionVersion: body.extensionVersion ?? null,
        enrolledAt: Date.now(),
      },
      groupCap,
    );
    if (!enrolled) {
      return refuse(
        c,
        403,
        "enrollment_full",
        "this enrollment token (or its group) already has as many devices as its cap allows; ask the admin to raise it",
      );
    }
    // Its first report usually follows at once, often to this same instance.
    rememberDevice(tokenHash, deviceId);
    return c.json({ deviceId, deviceToken, group } satisfies EnrollResponse, 201);
  },
);
