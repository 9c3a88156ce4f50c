import type { Catalog } from "../catalog/schema";
import type { LessonRequirement, LiteracySettings } from "../policy/schema";
import type { Lesson } from "./schema";

/*
 * What the schema cannot see: whether a lesson's or a requirement's tools and categories
 * exist in the catalog, and whether a source that names a catalog tool is the page that
 * tool's sourced facts were read on (so a lesson quoting a vendor's training terms cites the
 * page the catalog checked). The build and the server run the same checks; each problem
 * names its field.
 */

export interface LessonCatalog {
  hasTool(id: string): boolean;
  hasCategory(id: string): boolean;
  /** The source pages of a tool's sourced facts. */
  factSources(tool: string): string[];
}

export function lessonCatalog(catalog: Catalog): LessonCatalog {
  const tools = new Map(catalog.tools.map((tool) => [tool.id, tool]));
  const categories = new Set(catalog.categories.map((category) => category.id));
  return {
    hasTool: (id) => tools.has(id),
    hasCategory: (id) => categories.has(id),
    factSources: (id) => Object.values(tools.get(id)?.facts ?? {}).map((fact) => fact.source),
  };
}

function conditionIssues(
  when: { tools?: string[] | undefined; categories?: string[] | undefined },
  path: string,
  catalog: LessonCatalog,
): string[] {
  const issues: string[] = [];
  when.tools?.forEach((tool, i) => {
    if (!catalog.hasTool(tool)) issues.push(`${path}.tools.${i}: unknown tool "${tool}"`);
  });
  when.categories?.forEach((category, i) => {
    if (!catalog.hasCategory(category)) issues.push(`${path}.categories.${i}: unknown category "${category}"`);
  });
  return issues;
}

/** Problems of one lesson against the catalog, each as "field: problem". */
export function lessonIssues(lesson: Lesson, catalog: LessonCatalog): string[] {
  const issues = conditionIssues(lesson.appliesTo, "appliesTo", catalog);
  lesson.sources.forEach((source, i) => {
    if (source.tool === undefined) return;
    if (!catalog.hasTool(source.tool)) issues.push(`sources.${i}.tool: unknown tool "${source.tool}"`);
    else if (!catalog.factSources(source.tool).includes(source.url)) {
      issues.push(`sources.${i}.url: not the source of a sourced fact of "${source.tool}" in the catalog`);
    }
  });
  return issues;
}

function requirementIssues(requirement: LessonRequirement, catalog: LessonCatalog): string[] {
  return conditionIssues(requirement.when, "when", catalog);
}

/** Problems of a policy's literacy section, each as "literacy.lessons.2.appliesTo...: problem". */
export function literacyIssues(literacy: LiteracySettings | undefined, catalog: LessonCatalog): string[] {
  if (!literacy) return [];
  return [
    ...literacy.lessons.flatMap((lesson, i) =>
      lessonIssues(lesson, catalog).map((issue) => `literacy.lessons.${i}.${issue}`),
    ),
    ...literacy.require.flatMap((requirement, i) =>
      requirementIssues(requirement, catalog).map((issue) => `literacy.require.${i}.${issue}`),
    ),
  ];
}
