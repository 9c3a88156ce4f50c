import type { CompiledTool } from "../../shared/catalog/compile";
import type { ANSWER_EVENTS } from "../../shared/events";
import type { LessonLanguage } from "../../shared/lessons/reading";
import type { LessonText } from "../../shared/lessons/schema";
import type { Decision } from "../../shared/policy/evaluate";

/** The lesson a nudge offers ("Why this matters") or requires, in the browser's language. */
export interface NudgeLesson {
  id: string;
  version: number;
  readingSeconds: number;
  language: LessonLanguage;
  text: LessonText;
  /** The nudge's answer waits until every check question is answered correctly. */
  required: boolean;
}

/** What a nudge needs to render: the decision, the tool's facts and the alternatives. */
export interface NudgeView {
  decision: Decision;
  tool: Pick<
    CompiledTool,
    "id" | "name" | "vendor" | "category" | "risk" | "level" | "trains" | "trainsOn" | "training" | "checked"
  >;
  alternatives: Array<{ id: string; name: string; url: string }>;
  reasons: Array<{ id: string; label: string }>;
  /** Absent: the policy has no lesson for this tool now. */
  lesson?: NudgeLesson;
}

/** A person's answer to a nudge; each needs a nudge shown for the same ticket. */
export type NudgeAnswer = (typeof ANSWER_EVENTS)[number];

/** How the background graded one answer to a lesson's check question. */
export interface LessonGrade {
  correct: boolean;
  /** Every question of the lesson is now answered correctly. */
  completed: boolean;
}
