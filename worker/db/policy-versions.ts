import { dayOf } from "../../shared/day";
import { keptPerIsolate } from "../isolate-state";
import { database } from "./client";
import { currentPolicy } from "./policies";
import { publishedPolicy } from "./published";

/*
 * The published policy versions as the plausibility checks need them: the day each was
 * published, its justification reasons, and the day each lesson version was first published
 * (a lesson version exists exactly when a published policy carried it, see db/lessons.ts). A published version never changes, so this
 * isolate keeps what it has read and reads again only when a report names a version it does
 * not know yet (a version published since, or one never published: the rate limit per device
 * bounds how often a scripted device can make it read).
 */

export interface PublishedVersions {
  /** version -> day it was published (UTC) */
  published: Map<number, string>;
  /** version -> its justification reason ids */
  reasons: Map<number, Set<string>>;
  /** `lesson|version` -> day the first policy that carried it was published (UTC) */
  lessonVersions: Map<string, string>;
}

let known: PublishedVersions | null = null;
keptPerIsolate(() => {
  known = null;
});

async function load(d1: D1Database): Promise<PublishedVersions> {
  const { results } = await d1
    .prepare("SELECT version, published_at AS publishedAt, body FROM policy_versions ORDER BY published_at")
    .all<{ version: number; publishedAt: number; body: string }>();
  const versions: PublishedVersions = { published: new Map(), reasons: new Map(), lessonVersions: new Map() };
  for (const row of results) {
    const version = Number(row.version);
    const day = dayOf(Number(row.publishedAt));
    versions.published.set(version, day);
    const policy = publishedPolicy(row.body);
    versions.reasons.set(version, new Set(policy.reasons.map((reason) => reason.id)));
    for (const lesson of policy.literacy?.lessons ?? []) {
      const key = `${lesson.id}|${lesson.version}`;
      if (!versions.lessonVersions.has(key)) versions.lessonVersions.set(key, day);
    }
  }
  return versions;
}

/** The policy versions and lesson versions (`lesson|version`) a report names. */
export interface VersionsNamed {
  policies: Iterable<number>;
  lessons: Iterable<string>;
}

/**
 * Every published version, read again when one `needed` names is unknown. A database without
 * any publishes the bundled default policy first, as on any first use.
 */
export async function publishedVersions(d1: D1Database, needed: VersionsNamed): Promise<PublishedVersions> {
  const cached = known;
  const knows = (versions: PublishedVersions) =>
    [...needed.policies].every((version) => versions.published.has(version)) &&
    [...needed.lessons].every((lesson) => versions.lessonVersions.has(lesson));
  if (cached && knows(cached)) return cached;
  let versions = await load(d1);
  if (versions.published.size === 0) {
    await currentPolicy(database(d1));
    versions = await load(d1);
  }
  known = versions;
  return versions;
}
