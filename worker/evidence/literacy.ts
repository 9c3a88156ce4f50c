import type { EvidenceLiteracy, LessonAnnexEntry } from "../../shared/admin";
import type { ReviewStatus } from "../../shared/events";
import type { LessonAppliesTo } from "../../shared/lessons/schema";
import { evaluatePolicy } from "../../shared/policy/evaluate";
import { relevantLessons } from "../../shared/policy/lessons";
import type { Policy } from "../../shared/policy/schema";
import { catalog, toolsById } from "../catalog";
import type { BatchedRead } from "../db/batch";
import { publishedLessonsOf } from "../db/lessons";
import { type LiteracyCounts, literacyRead, relevancePairs } from "../db/literacy";
import type { PublishedPolicy } from "../db/policies";
import { literacyCoverageView } from "../literacy";

/*
 * The evidence pack's AI-literacy section (EU AI Act Art. 4, ISO/IEC 42001 7.2 and 7.3):
 * the lessons of the policy in force at the end of the period, the AI tools used in the
 * period that each is relevant to, coverage with its denominators, and every published
 * version of those lessons as an annex an auditor can read (texts in every language,
 * questions with the correct answer marked, sources).
 */

const categoryNames = new Map(catalog.categories.map((category) => [category.id, category.name]));
const RISK_FACT_WORDS: Record<string, string> = {
  "trains-on-free-tier": "the vendor trains its models on free-tier input by default",
};
const STATUS_WORDS: Record<ReviewStatus, string> = {
  unreviewed: "not yet reviewed",
  approved: "approved",
  approved_with_conditions: "approved with conditions",
  restricted: "restricted",
  banned: "banned",
};

/** What a lesson applies to, in words: "Categories: Chat, Research; risk fact: ...". */
function appliesToText(appliesTo: LessonAppliesTo): string {
  const parts: string[] = [];
  if (appliesTo.tools) {
    parts.push(`Tools: ${appliesTo.tools.map((id) => toolsById.get(id)?.name ?? id).join(", ")}`);
  }
  if (appliesTo.categories) {
    parts.push(`Categories: ${appliesTo.categories.map((id) => categoryNames.get(id) ?? id).join(", ")}`);
  }
  if (appliesTo.facts) {
    parts.push(`Risk fact: ${appliesTo.facts.map((fact) => RISK_FACT_WORDS[fact] ?? fact).join(" or ")}`);
  }
  if (appliesTo.statuses) parts.push(`Review status: ${appliesTo.statuses.map((s) => STATUS_WORDS[s]).join(" or ")}`);
  return parts.join("; ");
}

export interface LiteracyInput {
  from: string;
  to: string;
  /** End of the period, in ms. */
  end: number;
  policy: Policy;
  reviews: Record<string, { status: ReviewStatus }>;
  /** The AI tools used in the period. */
  used: string[];
  k: number;
}

/** The coverage figures the section needs, as a read to batch with the pack's others. */
export function literacyCountsRead(
  d1: D1Database,
  input: Pick<LiteracyInput, "from" | "to" | "policy" | "reviews">,
): BatchedRead<LiteracyCounts> {
  const { from, to, policy, reviews } = input;
  return literacyRead(d1, relevancePairs(policy, reviews), { kind: "period", from, to });
}

/** The section, from its coverage figures and every published policy version. */
export function literacySection(
  input: LiteracyInput,
  counts: LiteracyCounts,
  history: PublishedPolicy[],
): EvidenceLiteracy {
  const { from, to, end, policy, reviews, used, k } = input;
  const lessons = policy.literacy?.lessons ?? [];
  const { texts, versions } = publishedLessonsOf(history);
  const view = literacyCoverageView(counts, lessons, k);
  const systems = new Map<string, Array<{ id: string; name: string }>>();
  for (const id of used) {
    const tool = toolsById.get(id);
    if (!tool) continue;
    for (const lesson of relevantLessons(policy, evaluatePolicy(policy, tool, reviews[id]), tool)) {
      const list = systems.get(lesson.id) ?? [];
      list.push({ id, name: tool.name });
      systems.set(lesson.id, list);
    }
  }
  const inForce = new Set(lessons.map((lesson) => lesson.id));
  const annex: LessonAnnexEntry[] = versions
    .filter((entry) => inForce.has(entry.lesson) && entry.publishedAt <= end)
    .sort((a, b) => a.lesson.localeCompare(b.lesson) || b.version - a.version)
    .flatMap((entry) => {
      const lesson = texts.get(`${entry.lesson}|${entry.version}`);
      if (!lesson) return [];
      return [
        {
          lesson: lesson.id,
          version: lesson.version,
          policyVersion: entry.policyVersion,
          publishedAt: entry.publishedAt,
          readingSeconds: lesson.readingSeconds,
          controls: lesson.controls,
          appliesTo: appliesToText(lesson.appliesTo),
          sources: lesson.sources,
          text: lesson.text,
        },
      ];
    });
  return {
    from,
    to,
    users: view.users,
    covered: view.covered,
    byGroup: view.byGroup,
    lessons: view.lessons.map((coverage, i) => {
      const lesson = lessons[i] as (typeof lessons)[number];
      return {
        ...coverage,
        appliesTo: appliesToText(lesson.appliesTo),
        controls: lesson.controls,
        systems: (systems.get(lesson.id) ?? []).sort((a, b) => a.name.localeCompare(b.name)),
      };
    }),
    annex,
  };
}
