import * as z from "zod";
import { slug } from "../catalog/schema";
import { REVIEW_STATUSES } from "../events";

export const ACTIONS = ["allow", "inform", "acknowledge", "justify", "redirect", "block"] as const;
export type PolicyAction = (typeof ACTIONS)[number];

export const reviewStatus = z.enum(REVIEW_STATUSES);

export const policyRule = z.strictObject({
  id: slug,
  description: z.string().max(300).optional(),
  /** Every condition given must hold; a list matches when any of its entries does. */
  when: z.strictObject({
    tools: z.array(slug).min(1).optional(),
    categories: z.array(slug).min(1).optional(),
    statuses: z.array(reviewStatus).min(1).optional(),
    riskLevels: z
      .array(z.enum(["low", "medium", "high"]))
      .min(1)
      .optional(),
    minRisk: z.number().int().min(0).max(100).optional(),
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

export const justificationReason = z.strictObject({
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
  });
export type Policy = z.infer<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;

/** Human-readable problems of a zod error, each naming the field: "rules.2.action: ...". */
export function describeIssues(error: {
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>;
}): string[] {
  return error.issues.map(
    (issue) => `${issue.path.length ? issue.path.map(String).join(".") : "(root)"}: ${issue.message}`,
  );
}
