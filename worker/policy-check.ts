import { lessonCatalog, literacyIssues } from "../shared/lessons/references";
import type { Policy } from "../shared/policy/schema";
import { describeIssues, policySchema } from "../shared/policy/schema";
import { catalog, toolsById } from "./catalog";

const categoryIds = new Set(catalog.categories.map((category) => category.id));
const lessonLookup = lessonCatalog(catalog);

/**
 * Checks a policy a person wrote: the shared schema first (field by field), then every tool
 * and category id against the catalog this worker was built with, so a typo cannot publish a
 * rule that silently matches nothing; lessons and their requirements are checked the same way
 * (shared/lessons/references.ts). The version is the server's to give and is replaced by
 * `version` before checking.
 */
export function checkPolicy(
  input: unknown,
  version: number,
  known: { has(id: string): boolean } = toolsById,
): { policy: Policy | null; issues: string[] } {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    return { policy: null, issues: ["policy: must be an object"] };
  }
  const parsed = policySchema.safeParse({ ...(input as Record<string, unknown>), version });
  if (!parsed.success) return { policy: null, issues: describeIssues(parsed.error) };
  const policy = parsed.data;
  const issues: string[] = [];
  policy.rules.forEach((rule, i) => {
    rule.when.tools?.forEach((tool, j) => {
      if (!known.has(tool)) issues.push(`rules.${i}.when.tools.${j}: unknown tool "${tool}"`);
    });
    rule.when.categories?.forEach((category, j) => {
      if (!categoryIds.has(category)) issues.push(`rules.${i}.when.categories.${j}: unknown category "${category}"`);
    });
    rule.alternatives?.forEach((tool, j) => {
      if (!known.has(tool)) issues.push(`rules.${i}.alternatives.${j}: unknown tool "${tool}"`);
    });
  });
  issues.push(...literacyIssues(policy.literacy, lessonLookup));
  return { policy: issues.length ? null : policy, issues };
}
