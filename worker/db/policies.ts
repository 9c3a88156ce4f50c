import { desc, eq, inArray, max, ne, or, sql } from "drizzle-orm";
import type { ReviewStatus } from "../../shared/events";
import type { Lesson } from "../../shared/lessons/schema";
import type { Policy } from "../../shared/policy/schema";
import { defaultPolicy } from "../catalog";
import { keptPerIsolate } from "../isolate-state";
import type { Database } from "./client";
import { publishedPolicy } from "./published";
import { policyVersions, toolReviews } from "./schema";

/**
 * The policy in force: the highest published version. A fresh database is seeded with the
 * bundled default policy on first use (idempotent: a concurrent seed is ignored).
 */
export async function currentPolicy(db: Database): Promise<Policy> {
  return currentPolicyOf(db, await currentPolicyQuery(db));
}

/** The highest published version's row (none on a fresh database), unexecuted. */
export function currentPolicyQuery(db: Database) {
  return db.select().from(policyVersions).orderBy(desc(policyVersions.version)).limit(1);
}

/** The policy in force from the rows of `currentPolicyQuery`, seeding the default when there are none. */
export async function currentPolicyOf(
  db: Database,
  [row]: Awaited<ReturnType<typeof currentPolicyQuery>>,
): Promise<Policy> {
  if (row) return publishedPolicy(row.body);
  await db
    .insert(policyVersions)
    .values({
      version: defaultPolicy.version,
      body: JSON.stringify(defaultPolicy),
      publishedAt: Date.now(),
      publishedBy: "default",
    })
    .onConflictDoNothing();
  return defaultPolicy;
}

/** Every reviewed tool's status and approved alternative, and an enterprise agreement where recorded, for the extensions. */
export async function publishedReviews(
  db: Database,
): Promise<Record<string, { status: ReviewStatus; alternative: string | null; agreement?: true }>> {
  const rows = await db
    .select({
      tool: toolReviews.tool,
      status: toolReviews.status,
      alternative: toolReviews.alternative,
      agreement: toolReviews.agreement,
    })
    .from(toolReviews)
    .where(or(ne(toolReviews.status, "unreviewed"), eq(toolReviews.agreement, true)))
    .all();
  const reviews: Record<string, { status: ReviewStatus; alternative: string | null; agreement?: true }> = {};
  for (const row of rows) {
    reviews[row.tool] = {
      status: row.status as ReviewStatus,
      alternative: row.alternative,
      ...(row.agreement ? { agreement: true as const } : {}),
    };
  }
  return reviews;
}

export interface PublishedPolicy {
  version: number;
  publishedAt: number;
  publishedBy: string;
  policy: Policy;
}

/**
 * Published versions' policies by version, publication time and body length: a version is
 * never changed once published, so its body is read from the database once per isolate (a
 * policy is tens of kilobytes, and most views read every version). The tests' shared isolate
 * forgets them with each emptied database.
 */
const versionsRead = new Map<string, Policy>();
const VERSIONS_KEPT = 64;
keptPerIsolate(() => versionsRead.clear());

const versionKey = (row: { version: number; publishedAt: number; size: number }) =>
  `${row.version}|${row.publishedAt}|${row.size}`;

function historyQuery(db: Database) {
  return db
    .select({
      version: policyVersions.version,
      publishedAt: policyVersions.publishedAt,
      publishedBy: policyVersions.publishedBy,
      size: sql<number>`length(${policyVersions.body})`,
    })
    .from(policyVersions)
    .orderBy(desc(policyVersions.version));
}

/** Every published version, newest first (few rows: one per publication). */
export async function policyHistory(db: Database): Promise<PublishedPolicy[]> {
  let rows = await historyQuery(db);
  if (rows.length === 0) {
    await currentPolicy(db);
    rows = await historyQuery(db);
  }
  const missing = rows.filter((row) => !versionsRead.has(versionKey(row)));
  if (missing.length > 0) {
    const bodies = await db
      .select({ version: policyVersions.version, body: policyVersions.body })
      .from(policyVersions)
      .where(
        inArray(
          policyVersions.version,
          missing.map((row) => row.version),
        ),
      );
    const bodyOf = new Map(bodies.map((row) => [row.version, row.body]));
    for (const row of missing) {
      const body = bodyOf.get(row.version);
      if (body === undefined) continue;
      if (versionsRead.size >= VERSIONS_KEPT) versionsRead.delete(versionsRead.keys().next().value as string);
      versionsRead.set(versionKey(row), publishedPolicy(body));
    }
  }
  return rows.flatMap((row) => {
    const policy = versionsRead.get(versionKey(row));
    return policy ? [{ version: row.version, publishedAt: row.publishedAt, publishedBy: row.publishedBy, policy }] : [];
  });
}

/** The label of each justification reason id; the newest version's wording wins. */
export function reasonLabels(history: PublishedPolicy[]): Map<string, string> {
  const labels = new Map<string, string>();
  for (const { policy } of history) {
    for (const reason of policy.reasons) if (!labels.has(reason.id)) labels.set(reason.id, reason.label);
  }
  return labels;
}

/** The version the next publication would take (the default policy is published first on a fresh database). */
export async function nextPolicyVersion(db: Database): Promise<number> {
  await currentPolicy(db);
  const row = await db
    .select({ version: max(policyVersions.version) })
    .from(policyVersions)
    .get();
  return (row?.version ?? 0) + 1;
}

/** One published version's policy, or null when there is no such version. */
export async function policyVersion(db: Database, version: number): Promise<Policy | null> {
  const row = await db
    .select({ body: policyVersions.body })
    .from(policyVersions)
    .where(eq(policyVersions.version, version))
    .get();
  return row ? publishedPolicy(row.body) : null;
}

/**
 * Publishes `policy` as the next version, with its audit entries, in one transaction. The
 * version is taken inside it, so two admins publishing at once get consecutive versions
 * instead of a conflict; new and changed lessons (`changed`, by their index in the policy's
 * lessons) take the same version (paths built from indexes only); the audit entries name the
 * version written. Returns the policy as stored.
 */
export async function publishPolicy(
  d1: D1Database,
  policy: Policy,
  changed: Array<{ index: number; lesson: Lesson }>,
  publishedAt: number,
  publishedBy: string,
): Promise<Policy> {
  const lessonPaths = changed
    .map(({ index }) => `, '$.literacy.lessons[${index}].version', coalesce(max(version), 0) + 1`)
    .join("");
  const [inserted] = await d1.batch<{ body: string }>([
    d1
      .prepare(
        `INSERT INTO policy_versions (version, body, published_at, published_by)
         SELECT coalesce(max(version), 0) + 1,
           json_set(?1, '$.version', coalesce(max(version), 0) + 1${lessonPaths}), ?2, ?3
         FROM policy_versions RETURNING body`,
      )
      .bind(JSON.stringify(policy), publishedAt, publishedBy),
    d1
      .prepare(
        `INSERT INTO audit_log (at, actor, action, target, detail)
         SELECT ?1, ?2, 'policy.publish', 'v' || max(version),
           json_object('version', max(version), 'name', ?3, 'rules', ?4, 'lessons', ?5)
         FROM policy_versions`,
      )
      .bind(publishedAt, publishedBy, policy.name, policy.rules.length, policy.literacy?.lessons.length ?? 0),
    ...changed.map(({ lesson }) =>
      d1
        .prepare(
          `INSERT INTO audit_log (at, actor, action, target, detail)
           SELECT ?1, ?2, 'lesson.publish', ?3 || ' v' || max(version),
             json_object('lesson', ?3, 'version', max(version), 'title', ?4)
           FROM policy_versions`,
        )
        .bind(publishedAt, publishedBy, lesson.id, lesson.text.en.title),
    ),
  ]);
  return publishedPolicy(inserted?.results[0]?.body ?? JSON.stringify(policy));
}
