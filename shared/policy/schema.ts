import * as z from "zod";
import { slug } from "../catalog/schema";
import { INVENTORY_KINDS, REVIEW_STATUSES } from "../events";
import { DETECTOR_IDS } from "../guard/ids";
import { compilePattern } from "../guard/pattern/program";
import { lessonSchema } from "../lessons/schema";
import { LIMITS } from "../limits";

export const ACTIONS = ["allow", "inform", "acknowledge", "justify", "redirect", "block"] as const;
export type PolicyAction = (typeof ACTIONS)[number];

const reviewStatus = z.enum(REVIEW_STATUSES);

/** The conditions on a tool that policy rules and guard rules share. */
const toolConditions = {
  tools: z.array(slug).min(1).optional(),
  categories: z.array(slug).min(1).optional(),
  statuses: z.array(reviewStatus).min(1).optional(),
};

const policyRule = z.strictObject({
  id: slug,
  description: z.string().max(300).optional(),
  /** Every condition given must hold; a list matches when any of its entries does. */
  when: z.strictObject({
    ...toolConditions,
    riskLevels: z
      .array(z.enum(["low", "medium", "high"]))
      .min(1)
      .optional(),
    minRisk: z.number().int().min(0).max(100).optional(),
    /**
     * What the entry is (web, api, extension, browser, embedded): "use the approved browser"
     * is a rule on kind browser with the statuses that are not approved.
     */
    kinds: z.array(z.enum(INVENTORY_KINDS)).min(1).optional(),
  }),
  action: z.enum(ACTIONS),
  /** The organization's own words, shown above the facts the catalog gives. */
  message: z.string().min(1).max(500).optional(),
  /** Approved tools to use instead, by catalog id; a review's approved alternative is added. */
  alternatives: z.array(slug).max(5).optional(),
  /** Ask again after this many days even when the policy has not changed. */
  reacknowledgeDays: z.number().int().min(1).max(3650).optional(),
  /** Show an `inform` or `redirect` nudge for one tool at most once in this many hours. */
  cooldownHours: z.number().int().min(0).max(8760).optional(),
});
export type PolicyRule = z.infer<typeof policyRule>;

/** What the guard does when a paste holds sensitive data. */
export const GUARD_ACTIONS = ["allow", "warn", "block"] as const;
export type GuardAction = (typeof GUARD_ACTIONS)[number];

const detectorId = z.enum(DETECTOR_IDS);

/** When a guard rule applies: every condition given must hold; a list matches when any entry does. */
const guardRule = z.strictObject({
  id: slug,
  description: z.string().max(300).optional(),
  when: z.strictObject({
    ...toolConditions,
    /** The detectors whose hits this rule decides on; absent: every detector. */
    detectors: z.array(detectorId).min(1).optional(),
  }),
  /** allow: paste quietly; warn: show what matched, offer "paste anyway"; block: refuse the paste. */
  action: z.enum(GUARD_ACTIONS),
  /** The organization's reason, shown in the warning or the refusal. */
  message: z.string().min(1).max(500).optional(),
  /** "Paste anyway" first asks for one of the policy's reasons. */
  requireReason: z.boolean().optional(),
});
export type GuardRule = z.infer<typeof guardRule>;

const guardMarking = z.strictObject({
  text: z
    .string()
    .max(LIMITS.guardMarkingMaxLength)
    .refine((text) => text.trim().length > 0, "a marking needs at least one visible character"),
  /** Exact letter case by default, so "CONFIDENTIAL" does not fire on "confidential" in a sentence. */
  caseSensitive: z.boolean().default(true),
});

const guardPattern = z.strictObject({
  id: slug,
  /** What the pattern stands for, shown to the employee ("customer number"). */
  label: z.string().min(1).max(120),
  /** The pattern, in the guard's safe syntax (see shared/guard/README.md). */
  pattern: z.string().min(1).max(LIMITS.guardPatternMaxSource),
  caseInsensitive: z.boolean().default(false),
});

/**
 * The sensitive-data guard's part of the policy. Optional, so policies written before it
 * stay valid; a policy without it turns the guard off.
 */
const guardSettingsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Detectors that are on; absent: every detector (markings and patterns run when configured). */
  detectors: z.array(detectorId).min(1).optional(),
  /** Distinct e-mail addresses in one paste that make it a list. */
  emailListMin: z.number().int().min(2).max(1000).default(10),
  markings: z.array(guardMarking).max(LIMITS.guardMaxMarkings).default([]),
  patterns: z.array(guardPattern).max(LIMITS.guardMaxPatterns).default([]),
  /** Ordered: for each detector that hit, the first rule whose conditions hold decides. */
  rules: z.array(guardRule).max(100).default([]),
  /** What happens on a hit no rule decides. */
  fallback: z.enum(GUARD_ACTIONS).default("warn"),
  /** The reason shown when the fallback decides. */
  message: z.string().min(1).max(500).optional(),
  /** What happens when a paste is too long to scan fully in the guard's budget. */
  unscanned: z.enum(GUARD_ACTIONS).default("warn"),
  /**
   * Files pasted, dropped or chosen in an AI tool: the guard reads a file's contents (on the
   * device) only when `read` is on and the file is text of at most `maxBytes`; other files
   * are judged by nothing and pass.
   */
  files: z
    .strictObject({
      read: z.boolean().default(true),
      maxBytes: z.number().int().min(0).max(LIMITS.guardFileMaxBytes).default(LIMITS.guardFileDefaultBytes),
    })
    .default({ read: true, maxBytes: LIMITS.guardFileDefaultBytes }),
});
export type GuardSettingsPolicy = z.infer<typeof guardSettingsSchema>;

/**
 * When a lesson must be completed before an acknowledgement (or a justification) counts: the
 * conditions of a policy rule. A requirement never applies to allowed tools (the rule says
 * allow, or the tool is approved) unless `includeAllowed` says so.
 */
const lessonRequirement = z.strictObject({
  id: slug,
  description: z.string().max(300).optional(),
  when: policyRule.shape.when,
  includeAllowed: z.boolean().default(false),
});
export type LessonRequirement = z.infer<typeof lessonRequirement>;

/**
 * AI literacy: the lessons devices offer at the moment of use and when the policy requires
 * one. Optional, so policies written before it stay valid; absent, no lesson is offered.
 */
const literacySettingsSchema = z.strictObject({
  /** Nudges offer the lesson that fits the tool ("Why this matters, 40 s"). */
  offer: z.boolean().default(true),
  lessons: z.array(lessonSchema).max(LIMITS.maxLessons).default([]),
  /** Ordered: the first requirement whose conditions hold decides. */
  require: z.array(lessonRequirement).max(LIMITS.maxLessonRequirements).default([]),
});
export type LiteracySettings = z.infer<typeof literacySettingsSchema>;

const justificationReason = z.strictObject({
  id: slug,
  label: z.string().min(1).max(120),
});

export const policySchema = z
  .strictObject({
    version: z.number().int().min(1).max(1_000_000),
    name: z.string().min(1).max(120),
    /** The full acceptable-use policy the nudges link to. */
    policyUrl: z.url({ protocol: /^https?$/ }).optional(),
    reasons: z.array(justificationReason).max(20).default([]),
    /** Free-text justifications never leave the device unless this is true. */
    allowFreeText: z.boolean().default(false),
    reacknowledgeDays: z.number().int().min(1).max(3650).default(90),
    rules: z.array(policyRule).max(200),
    /** What happens on a catalog tool no rule matches. */
    fallback: z.enum(ACTIONS).default("inform"),
    /** The sensitive-data guard on pastes and drops into AI tools; absent: off. */
    guard: guardSettingsSchema.optional(),
    /** Lessons and when they are required; absent: none. */
    literacy: literacySettingsSchema.optional(),
  })
  .superRefine((policy, ctx) => {
    const seen = new Set<string>();
    policy.rules.forEach((rule, i) => {
      if (seen.has(rule.id)) {
        ctx.addIssue({ code: "custom", path: ["rules", i, "id"], message: `duplicate rule id "${rule.id}"` });
      }
      seen.add(rule.id);
      if (rule.action === "justify" && policy.reasons.length === 0 && !policy.allowFreeText) {
        ctx.addIssue({
          code: "custom",
          path: ["rules", i, "action"],
          message: "a justify rule needs the policy's reasons (or allowFreeText)",
        });
      }
    });
    if (policy.guard) checkGuard(policy.guard, policy.reasons.length > 0, ctx);
    if (policy.literacy) {
      const { lessons, require } = policy.literacy;
      for (const i of duplicates(lessons.map((lesson) => lesson.id))) {
        ctx.addIssue({ code: "custom", path: ["literacy", "lessons", i, "id"], message: "duplicate lesson id" });
      }
      for (const i of duplicates(require.map((requirement) => requirement.id))) {
        ctx.addIssue({ code: "custom", path: ["literacy", "require", i, "id"], message: "duplicate requirement id" });
      }
    }
  });
export type Policy = z.infer<typeof policySchema>;

function duplicates(values: readonly string[]): number[] {
  const seen = new Set<string>();
  return values.flatMap((value, i) => {
    const repeated = seen.has(value);
    seen.add(value);
    return repeated ? [i] : [];
  });
}

/** Cross-field checks of the guard section; every problem names its field. */
function checkGuard(guard: GuardSettingsPolicy, hasReasons: boolean, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: "custom", path: ["guard", ...path], message });
  for (const i of duplicates(guard.rules.map((rule) => rule.id))) issue(["rules", i, "id"], "duplicate guard rule id");
  guard.rules.forEach((rule, i) => {
    if (rule.requireReason && !hasReasons)
      issue(["rules", i, "requireReason"], "asking for a reason needs the policy's reasons");
  });
  for (const i of duplicates(guard.patterns.map((pattern) => pattern.id)))
    issue(["patterns", i, "id"], "duplicate pattern id");
  guard.patterns.forEach((pattern, i) => {
    // A pattern over the length limit is already refused by its field.
    if (pattern.pattern.length > LIMITS.guardPatternMaxSource) return;
    const compiled = compilePattern(pattern.pattern, pattern.caseInsensitive);
    if (!compiled.ok) issue(["patterns", i, "pattern"], compiled.error);
  });
  const markings = guard.markings.map((marking) => marking.text.trim().replace(/\s+/g, " "));
  for (const i of duplicates(markings)) issue(["markings", i, "text"], "duplicate marking");
}
export type PolicyInput = z.input<typeof policySchema>;

/** Human-readable problems of a zod error, each naming the field: "rules.2.action: ...". */
export function describeIssues(error: {
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>;
}): string[] {
  return error.issues.map(
    (issue) => `${issue.path.length ? issue.path.map(String).join(".") : "(root)"}: ${issue.message}`,
  );
}
