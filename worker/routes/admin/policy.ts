import { Hono } from "hono";
import {
  type LessonsResponse,
  type PolicyListResponse,
  type PolicyPublishResponse,
  type PolicyValidateResponse,
  type PolicyVersionResponse,
  policyRequest,
} from "../../../shared/admin";
import { defaultPolicy } from "../../catalog";
import { database } from "../../db/client";
import { latestLessons, lessonChanges, publishedLessonsOf } from "../../db/lessons";
import { loadEffectiveCatalog } from "../../db/organization";
import { currentPolicy, nextPolicyVersion, policyHistory, policyVersion, publishPolicy } from "../../db/policies";
import type { AppEnv } from "../../env";
import { refuse } from "../../errors";
import { jsonBody } from "../../middleware/validate";
import { checkPolicy } from "../../policy-check";

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
    const { issues } = checkPolicy(c.req.valid("json").policy, await nextPolicyVersion(db), byId);
    return c.json({ ok: issues.length === 0, issues } satisfies PolicyValidateResponse);
  })
  .post("/", jsonBody(policyRequest), async (c) => {
    const db = database(c.env.DB);
    const { byId } = await loadEffectiveCatalog(db);
    const checked = checkPolicy(c.req.valid("json").policy, await nextPolicyVersion(db), byId);
    if (!checked.policy) {
      return refuse(c, 400, "change_refused", "policy refused, nothing was published", { issues: checked.issues });
    }
    const { texts } = publishedLessonsOf(await policyHistory(db));
    const { policy, changed } = lessonChanges(checked.policy, latestLessons(texts));
    const publishedAt = Date.now();
    const publishedBy = c.get("actor");
    const published = await publishPolicy(c.env.DB, policy, changed, publishedAt, publishedBy);
    return c.json(
      { version: published.version, publishedAt, publishedBy, policy: published } satisfies PolicyPublishResponse,
      201,
    );
  })
  .get("/lessons", async (c) => {
    const db = database(c.env.DB);
    const history = await policyHistory(db);
    const byVersion = new Map(history.map((entry) => [entry.version, entry]));
    const versions = publishedLessonsOf(history)
      .versions.map(({ lesson, version, policyVersion, publishedAt }) => ({
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
    const policy = await policyVersion(database(c.env.DB), version);
    if (!policy) return refuse(c, 404, "not_found", `no policy version ${version}`);
    return c.json({ policy } satisfies PolicyVersionResponse);
  });
