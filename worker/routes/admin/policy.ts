import { eq, max } from "drizzle-orm";
import { Hono } from "hono";
import {
  type LessonsResponse,
  type PolicyListResponse,
  type PolicyPublishResponse,
  type PolicyValidateResponse,
  type PolicyVersionResponse,
  policyRequest,
} from "../../../shared/admin";
import { policySchema } from "../../../shared/policy/schema";
import { defaultPolicy } from "../../catalog";
import { database } from "../../db/client";
import { latestLessons, lessonChanges, lessonTexts, publishedLessonVersions } from "../../db/lessons";
import { loadEffectiveCatalog } from "../../db/organization";
import { currentPolicy, policyHistory } from "../../db/policies";
import { policyVersions } from "../../db/schema";
import type { AppEnv } from "../../env";
import { refuse } from "../../errors";
import { jsonBody } from "../../middleware/validate";
import { checkPolicy } from "../../policy-check";

async function nextVersion(db: ReturnType<typeof database>): Promise<number> {
  await currentPolicy(db);
  const row = await db
    .select({ version: max(policyVersions.version) })
    .from(policyVersions)
    .get();
  return (row?.version ?? 0) + 1;
}

/**
 * The acceptable-use policy: `GET /` (in force + history), `GET /:version`,
 * `POST /validate` (problems by field, nothing stored), `POST /` (publish as the next
 * version; devices pick it up with their next policy fetch) and `GET /lessons` (the lessons
 * in force, every lesson version published, and the default lessons to start from).
 */
export const adminPolicy = new Hono<AppEnv>()
  .get("/", async (c) => {
    const db = database(c.env.DB);
    const history = await policyHistory(db);
    const current = history[0]?.policy ?? (await currentPolicy(db));
    const versions = history.map(({ version, publishedAt, publishedBy }) => ({ version, publishedAt, publishedBy }));
    return c.json({ current, versions } satisfies PolicyListResponse);
  })
  .post("/validate", jsonBody(policyRequest), async (c) => {
    const db = database(c.env.DB);
    const { byId } = await loadEffectiveCatalog(db);
    const { issues } = checkPolicy(c.req.valid("json").policy, await nextVersion(db), byId);
    return c.json({ ok: issues.length === 0, issues } satisfies PolicyValidateResponse);
  })
  .post("/", jsonBody(policyRequest), async (c) => {
    const db = database(c.env.DB);
    const { byId } = await loadEffectiveCatalog(db);
    const checked = checkPolicy(c.req.valid("json").policy, await nextVersion(db), byId);
    if (!checked.policy) {
      return refuse(c, 400, "change_refused", "policy refused, nothing was published", { issues: checked.issues });
    }
    const { policy, changed } = lessonChanges(checked.policy, latestLessons(await lessonTexts(c.env.DB)));
    const publishedAt = Date.now();
    const publishedBy = c.get("actor");
    // The version is taken inside the transaction, so two admins publishing at once get
    // consecutive versions instead of a conflict; new and changed lessons take the same
    // version (paths built from indexes only); the audit entries name the version written.
    const lessonPaths = changed
      .map(({ index }) => `, '$.literacy.lessons[${index}].version', coalesce(max(version), 0) + 1`)
      .join("");
    const [inserted] = await c.env.DB.batch<{ body: string }>([
      c.env.DB.prepare(
        `INSERT INTO policy_versions (version, body, published_at, published_by)
         SELECT coalesce(max(version), 0) + 1,
           json_set(?1, '$.version', coalesce(max(version), 0) + 1${lessonPaths}), ?2, ?3
         FROM policy_versions RETURNING body`,
      ).bind(JSON.stringify(policy), publishedAt, publishedBy),
      c.env.DB.prepare(
        `INSERT INTO audit_log (at, actor, action, target, detail)
         SELECT ?1, ?2, 'policy.publish', 'v' || max(version),
           json_object('version', max(version), 'name', ?3, 'rules', ?4, 'lessons', ?5)
         FROM policy_versions`,
      ).bind(publishedAt, publishedBy, policy.name, policy.rules.length, policy.literacy?.lessons.length ?? 0),
      ...changed.map(({ lesson }) =>
        c.env.DB.prepare(
          `INSERT INTO audit_log (at, actor, action, target, detail)
           SELECT ?1, ?2, 'lesson.publish', ?3 || ' v' || max(version),
             json_object('lesson', ?3, 'version', max(version), 'title', ?4)
           FROM policy_versions`,
        ).bind(publishedAt, publishedBy, lesson.id, lesson.text.en.title),
      ),
    ]);
    const published = policySchema.parse(JSON.parse(inserted?.results[0]?.body ?? JSON.stringify(policy)));
    return c.json(
      { version: published.version, publishedAt, publishedBy, policy: published } satisfies PolicyPublishResponse,
      201,
    );
  })
  .get("/lessons", async (c) => {
    const db = database(c.env.DB);
    const history = await policyHistory(db);
    const byVersion = new Map(history.map((entry) => [entry.version, entry]));
    const versions = (await publishedLessonVersions(c.env.DB))
      .map(({ lesson, version, policyVersion, publishedAt }) => ({
        lesson,
        version,
        policyVersion,
        publishedAt,
        publishedBy: byVersion.get(policyVersion)?.publishedBy ?? "",
      }))
      .sort((a, b) => a.lesson.localeCompare(b.lesson) || b.version - a.version);
    return c.json({
      lessons: history[0]?.policy.literacy?.lessons ?? [],
      versions,
      defaults: defaultPolicy.literacy?.lessons ?? [],
    } satisfies LessonsResponse);
  })
  .get("/:version{[0-9]+}", async (c) => {
    const version = Number(c.req.param("version"));
    const row = await database(c.env.DB)
      .select({ body: policyVersions.body })
      .from(policyVersions)
      .where(eq(policyVersions.version, version))
      .get();
    if (!row) return refuse(c, 404, "not_found", `no policy version ${version}`);
    return c.json({ policy: policySchema.parse(JSON.parse(row.body)) } satisfies PolicyVersionResponse);
  });
