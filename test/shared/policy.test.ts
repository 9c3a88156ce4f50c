import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CompiledTool } from "../../shared/catalog/compile";
import { REVIEW_STATUSES } from "../../shared/events";
import { evaluatePolicy, nudgeDue } from "../../shared/policy/evaluate";
import { ACTIONS, type Policy, policySchema } from "../../shared/policy/schema";
import { compiledTool } from "../support/compiled-tool";

const tool = (over: Partial<CompiledTool> = {}): CompiledTool =>
  compiledTool({ trains: "some", trainsOn: ["free"], ...over });

const policy: Policy = policySchema.parse({
  version: 3,
  name: "Test policy",
  reasons: [{ id: "evaluating", label: "Evaluating" }],
  rules: [
    { id: "approved", when: { statuses: ["approved"] }, action: "allow" },
    { id: "banned", when: { statuses: ["banned"] }, action: "block" },
    { id: "companions", when: { categories: ["companions"] }, action: "block" },
    { id: "risky", when: { statuses: ["unreviewed"], riskLevels: ["high"] }, action: "justify" },
    { id: "unreviewed", when: { statuses: ["unreviewed"] }, action: "acknowledge", reacknowledgeDays: 30 },
    { id: "restricted", when: { statuses: ["restricted"] }, action: "redirect", alternatives: ["claude"] },
  ],
  fallback: "inform",
});

describe("evaluatePolicy", () => {
  it("takes the first rule whose conditions all hold", () => {
    expect(evaluatePolicy(policy, tool()).ruleId).toBe("unreviewed");
    expect(evaluatePolicy(policy, tool({ level: "high", risk: 70 })).action).toBe("justify");
    expect(evaluatePolicy(policy, tool(), { status: "approved" }).action).toBe("allow");
    expect(evaluatePolicy(policy, tool(), { status: "banned" }).action).toBe("block");
    expect(evaluatePolicy(policy, tool({ category: "companions" }), { status: "approved" }).action).toBe("allow");
    expect(evaluatePolicy(policy, tool(), { status: "approved_with_conditions" })).toMatchObject({
      action: "inform",
      ruleId: "fallback",
    });
  });

  it("carries the organization's enterprise agreement to the nudge, and only when recorded", () => {
    expect(evaluatePolicy(policy, tool(), { status: "approved", agreement: true }).agreement).toBe(true);
    expect(evaluatePolicy(policy, tool(), { status: "approved" }).agreement).toBe(false);
    expect(evaluatePolicy(policy, tool()).agreement).toBe(false);
  });

  it("puts the review's approved alternative first and never offers the tool itself", () => {
    const decision = evaluatePolicy(policy, tool(), { status: "restricted", alternative: "gemini" });
    expect(decision.action).toBe("redirect");
    expect(decision.alternatives).toEqual(["gemini", "claude"]);
    const self = evaluatePolicy(policy, tool({ id: "claude" }), { status: "restricted" });
    expect(self.alternatives).toEqual([]);
    expect(self.action).toBe("acknowledge");
  });

  it("matches a rule on the entry's kind: the approved browser is expressible", () => {
    const browserPolicy = policySchema.parse({
      ...policy,
      rules: [
        {
          id: "use-approved-browser",
          when: { kinds: ["browser"], statuses: ["unreviewed", "restricted", "banned"] },
          action: "inform",
          message: "Please use the organization's approved browser for work.",
        },
        { id: "api-calls", when: { kinds: ["api"] }, action: "allow" },
        ...policy.rules,
      ],
    });
    const comet = tool({ id: "comet", name: "Comet", category: "browsers", kind: "browser" });
    expect(evaluatePolicy(browserPolicy, comet)).toMatchObject({ ruleId: "use-approved-browser", action: "inform" });
    expect(evaluatePolicy(browserPolicy, comet, { status: "approved" }).ruleId).toBe("approved");
    // The same tool met as a page and as an API call; an extension's own kind always wins.
    expect(evaluatePolicy(browserPolicy, tool()).ruleId).toBe("unreviewed");
    expect(evaluatePolicy(browserPolicy, tool(), undefined, "api").ruleId).toBe("api-calls");
    expect(evaluatePolicy(browserPolicy, tool({ kind: "extension" }), undefined, "api").ruleId).toBe("unreviewed");
    expect(
      policySchema.safeParse({ ...policy, rules: [{ id: "x", when: { kinds: ["desktop"] }, action: "allow" }] })
        .success,
    ).toBe(false);
  });

  it("always decides one of the actions, for any tool and status (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...REVIEW_STATUSES),
        fc.constantFrom("chat", "companions", "coding"),
        fc.integer({ min: 0, max: 100 }),
        (status, category, risk) => {
          const level = risk >= 60 ? "high" : risk >= 35 ? "medium" : "low";
          const decision = evaluatePolicy(policy, tool({ category, risk, level }), { status });
          expect(ACTIONS).toContain(decision.action);
          expect(decision.policyVersion).toBe(3);
        },
      ),
    );
  });
});

describe("nudgeDue", () => {
  const now = Date.UTC(2026, 10, 26);
  const ack = evaluatePolicy(policy, tool());
  it("asks for acknowledgement again on a new policy version or after N days", () => {
    expect(nudgeDue(ack, undefined, now)).toBe(true);
    expect(nudgeDue(ack, { answeredVersion: 3, answeredAt: now - 86_400_000 }, now)).toBe(false);
    expect(nudgeDue(ack, { answeredVersion: 2, answeredAt: now - 1000 }, now)).toBe(true);
    expect(nudgeDue(ack, { answeredVersion: 3, answeredAt: now - 31 * 86_400_000 }, now)).toBe(true);
  });
  it("caps inform to once per cooldown and never shows allow or block", () => {
    const inform = evaluatePolicy(policy, tool(), { status: "approved_with_conditions" });
    expect(nudgeDue(inform, { shownAt: now - 3_600_000 }, now)).toBe(false);
    expect(nudgeDue(inform, { shownAt: now - 25 * 3_600_000 }, now)).toBe(true);
    expect(nudgeDue(evaluatePolicy(policy, tool(), { status: "approved" }), undefined, now)).toBe(false);
    expect(nudgeDue(evaluatePolicy(policy, tool(), { status: "banned" }), undefined, now)).toBe(false);
  });
});

describe("policySchema", () => {
  it("names the field of every problem", () => {
    const result = policySchema.safeParse({
      version: 0,
      name: "x",
      rules: [{ id: "a", when: {}, action: "explode" }],
    });
    expect(result.success).toBe(false);
    const paths = result.error?.issues.map((issue) => issue.path.join("."));
    expect(paths).toContain("version");
    expect(paths).toContain("rules.0.action");
  });
});
