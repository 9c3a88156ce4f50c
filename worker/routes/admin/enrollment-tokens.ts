import { desc, eq } from "drizzle-orm";
import { Hono } from "hono";
import { type EnrollmentTokenCreated, type EnrollmentTokenEntry, enrollmentTokenRequest } from "../../../shared/admin";
import { randomToken, sha256Hex } from "../../crypto";
import { auditEntry } from "../../db/audit";
import { database } from "../../db/client";
import { enrollmentTokens } from "../../db/schema";
import type { AppEnv } from "../../env";
import { refuse } from "../../errors";
import { jsonBody } from "../../middleware/validate";

const columns = {
  id: enrollmentTokens.id,
  label: enrollmentTokens.label,
  createdAt: enrollmentTokens.createdAt,
  revokedAt: enrollmentTokens.revokedAt,
};

/**
 * Enrollment tokens an admin hands to a deployment (one per MDM profile, say), besides the
 * bootstrap ENROLLMENT_TOKEN secret. The token is shown once at creation; only its SHA-256
 * hash is stored. Revoking one stops new enrollments with it; devices already enrolled keep
 * their own device tokens.
 */
export const enrollmentTokensRoute = new Hono<AppEnv>()
  .get("/", async (c) => {
    const tokens: EnrollmentTokenEntry[] = await database(c.env.DB)
      .select(columns)
      .from(enrollmentTokens)
      .orderBy(desc(enrollmentTokens.createdAt), enrollmentTokens.id)
      .all();
    return c.json({ tokens });
  })
  .post("/", jsonBody(enrollmentTokenRequest), async (c) => {
    const { label } = c.req.valid("json");
    const db = database(c.env.DB);
    const id = crypto.randomUUID();
    const token = randomToken();
    await db.batch([
      db.insert(enrollmentTokens).values({ id, label, tokenHash: await sha256Hex(token), createdAt: Date.now() }),
      auditEntry(db, c, "enrollment-token.create", id, { label }),
    ]);
    return c.json({ id, label, token } satisfies EnrollmentTokenCreated, 201);
  })
  .post("/:id/revoke", async (c) => {
    const id = c.req.param("id");
    const db = database(c.env.DB);
    const row = await db.select(columns).from(enrollmentTokens).where(eq(enrollmentTokens.id, id)).get();
    if (!row) return refuse(c, 404, "not_found", `no enrollment token "${id}"`);
    if (row.revokedAt !== null) return refuse(c, 409, "conflict", `enrollment token "${id}" is already revoked`);
    const revokedAt = Date.now();
    await db.batch([
      db.update(enrollmentTokens).set({ revokedAt }).where(eq(enrollmentTokens.id, id)),
      auditEntry(db, c, "enrollment-token.revoke", id, { label: row.label }),
    ]);
    return c.json({ ...row, revokedAt } satisfies EnrollmentTokenEntry);
  });
