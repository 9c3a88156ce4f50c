import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CompiledTool } from "../../shared/catalog/compile";
import { addDays } from "../../shared/day";
import { REVIEW_STATUSES, type ReviewStatus } from "../../shared/events";
import type { LessonInput } from "../../shared/lessons/schema";
import { evaluatePolicy } from "../../shared/policy/evaluate";
import {
  fittingLessons,
  type LessonMemory,
  planLesson,
  relevantLessons,
  rememberCompleted,
  rememberRequired,
  riskFactsOf,
} from "../../shared/policy/lessons";
import { type Policy, type PolicyInput, policySchema } from "../../shared/policy/schema";
import { compiledTool } from "../support/compiled-tool";

/* Which lesson fits a tool and when the policy requires it (shared/policy/lessons.ts). */

const tool = compiledTool;

const question = {
  prompt: "Pick one",
  options: [
    { text: "Right", correct: true, feedback: "Yes." },
    { text: "Wrong", correct: false, feedback: "No." },
  ],
};

function lesson(id: string, appliesTo: LessonInput["appliesTo"], version = 1): LessonInput {
  const text = { title: `Lesson ${id}`, body: "Short body.", questions: [question] };
  return {
    id,
    version,
    controls: ["eu-ai-act-art4"],
    appliesTo,
    readingSeconds: 5,
    text: { en: text, de: { ...text, title: `Lektion ${id}` } },
  };
}

const LESSONS = [
  lesson("chat", { categories: ["chat"] }),
  lesson("training", { facts: ["trains-on-free-tier"] }, 4),
  lesson("unreviewed-chat", { categories: ["chat"], statuses: ["unreviewed"] }),
  lesson("for-copilot", { tools: ["github-copilot"] }),
  lesson("meetings", { categories: ["meetings"] }),
];

function makePolicy(literacy: PolicyInput["literacy"]): Policy {
  // Approved tools pass, banned ones are blocked, recorders need a reason, the rest an acknowledgement.
  const rules = [
    ["approved", { statuses: ["approved"] }, "allow"],
    ["banned", { statuses: ["banned"] }, "block"],
    ["meetings", { categories: ["meetings"] }, "justify"],
    ["unreviewed", { statuses: ["unreviewed"] }, "acknowledge"],
  ].map(([id, when, action]) => ({ id, when, action }));
  return policySchema.parse({
    version: 3,
    name: "Literacy test policy",
    allowFreeText: true,
    rules,
    fallback: "inform",
    literacy,
  });
}

const policy = makePolicy({
  lessons: LESSONS,
  require: [
    { id: "meetings", when: { categories: ["meetings"] } },
    { id: "high", when: { riskLevels: ["high"] } },
  ],
});

const TODAY = "2026-11-30";
const trains = tool({ training: { free: true, enterprise: false } });

function plan(p: Policy, t: CompiledTool, status: ReviewStatus = "unreviewed", memory?: LessonMemory, today = TODAY) {
  return planLesson(p, evaluatePolicy(p, t, { status }), t, memory, today);
}

describe("which lesson fits a tool", () => {
  it("derives risk facts from the catalog's training facts", () => {
    expect(riskFactsOf(trains)).toEqual(new Set(["trains-on-free-tier"]));
    expect(riskFactsOf(tool({ training: { all: true } }))).toEqual(new Set(["trains-on-free-tier"]));
    // The free plan's own answer wins over what the page says of every plan.
    expect(riskFactsOf(tool({ training: { free: false, all: true } }))).toEqual(new Set());
    expect(riskFactsOf(tool({ training: { free: "unstated" } }))).toEqual(new Set());
    expect(riskFactsOf(tool({ training: { enterprise: true } }))).toEqual(new Set());
    expect(riskFactsOf(tool())).toEqual(new Set());
  });

  it("puts the most specific lesson first: tools, then risk facts, then statuses, then categories", () => {
    const lessons = makePolicy({ lessons: LESSONS }).literacy?.lessons ?? [];
    const ids = (t: CompiledTool, status: ReviewStatus) => fittingLessons(lessons, t, status).map((l) => l.id);
    expect(ids(trains, "unreviewed")).toEqual(["training", "unreviewed-chat", "chat"]);
    expect(ids(tool(), "approved")).toEqual(["chat"]);
    expect(ids(tool({ id: "github-copilot", category: "coding", training: { free: true } }), "unreviewed")).toEqual([
      "for-copilot",
      "training",
    ]);
    expect(ids(tool({ category: "image" }), "unreviewed")).toEqual([]);
  });
});

describe("planLesson", () => {
  it("offers the first lesson not completed at its version", () => {
    expect(plan(policy, trains).lesson?.id).toBe("training");
    const done = rememberCompleted(
      undefined,
      policy.literacy?.lessons[1] as NonNullable<Policy["literacy"]>["lessons"][0],
    );
    expect(done).toEqual({ completed: { training: 4 } });
    expect(plan(policy, trains, "unreviewed", done).lesson?.id).toBe("unreviewed-chat");
    // An older version completed does not count for a newer one.
    expect(plan(policy, trains, "unreviewed", { completed: { training: 3 } }).lesson?.id).toBe("training");
    const all = { completed: { training: 4, "unreviewed-chat": 1, chat: 1 } };
    expect(plan(policy, trains, "unreviewed", all)).toEqual({ lesson: null, required: false, requirement: null });
  });

  it("requires a lesson before an answer only where a requirement holds", () => {
    expect(plan(policy, trains)).toMatchObject({ required: false, requirement: null });
    const high = tool({ level: "high", risk: 70 });
    expect(plan(policy, high)).toMatchObject({
      lesson: { id: "unreviewed-chat" },
      required: true,
      requirement: "high",
    });
    const recorder = tool({ id: "otter", category: "meetings" });
    expect(plan(policy, recorder)).toMatchObject({
      lesson: { id: "meetings" },
      required: true,
      requirement: "meetings",
    });
    // A requirement never makes a nudge that asks no answer into a gate.
    expect(plan(policy, high, "approved_with_conditions")).toMatchObject({ lesson: { id: "chat" }, required: false });
    expect(plan(policy, high, "banned")).toMatchObject({ required: false });
  });

  it("never asks twice a day, and once per lesson version", () => {
    const high = tool({ level: "high", risk: 70 });
    const asked = rememberRequired(undefined, TODAY);
    expect(plan(policy, high, "unreviewed", asked)).toMatchObject({
      lesson: { id: "unreviewed-chat" },
      required: false,
    });
    expect(plan(policy, high, "unreviewed", asked, addDays(TODAY, 1))).toMatchObject({ required: true });
    const completed = { completed: { "unreviewed-chat": 1, chat: 1 } };
    expect(plan(policy, high, "unreviewed", completed, addDays(TODAY, 5))).toEqual({
      lesson: null,
      required: false,
      requirement: null,
    });
    // A new version of the lesson is asked again.
    const v2 = makePolicy({
      lessons: LESSONS.map((l) => (l.id === "unreviewed-chat" ? { ...l, version: 7 } : l)),
      require: policy.literacy?.require,
    });
    expect(plan(v2, high, "unreviewed", completed, addDays(TODAY, 5))).toMatchObject({
      lesson: { id: "unreviewed-chat", version: 7 },
      required: true,
    });
  });

  it("leaves allowed tools alone unless the admin asks", () => {
    const high = tool({ level: "high", risk: 70 });
    expect(plan(policy, high, "approved")).toEqual({ lesson: null, required: false, requirement: null });
    expect(relevantLessons(policy, evaluatePolicy(policy, high, { status: "approved" }), high)).toEqual([]);
    const asking = makePolicy({
      lessons: LESSONS,
      require: [{ id: "everyone", when: { categories: ["chat"] }, includeAllowed: true }],
    });
    expect(plan(asking, high, "approved")).toMatchObject({
      lesson: { id: "chat" },
      required: true,
      requirement: "everyone",
    });
    expect(
      relevantLessons(asking, evaluatePolicy(asking, high, { status: "approved" }), high).map((l) => l.id),
    ).toEqual(["chat"]);
  });

  it("offers nothing without lessons, and only required lessons when offering is off", () => {
    expect(plan(makePolicy(undefined), trains)).toEqual({ lesson: null, required: false, requirement: null });
    const quiet = makePolicy({
      offer: false,
      lessons: LESSONS,
      require: [{ id: "high", when: { riskLevels: ["high"] } }],
    });
    expect(plan(quiet, trains)).toEqual({ lesson: null, required: false, requirement: null });
    expect(plan(quiet, tool({ level: "high", risk: 80 }))).toMatchObject({ required: true, requirement: "high" });
    expect(plan(quiet, tool({ level: "high", risk: 80 }), "unreviewed", rememberRequired(undefined, TODAY))).toEqual({
      lesson: null,
      required: false,
      requirement: null,
    });
  });

  it("holds its promises for any tool, status, memory and day", () => {
    const arbitraryTool = fc.record({
      id: fc.constantFrom("chatgpt", "github-copilot", "otter"),
      category: fc.constantFrom("chat", "coding", "meetings", "image"),
      level: fc.constantFrom("low", "medium", "high") as fc.Arbitrary<CompiledTool["level"]>,
      training: fc.option(fc.record({ free: fc.boolean() }), { nil: undefined }),
    });
    const arbitraryMemory = fc.record(
      {
        completed: fc.dictionary(fc.constantFrom(...LESSONS.map((l) => l.id)), fc.integer({ min: 0, max: 8 })),
        requiredOn: fc.constantFrom(TODAY, addDays(TODAY, -1)),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(arbitraryTool, fc.constantFrom(...REVIEW_STATUSES), arbitraryMemory, (over, status, memory) => {
        const t = tool({ ...over, risk: over.level === "high" ? 80 : 20 });
        const decision = evaluatePolicy(policy, t, { status });
        const result = planLesson(policy, decision, t, memory, TODAY);
        if (result.required) {
          // Never twice a day, never for a version already completed, never for an allowed tool here.
          expect(memory.requiredOn).not.toBe(TODAY);
          expect(result.lesson).not.toBeNull();
          expect(decision.action === "allow" || status === "approved").toBe(false);
          expect(["acknowledge", "justify"]).toContain(decision.action);
        }
        if (result.lesson) {
          expect(memory.completed?.[result.lesson.id] ?? 0).toBeLessThan(result.lesson.version);
          // Completing it moves on: the same version is never offered again.
          const after = planLesson(policy, decision, t, rememberCompleted(memory, result.lesson), TODAY);
          expect(after.lesson?.id === result.lesson.id && after.lesson.version === result.lesson.version).toBe(false);
        }
      }),
    );
  });
});
