import { desc, ne } from "drizzle-orm";
import type { ReviewStatus } from "../../shared/events";
import { type Policy, policySchema } from "../../shared/policy/schema";
import { defaultPolicy } from "../catalog";
import type { Database } from "./client";
import { policyVersions, toolReviews } from "./schema";

/**
 * The policy in force: the highest published version. A fresh database is seeded with the
 * bundled default policy on first use (idempotent: a concurrent seed is ignored).
 */
export async function currentPolicy(db: Database): Promise<Policy> {
  const row = await db.select().from(policyVersions).orderBy(desc(policyVersions.version)).limit(1).get();
  if (row) return policySchema.parse(JSON.parse(row.body));
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

/** Every reviewed tool's status and approved alternative, for the extensions. */
export async function publishedReviews(
  db: Database,
): Promise<Record<string, { status: ReviewStatus; alternative: string | null }>> {
  const rows = await db
    .select({ tool: toolReviews.tool, status: toolReviews.status, alternative: toolReviews.alternative })
    .from(toolReviews)
    .where(ne(toolReviews.status, "unreviewed"))
    .all();
  const reviews: Record<string, { status: ReviewStatus; alternative: string | null }> = {};
  for (const row of rows) reviews[row.tool] = { status: row.status as ReviewStatus, alternative: row.alternative };
  return reviews;
}

export interface PublishedPolicy {
  version: number;
  publishedAt: number;
  publishedBy: string;
  policy: Policy;
}

/** Every published version, newest first (few rows: one per publication). */
export async function policyHistory(db: Database): Promise<PublishedPolicy[]> {
  await currentPolicy(db);
  const rows = await db.select().from(policyVersions).orderBy(desc(policyVersions.version)).all();
  return rows.map((row) => ({
    version: row.version,
    publishedAt: row.publishedAt,
    publishedBy: row.publishedBy,
    policy: policySchema.parse(JSON.parse(row.body)),
  }));
}

/** The label of each justification reason id; the newest version's wording wins. */
export function reasonLabels(history: PublishedPolicy[]): Map<string, string> {
  const labels = new Map<string, string>();
  for (const { policy } of history) {
    for (const reason of policy.reasons) if (!labels.has(reason.id)) labels.set(reason.id, reason.label);
  }
  return labels;
}
