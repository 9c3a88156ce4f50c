import type { LessonOutcome } from "../../shared/lessons/schema";
import { PLAUSIBLE_LESSON_OUTCOMES_PER_DAY } from "../../shared/limits";
import type { LessonCount, RefusedCount } from "../../shared/protocol";
import type { Problem, StoredState } from "../plausibility";

const lessonKey = (day: string, lesson: string, version: number, outcome: LessonOutcome) =>
  `${day}|${lesson}|${version}|${outcome}`;

/**
 * Lesson outcomes: each on its own (window, a published lesson version, not before its
 * publication, the daily cap), then the outcomes of one day and lesson version together:
 * completed <= opened and passed at the first try <= completed, after the merge.
 */
export function implausibleLessons(
  counts: LessonCount[],
  stored: StoredState,
  dayProblem: (day: string) => Problem | null,
  relations: boolean,
): RefusedCount[] {
  const refused: RefusedCount[] = [];
  const refuse = ({ day, lesson, version, outcome }: Omit<LessonCount, "n">, [reason, message]: Problem) =>
    refused.push({ kind: "lesson", day, lesson, version, outcome, reason, message });
  const accepted = new Map<string, number>();
  for (const count of counts) {
    const { day, lesson, version, outcome, n } = count;
    const published = stored.lessonVersions.get(`${lesson}|${version}`);
    const cap = PLAUSIBLE_LESSON_OUTCOMES_PER_DAY[outcome];
    const problem =
      dayProblem(day) ??
      (published === undefined
        ? (["unknown_lesson", `lesson "${lesson}" v${version} was never published`] as Problem)
        : null) ??
      (published !== undefined && day < published
        ? ([
            "before_publication",
            `lesson "${lesson}" v${version} was published on ${published}, after ${day}`,
          ] as Problem)
        : null) ??
      (n > cap ? (["over_cap", `${outcome} ${n} > ${cap} in one day`] as Problem) : null);
    if (problem) refuse(count, problem);
    else accepted.set(lessonKey(day, lesson, version, outcome), n);
  }
  const merged = (day: string, lesson: string, version: number, outcome: LessonOutcome) => {
    const key = lessonKey(day, lesson, version, outcome);
    return Math.max(stored.lessons.get(key) ?? 0, accepted.get(key) ?? 0);
  };
  const groups = new Map<string, { day: string; lesson: string; version: number }>();
  for (const count of counts) {
    if (accepted.has(lessonKey(count.day, count.lesson, count.version, count.outcome))) {
      groups.set(`${count.day}|${count.lesson}|${count.version}`, count);
    }
  }
  const order: Array<[LessonOutcome, LessonOutcome]> = [
    ["completed", "opened"],
    ["passed_first_try", "completed"],
  ];
  for (const { day, lesson, version } of relations ? groups.values() : []) {
    for (const [later, earlier] of order) {
      const key = lessonKey(day, lesson, version, later);
      const grew = (accepted.get(key) ?? 0) > (stored.lessons.get(key) ?? 0);
      const laterN = merged(day, lesson, version, later);
      const earlierN = merged(day, lesson, version, earlier);
      if (!grew || laterN <= earlierN) continue;
      accepted.delete(key);
      refuse({ day, lesson, version, outcome: later }, [
        "outcome_out_of_order",
        `${later} ${laterN} > ${earlier} ${earlierN} for lesson "${lesson}" v${version}`,
      ]);
    }
  }
  return refused;
}
