import { Hono } from "hono";
import {
  type EnrollmentTokenCreated,
  type EnrollmentTokenEntry,
  type EnrollmentTokensResponse,
  enrollmentTokenRequest,
  enrollmentTokenUpdate,
} from "../../../shared/admin";
import { LIMITS } from "../../../shared/limits";
import { randomToken, sha256Hex } from "../../crypto";
import { auditEntry } from "../../db/audit";
import { type Database, database } from "../../db/client";
import {
  BOOTSTRAP_TOKEN_ID,
  enrollmentJumped,
  enrollmentsByToken,
  enrollmentToken,
  insertEnrollmentToken,
  revokeToken,
  setTokenCap,
  tokensNewestFirst,
} from "../../db/enrollment";
import type { AppEnv, Env } from "../../env";
import { refuse } from "../../errors";
import { adminsOnly } from "../../middleware/admin-auth";
import { jsonBody } from "../../middleware/validate";

const DAY_MS = 86_400_000;

type TokenRow = NonNullable<Awaited<ReturnType<typeof enrollmentToken>>>;

async function tokenEntries(db: Database, env: Env, now: number): Promise<EnrollmentTokenEntry[]> {
  const [rows, usage] = await Promise.all([tokensNewestFirst(db), enrollmentsByToken(db, now - DAY_MS)]);
  const entry = (row: Pick<TokenRow, "id" | "label" | "groupLabel" | "maxDevices" | "createdAt" | "revokedAt">) => {
    const { devices = 0, recent = 0 } = usage.get(row.id) ?? {};
    return {
      id: row.id,
      label: row.label,
      bootstrap: row.id === BOOTSTRAP_TOKEN_ID,
      group: row.groupLabel,
      maxDevices: row.maxDevices,
      devices,
      enrolledLast24h: recent,
      enrollmentJump: enrollmentJumped(recent, row.maxDevices),
      createdAt: row.id === BOOTSTRAP_TOKEN_ID ? null : row.createdAt,
      revokedAt: row.revokedAt,
    };
  };
  const entries = rows.map(entry);
  if (env.ENROLLMENT_TOKEN) {
    const configured = Number(env.ENROLLMENT_TOKEN_MAX_DEVICES);
    entries.push(
      entry({
        id: BOOTSTRAP_TOKEN_ID,
        label: "ENROLLMENT_TOKEN (the worker's secret)",
        groupLabel: null,
        maxDevices: Number.isInteger(configured) && configured > 0 ? configured : LIMITS.bootstrapMaxDevices,
        createdAt: 0,
        revokedAt: null,
      }),
    );
  }
  return entries;
}

/**
 * Enrollment tokens an admin hands to a deployment: one per group (an MDM profile per
 * department, say), besides the bootstrap ENROLLMENT_TOKEN secret. A token carries its
 * devices' group and a device cap (the group's expected headcount, editable); the list flags
 * a token whose enrollments jumped. The token is shown once at creation; only its SHA-256 hash
 * is stored. Revoking one stops new enrollments with it; enrolled devices keep their tokens.
 * Admins only: the list names groups with their enrolled devices.
 */
export const enrollmentTokensRoute = new Hono<AppEnv>()
  .use(adminsOnly("enrollment tokens are for admins only"))
  .get("/", async (c) => {
    const tokens = await tokenEntries(database(c.env.DB), c.env, Date.now());
    return c.json({ tokens } satisfies EnrollmentTokensResponse);
  })
  .post("/", jsonBody(enrollmentTokenRequest), async (c) => {
    const { label, group = null, maxDevices } = c.req.valid("json");
    const db = database(c.env.DB);
    const id = crypto.randomUUID();
    const token = randomToken();
    await db.batch([
      insertEnrollmentToken(db, {
        id,
        label,
        tokenHash: await sha256Hex(token),
        groupLabel: group,
        maxDevices,
        createdAt: Date.now(),
      }),
      auditEntry(db, c.get("actor"), "enrollment-token.create", id, { label, group, maxDevices }),
    ]);
    return c.json({ id, label, group, maxDevices, token } satisfies EnrollmentTokenCreated, 201);
  })
  .patch("/:id", jsonBody(enrollmentTokenUpdate), async (c) => {
    const id = c.req.param("id");
    const { maxDevices } = c.req.valid("json");
    const db = database(c.env.DB);
    const row = await enrollmentToken(db, id);
    if (!row) return refuse(c, 404, "not_found", `no enrollment token "${id}"`);
    if (row.revokedAt !== null) return refuse(c, 409, "conflict", `enrollment token "${id}" is revoked`);
    await db.batch([
      setTokenCap(db, id, maxDevices),
      auditEntry(db, c.get("actor"), "enrollment-token.cap", id, {
        label: row.label,
        from: row.maxDevices,
        to: maxDevices,
      }),
    ]);
    const entries = await tokenEntries(db, c.env, Date.now());
    return c.json(entries.find((entry) => entry.id === id) as EnrollmentTokenEntry);
  })
  .post("/:id/revoke", async (c) => {
    const id = c.req.param("id");
    const db = database(c.env.DB);
    const row = await enrollmentToken(db, id);
    if (!row) return refuse(c, 404, "not_found", `no enrollment token "${id}"`);
    if (row.revokedAt !== null) return refuse(c, 409, "conflict", `enrollment token "${id}" is already revoked`);
    await db.batch([
      revokeToken(db, id, Date.now()),
      auditEntry(db, c.get("actor"), "enrollment-token.revoke", id, { label: row.label }),
    ]);
    const entries = await tokenEntries(db, c.env, Date.now());
    return c.json(entries.find((entry) => entry.id === id) as EnrollmentTokenEntry);
  });
