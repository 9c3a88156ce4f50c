import { and, count, desc, eq, isNull, sql } from "drizzle-orm";
import { LIMITS } from "../../shared/limits";
import type { Database } from "./client";
import { devices, enrollmentTokens } from "./schema";

/*
 * Enrollment: an enrollment token becomes a device pseudonym. The token decides the group
 * (never the client) and caps how many devices it may enroll; a client may name a group
 * only when its token has none, and only a group the server already knows, whose cap then
 * applies. The cap is checked by the INSERT itself, so concurrent enrollments cannot
 * overshoot it.
 */

/** What the presented enrollment token allows. */
export interface EnrollmentGrant {
  /** Null for the bootstrap ENROLLMENT_TOKEN. */
  tokenId: string | null;
  group: string | null;
  maxDevices: number;
}

export const BOOTSTRAP_TOKEN_ID = "bootstrap";

/** The non-revoked admin-created token with this hash, as a grant. */
export async function grantOfToken(db: Database, tokenHash: string): Promise<EnrollmentGrant | null> {
  const row = await db
    .select({ id: enrollmentTokens.id, group: enrollmentTokens.groupLabel, maxDevices: enrollmentTokens.maxDevices })
    .from(enrollmentTokens)
    .where(and(eq(enrollmentTokens.tokenHash, tokenHash), isNull(enrollmentTokens.revokedAt)))
    .get();
  return row ? { tokenId: row.id, group: row.group, maxDevices: row.maxDevices } : null;
}

/** The cap of a group the server knows (the sum of its live tokens' caps), or null. */
export async function knownGroupCap(db: Database, group: string): Promise<number | null> {
  const row = await db
    .select({ tokens: count(), cap: sql<number>`coalesce(sum(${enrollmentTokens.maxDevices}), 0)` })
    .from(enrollmentTokens)
    .where(and(eq(enrollmentTokens.groupLabel, group), isNull(enrollmentTokens.revokedAt)))
    .get();
  return row && row.tokens > 0 ? Number(row.cap) : null;
}

export interface NewDevice {
  id: string;
  tokenHash: string;
  group: string | null;
  browser: string | null;
  extensionVersion: string | null;
  enrolledAt: number;
}

/**
 * Inserts the device unless its token (and, for a client-named group, that group) is already
 * at its cap. Returns whether the device was enrolled.
 */
export async function enrollWithinCaps(
  d1: D1Database,
  grant: EnrollmentGrant,
  device: NewDevice,
  groupCap: number | null,
): Promise<boolean> {
  const result = await d1
    .prepare(
      `INSERT INTO devices (id, token_hash, group_label, enrollment_token_id, browser, extension_version, enrolled_at)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7
       WHERE (SELECT count(*) FROM devices WHERE enrollment_token_id IS ?4 AND revoked_at IS NULL) < ?8
         AND (?9 IS NULL OR (SELECT count(*) FROM devices WHERE group_label = ?3 AND revoked_at IS NULL) < ?9)`,
    )
    .bind(
      device.id,
      device.tokenHash,
      device.group,
      grant.tokenId,
      device.browser,
      device.extensionVersion,
      device.enrolledAt,
      grant.maxDevices,
      groupCap,
    )
    .run();
  return (result.meta.changes ?? 0) > 0;
}

/** The device a token belongs to, revoked or not. */
export async function deviceByTokenHash(db: Database, tokenHash: string) {
  return db
    .select({ id: devices.id, revokedAt: devices.revokedAt })
    .from(devices)
    .where(eq(devices.tokenHash, tokenHash))
    .get();
}

/** Enrollments per token: live devices and those enrolled since `since` (ms). */
export async function enrollmentsByToken(db: Database, since: number) {
  const rows = await db
    .select({
      tokenId: devices.enrollmentTokenId,
      devices: sql<number>`coalesce(sum(${devices.revokedAt} is null), 0)`,
      recent: sql<number>`coalesce(sum(${devices.enrolledAt} >= ${since}), 0)`,
    })
    .from(devices)
    .groupBy(devices.enrollmentTokenId)
    .all();
  return new Map(
    rows.map((row) => [
      row.tokenId ?? BOOTSTRAP_TOKEN_ID,
      { devices: Number(row.devices), recent: Number(row.recent) },
    ]),
  );
}

/** Whether a token's enrollments in the last 24 hours jumped (see LIMITS.enrollmentJump). */
export function enrollmentJumped(recent: number, maxDevices: number): boolean {
  const { shareOfCap, minimum } = LIMITS.enrollmentJump;
  return recent >= minimum && recent > shareOfCap * maxDevices;
}

/** Enrolled devices per group label (not revoked), to decide which groups are below k. */
async function groupSizes(db: Database): Promise<Map<string | null, number>> {
  const rows = await db
    .select({ group: devices.groupLabel, devices: count() })
    .from(devices)
    .where(isNull(devices.revokedAt))
    .groupBy(devices.groupLabel)
    .all();
  return new Map(rows.map((row) => [row.group, row.devices]));
}

/** A test for "this group has fewer than k enrolled devices": its label is then withheld. */
export async function smallGroupTest(db: Database, k: number): Promise<(group: string) => boolean> {
  const sizes = await groupSizes(db);
  return (group) => (sizes.get(group) ?? 0) < k;
}

/** Every enrollment token an admin created, newest first. */
export function tokensNewestFirst(db: Database) {
  return db.select().from(enrollmentTokens).orderBy(desc(enrollmentTokens.createdAt), enrollmentTokens.id).all();
}

/** Every token's group (null: none), to tell which tokens name a small group. */
export function tokenGroups(db: Database) {
  return db.select({ id: enrollmentTokens.id, group: enrollmentTokens.groupLabel }).from(enrollmentTokens).all();
}

export function enrollmentToken(db: Database, id: string) {
  return db.select().from(enrollmentTokens).where(eq(enrollmentTokens.id, id)).get();
}

export function insertEnrollmentToken(db: Database, row: typeof enrollmentTokens.$inferInsert) {
  return db.insert(enrollmentTokens).values(row);
}

export function setTokenCap(db: Database, id: string, maxDevices: number) {
  return db.update(enrollmentTokens).set({ maxDevices }).where(eq(enrollmentTokens.id, id));
}

/** Revokes a token that is not revoked yet (a second revocation changes nothing). */
export function revokeToken(db: Database, id: string, now: number) {
  return db
    .update(enrollmentTokens)
    .set({ revokedAt: now })
    .where(and(eq(enrollmentTokens.id, id), isNull(enrollmentTokens.revokedAt)));
}
