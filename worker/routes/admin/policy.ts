import { desc } from "drizzle-orm";
import { Hono } from "hono";
import { database } from "../../db/client";
import { currentPolicy } from "../../db/policies";
import { policyVersions } from "../../db/schema";
import type { AppEnv } from "../../env";

/** `GET /api/admin/policy`: the policy in force and the history of published versions. */
export const adminPolicy = new Hono<AppEnv>().get("/", async (c) => {
  const db = database(c.env.DB);
  const current = await currentPolicy(db);
  const versions = await db
    .select({
      version: policyVersions.version,
      publishedAt: policyVersions.publishedAt,
      publishedBy: policyVersions.publishedBy,
    })
    .from(policyVersions)
    .orderBy(desc(policyVersions.version))
    .all();
  return c.json({ current, versions });
});
