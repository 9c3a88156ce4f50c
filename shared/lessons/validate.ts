import type * as z from "zod";
import type { Catalog } from "../catalog/schema";
import { parseFile, type SourceFile } from "../catalog/validate";
import { lessonCatalog, lessonIssues } from "./references";
import { type Lesson, lessonSchema } from "./schema";

/**
 * Validates the lesson files of `policies/lessons/` like the catalog's: schema (including the
 * reading time and the languages asking the same questions), id = file name, canonical form,
 * then tools, categories and sources against the catalog. Every problem names the file and
 * the field; the caller refuses the lessons when there is any.
 */
export function validateLessons(files: SourceFile[], catalog: Catalog): { lessons: Lesson[]; errors: string[] } {
  const errors: string[] = [];
  const lookup = lessonCatalog(catalog);
  const lessons: Lesson[] = [];
  for (const file of files) {
    const lesson = parseFile<Lesson>(file, lessonSchema as unknown as z.ZodType<Lesson>, errors);
    if (!lesson) continue;
    for (const issue of lessonIssues(lesson, lookup)) errors.push(`${file.path}: ${issue}`);
    lessons.push(lesson);
  }
  return { lessons, errors };
}
