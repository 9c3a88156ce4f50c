import type { CompiledTool } from "../catalog/compile";
import type { Day } from "../day";
import type { ReviewStatus } from "../events";
import type { Lesson, RiskFact } from "../lessons/schema";
import { conditionsHold, type Decision } from "./evaluate";
import type { LessonRequirement, LiteracySettings, Policy } from "./schema";

/*
 * Which lesson fits a tool, and whether the policy requires it now. Pure: the extension asks
 * it at the moment of use, the worker asks it for every tool to know which lessons were
 * relevant to the tools a device used (coverage), and the dashboard's preview asks it too.
 *
 * - A lesson fits a tool when every condition of its `appliesTo` holds (tools, categories,
 *   risk facts derived from the catalog, review statuses). The most specific lesson comes
 *   first: one naming tools, then risk facts, then review statuses, then categories; ties by id.
 * - The lesson offered is the first fitting one this device has not completed at its version.
 * - Allowed tools (the policy says allow, or the tool is approved) are never offered a lesson
 *   unless a requirement that matches them says `includeAllowed`.
 * - A lesson is required when the first matching requirement asks for it, the nudge asks for
 *   an answer (acknowledge or justify; for an allowed tool the admin asked, so the lesson is
 *   shown on its own), the lesson's version was not completed on this device, and no lesson
 *   was required on this device earlier the same day (never twice a day).
 */

export type LessonTool = Pick<CompiledTool, "id" | "category" | "level" | "risk" | "training">;

/** The risk facts of a tool, from the catalog's sourced facts. */
export function riskFactsOf(tool: Pick<CompiledTool, "training">): Set<RiskFact> {
  const facts = new Set<RiskFact>();
  const training = tool.training;
  if ((training?.free ?? training?.all) === true) facts.add("trains-on-free-tier");
  return facts;
}

function lessonFits(lesson: Lesson, tool: LessonTool, status: ReviewStatus): boolean {
  const { tools, categories, facts, statuses } = lesson.appliesTo;
  if (tools && !tools.includes(tool.id)) return false;
  if (categories && !categories.includes(tool.category)) return false;
  if (statuses && !statuses.includes(status)) return false;
  if (facts) {
    const known = riskFactsOf(tool);
    if (!facts.some((fact) => known.has(fact))) return false;
  }
  return true;
}

function specificity(lesson: Lesson): number {
  const { tools, facts, statuses, categories } = lesson.appliesTo;
  return (tools ? 8 : 0) + (facts ? 4 : 0) + (statuses ? 2 : 0) + (categories ? 1 : 0);
}

/** Every lesson that fits the tool, most specific first. */
export function fittingLessons(lessons: readonly Lesson[], tool: LessonTool, status: ReviewStatus): Lesson[] {
  return lessons
    .filter((lesson) => lessonFits(lesson, tool, status))
    .sort((a, b) => specificity(b) - specificity(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** What the policy's decision means for lessons: is the tool allowed, and which requirement holds. */
function lessonContext(
  literacy: LiteracySettings,
  decision: Pick<Decision, "action" | "status">,
  tool: LessonTool,
): { allowed: boolean; requirement: LessonRequirement | null } {
  const allowed = decision.action === "allow" || decision.status === "approved";
  const requirement =
    literacy.require.find(
      (candidate) => (candidate.includeAllowed || !allowed) && conditionsHold(candidate.when, tool, decision.status),
    ) ?? null;
  return { allowed, requirement };
}

/**
 * The lessons relevant to a tool under the policy's decision: those the device would offer
 * for it (or require), whatever it already completed. Coverage counts against these.
 */
export function relevantLessons(
  policy: Pick<Policy, "literacy">,
  decision: Pick<Decision, "action" | "status">,
  tool: LessonTool,
): Lesson[] {
  const literacy = policy.literacy;
  if (!literacy || literacy.lessons.length === 0) return [];
  const { allowed, requirement } = lessonContext(literacy, decision, tool);
  if (!requirement && (allowed || !literacy.offer)) return [];
  return fittingLessons(literacy.lessons, tool, decision.status);
}

/** What the device remembers of lessons, kept only in the browser. */
export interface LessonMemory {
  /** Lesson id -> the highest version completed on this device. */
  completed?: Record<string, number>;
  /** The last day (UTC) a lesson was required on this device. */
  requiredOn?: Day;
}

export interface LessonPlan {
  /** The lesson to offer: the first relevant one not completed at its version; null: none. */
  lesson: Lesson | null;
  /** The lesson must be completed before the answer counts (or, for an allowed tool, is shown). */
  required: boolean;
  /** The requirement that asks for it, when required. */
  requirement: string | null;
}

const NO_LESSON: LessonPlan = { lesson: null, required: false, requirement: null };

/** The lesson plan for a tool at the moment of use, given what this device remembers. */
export function planLesson(
  policy: Pick<Policy, "literacy">,
  decision: Pick<Decision, "action" | "status">,
  tool: LessonTool,
  memory: LessonMemory | undefined,
  today: Day,
): LessonPlan {
  const literacy = policy.literacy;
  const lesson =
    relevantLessons(policy, decision, tool).find(
      (candidate) => (memory?.completed?.[candidate.id] ?? 0) < candidate.version,
    ) ?? null;
  if (!literacy || !lesson) return NO_LESSON;
  const { allowed, requirement } = lessonContext(literacy, decision, tool);
  const asksAnswer = decision.action === "acknowledge" || decision.action === "justify";
  const required = requirement !== null && (asksAnswer || allowed) && memory?.requiredOn !== today;
  if (!required && !literacy.offer) return NO_LESSON;
  return { lesson, required, requirement: required ? (requirement?.id ?? null) : null };
}

/** The memory after a lesson version was completed. */
export function rememberCompleted(
  memory: LessonMemory | undefined,
  lesson: Pick<Lesson, "id" | "version">,
): LessonMemory {
  const completed = { ...memory?.completed };
  completed[lesson.id] = Math.max(completed[lesson.id] ?? 0, lesson.version);
  return { ...memory, completed };
}

/** The memory after a lesson was required on `day`. */
export function rememberRequired(memory: LessonMemory | undefined, day: Day): LessonMemory {
  return { ...memory, requiredOn: day };
}
