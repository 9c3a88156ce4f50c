import { and, eq, isNull } from "drizzle-orm";
import { Hono } from "hono";
import { type EnrollResponse, enrollRequest } from "../../shared/protocol";
import { digestsEqual, randomToken, sha256Hex } from "../crypto";
import { database } from "../db/client";
import { devices, enrollmentTokens } from "../db/schema";
import type { AppEnv } from "../env";
import { refuse } from "../errors";
import { jsonBody } from "../middleware/validate";

/** `POST /api/v1/enroll`: trade the organization's enrollment token for a device pseudonym. */
export const enroll = new Hono<AppEnv>().post("/", jsonBody(enrollRequest), async (c) => {
  const body = c.req.valid("json");
  const db = database(c.env.DB);
  const presented = await sha256Hex(body.token);
  let accepted = c.env.ENROLLMENT_TOKEN ? digestsEqual(presented, await sha256Hex(c.env.ENROLLMENT_TOKEN)) : false;
  if (!accepted) {
    const row = await db
      .select({ id: enrollmentTokens.id })
      .from(enrollmentTokens)
      .where(and(eq(enrollmentTokens.tokenHash, presented), isNull(enrollmentTokens.revokedAt)))
      .get();
    accepted = row !== undefined;
  }
  if (!accepted) return refuse(c, 401, "enrollment_token_invalid", "enrollment token is not valid or was revoked");

  const deviceId = crypto.randomUUID();
  const deviceToken = randomToken();
  await db.insert(devices).values({
    id: deviceId,
    tokenHash: await sha256Hex(deviceToken),
    groupLabel: body.group ?? null,
    browser: body.browser ?? null,
    extensionVersion: body.extensionVersion ?? null,
    enrolledAt: Date.now(),
  });
  return c.json({ deviceId, deviceToken, group: body.group ?? null } satisfies EnrollResponse, 201);
});
