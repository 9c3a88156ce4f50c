import type { LessonCoverage, LiteracyCoverage } from "../shared/admin";
import type { Lesson } from "../shared/lessons/schema";
import type { LiteracyCounts } from "./db/literacy";
import { atLeastK, suppressSmallGroups } from "./privacy";

/*
 * Literacy coverage as views and packs show it, under the k rules: a total or a lesson's
 * figures are withheld when fewer than k devices used the tools concerned; groups below k are
 * merged (and merged further while the merged ones could be derived from the totals), as for
 * acknowledgements.
 */

function coverageOfLessons(counts: LiteracyCounts, lessons: readonly Lesson[], k: number): LessonCoverage[] {
  return lessons.map((lesson) => {
    const { users, completed } = counts.lessons.get(lesson.id) ?? { users: 0, completed: 0 };
    const perVersion = new Map<number, { completed: number; passedFirstTry: number }>();
    for (const row of counts.versions) {
      if (row.lesson !== lesson.id) continue;
      const entry = perVersion.get(row.version) ?? { completed: 0, passedFirstTry: 0 };
      if (row.outcome === "completed") entry.completed = row.devices;
      else entry.passedFirstTry = row.devices;
      perVersion.set(row.version, entry);
    }
    if (!perVersion.has(lesson.version)) perVersion.set(lesson.version, { completed: 0, passedFirstTry: 0 });
    return {
      lesson: lesson.id,
      title: lesson.text.en.title,
      version: lesson.version,
      readingSeconds: lesson.readingSeconds,
      users: atLeastK(users, users, k),
      completed: atLeastK(completed, users, k),
      versions: [...perVersion]
        .sort(([a], [b]) => b - a)
        .map(([version, entry]) => ({
          version,
          completed: atLeastK(entry.completed, users, k),
          passedFirstTry: atLeastK(entry.passedFirstTry, users, k),
        })),
    };
  });
}

export function literacyCoverageView(counts: LiteracyCounts, lessons: readonly Lesson[], k: number): LiteracyCoverage {
  const users = counts.groups.reduce((sum, row) => sum + row.users, 0);
  const covered = counts.groups.reduce((sum, row) => sum + row.covered, 0);
  const byGroup = suppressSmallGroups(
    counts.groups.map((row) => ({ group: row.group, active: row.users, acknowledged: row.covered })),
    k,
  ).map((row) => ({
    group: row.group,
    other: row.other,
    users: row.active,
    covered: row.acknowledged,
    suppressed: row.suppressed,
  }));
  return {
    users: atLeastK(users, users, k),
    covered: atLeastK(covered, users, k),
    byGroup,
    lessons: coverageOfLessons(counts, lessons, k),
  };
}
