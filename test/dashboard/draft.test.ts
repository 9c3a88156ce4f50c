import { describe, expect, it } from "vitest";
import defaultPolicy from "../../policies/dist/default-policy.json";
import type { Policy } from "../../shared/policy/schema";
import { catalogById } from "../../worker/dashboard/src/catalog";
import { safeEvaluate, safeLesson } from "../../worker/dashboard/src/policy/draft";

/*
 * The lesson in the policy editor's preview: what a device that has taken no lesson gets with
 * the nudge under the draft, from the same shared lesson plan the extension uses, and nothing
 * while the draft's lesson cannot be shown yet.
 */
const POLICY = defaultPolicy as unknown as Policy;
const TODAY = "2026-11-20";

function lessonFor(policy: Policy, id: string) {
  const tool = catalogById.get(id);
  if (!tool) throw new Error(`${id} is not in the catalog`);
  const decision = safeEvaluate(policy, tool, { status: "unreviewed" });
  if (!decision) throw new Error(`the draft decides nothing for ${id}`);
  return safeLesson(policy, decision, tool, TODAY);
}

describe("the preview's lesson", () => {
  it("is the lesson the shared plan gives, required where the policy requires it", () => {
    const meetings = lessonFor(POLICY, "avoma");
    expect(meetings).toMatchObject({ id: "meeting-recorders", language: "en", required: true });
    expect(lessonFor(POLICY, "deepl")).toMatchObject({ id: "translation", required: false });
  });

  it("is absent for an allowed tool, and while the draft's lesson text is incomplete", () => {
    const allowAll: Policy = { ...POLICY, rules: [], fallback: "allow" };
    expect(lessonFor(allowAll, "deepl")).toBeNull();
    const literacy = POLICY.literacy;
    if (!literacy) throw new Error("the default policy has no literacy section");
    const broken: Policy = {
      ...POLICY,
      literacy: {
        ...literacy,
        lessons: literacy.lessons.map((lesson) => ({
          ...lesson,
          text: { ...lesson.text, en: { ...lesson.text.en, body: undefined as unknown as string } },
        })),
      },
    };
    expect(lessonFor(broken, "deepl")).toBeNull();
  });
});
