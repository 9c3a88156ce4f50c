import type { Lesson } from "../../shared/lessons/schema";
import type { Policy } from "../../shared/policy/schema";
import { canonicalJson } from "../evidence/signature";

/*
 * Lesson versions are not a table of their own: every published policy version's body holds
 * its lessons, so the lessons ever published are read from policy_versions with SQLite's
 * json_each. One source of truth, nothing to keep in sync: a lesson version exists exactly
 * when a published policy carried it, and was published when the first such policy was.
 */

/** (lesson, version) -> the first policy version that carried it, and when that was published. */
export const PUBLISHED_LESSON_VERSIONS = `
  SELECT json_extract(l.value, '$.id') AS lesson, json_extract(l.value, '$.version') AS version,
    min(p.version) AS policyVersion, min(p.published_at) AS publishedAt
  FROM policy_versions AS p, json_each(p.body, '$.literacy.lessons') AS l
  GROUP BY 1, 2`;

export interface PublishedLessonVersion {
  lesson: string;
  version: number;
  policyVersion: number;
  publishedAt: number;
}

/**
 * Every published lesson version (what PUBLISHED_LESSON_VERSIONS reads in SQL, for ingest's
 * batch) and each one's text, `id|version` -> lesson, from the first policy that carried it:
 * found in the published policies already read (db/policies.ts policyHistory, which parses
 * each version once per isolate), so no statement and no lesson text travels again.
 */
export function publishedLessonsOf(history: Array<{ version: number; publishedAt: number; policy: Policy }>): {
  versions: PublishedLessonVersion[];
  texts: Map<string, Lesson>;
} {
  const texts = new Map<string, Lesson>();
  const versions = new Map<string, PublishedLessonVersion>();
  for (const { version, publishedAt, policy } of [...history].sort((a, b) => a.version - b.version)) {
    for (const lesson of policy.literacy?.lessons ?? []) {
      const key = `${lesson.id}|${lesson.version}`;
      if (!texts.has(key)) texts.set(key, lesson);
      const seen = versions.get(key);
      versions.set(key, {
        lesson: lesson.id,
        version: lesson.version,
        policyVersion: Math.min(seen?.policyVersion ?? version, version),
        publishedAt: Math.min(seen?.publishedAt ?? publishedAt, publishedAt),
      });
    }
  }
  return { versions: [...versions.values()], texts };
}

/** Each lesson's latest published version: what a publication compares a lesson with. */
export function latestLessons(texts: Map<string, Lesson>): Map<string, Lesson> {
  const latest = new Map<string, Lesson>();
  for (const lesson of texts.values()) {
    const known = latest.get(lesson.id);
    if (!known || lesson.version > known.version) latest.set(lesson.id, lesson);
  }
  return latest;
}

/**
 * A lesson's version is the policy version that first carried its current text. Before a
 * publication: each lesson whose text equals its latest published text keeps that version;
 * the others (new or changed) are listed, to be given the new policy version in the same
 * statement that takes it, so concurrent publications never give two texts one version.
 */
export function lessonChanges(
  policy: Policy,
  latest: Map<string, Lesson>,
): { policy: Policy; changed: Array<{ index: number; lesson: Lesson }> } {
  const literacy = policy.literacy;
  if (!literacy) return { policy, changed: [] };
  const changed: Array<{ index: number; lesson: Lesson }> = [];
  const text = (lesson: Lesson) => canonicalJson({ ...lesson, version: 0 });
  const lessons = literacy.lessons.map((lesson, index) => {
    const known = latest.get(lesson.id);
    if (known && text(known) === text(lesson)) return { ...lesson, version: known.version };
    changed.push({ index, lesson });
    return lesson;
  });
  return { policy: { ...policy, literacy: { ...literacy, lessons } }, changed };
}
