/**
 * Validates the catalog and the default policy and compiles them into `policies/dist/`:
 *   index.json          the compiled matcher index (extension, worker, classify)
 *   catalog.json        every tool with its risk facts and sources, vendors, categories (worker)
 *   patterns.json       content-script match patterns (extension)
 *   default-policy.json the validated default policy with its defaults filled in and the
 *                       lessons of lessons/ as its literacy.lessons
 * Any problem fails the build with the file and the reason, and nothing is written.
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { compileCatalog, matchPatterns } from "../shared/catalog/compile";
import { createMatcher } from "../shared/catalog/matcher";
import { validateCatalog, validatePolicy } from "../shared/catalog/validate";
import type { Lesson } from "../shared/lessons/schema";
import { validateLessons } from "../shared/lessons/validate";
import { describeIssues, type Policy, policySchema } from "../shared/policy/schema";
import { DIST_DIR, readCatalogFiles, readLessonFiles, readPolicyFile } from "./load";

export async function buildPolicies(): Promise<{ errors: string[]; outputs: Record<string, string> }> {
  const { catalog, errors } = validateCatalog(await readCatalogFiles());
  const policyResult = validatePolicy(await readPolicyFile(), catalog);
  errors.push(...policyResult.errors);
  const lessonResult = validateLessons(await readLessonFiles(), catalog);
  errors.push(...lessonResult.errors);
  if (errors.length || !policyResult.policy) return { errors, outputs: {} };
  const policy = withLessons(policyResult.policy, lessonResult.lessons, errors);
  if (errors.length) return { errors, outputs: {} };

  const index = compileCatalog(catalog);
  const matcher = createMatcher(index);
  for (const tool of catalog.tools) {
    for (const example of tool.examples) {
      const found = matcher.classify(example)?.id ?? null;
      if (found !== tool.id) errors.push(`tools/${tool.id}.json: example ${example} resolves to ${found}`);
    }
  }
  if (errors.length) return { errors, outputs: {} };

  const outputs: Record<string, string> = {
    "index.json": JSON.stringify(index),
    "catalog.json": JSON.stringify(catalog),
    "patterns.json": JSON.stringify({ matches: matchPatterns(index) }),
    "default-policy.json": `${JSON.stringify(policy, null, 2)}\n`,
  };
  return { errors, outputs };
}

/** The default policy with the lesson files as its lessons, checked again as a whole. */
function withLessons(policy: Policy, lessons: Lesson[], errors: string[]): Policy {
  const literacy = { offer: true, require: [], ...policy.literacy, lessons };
  const result = policySchema.safeParse({ ...policy, literacy });
  if (!result.success) {
    for (const issue of describeIssues(result.error)) errors.push(`default-policy.json with lessons/: ${issue}`);
    return policy;
  }
  return result.data;
}

async function main(): Promise<void> {
  const started = performance.now();
  const { errors, outputs } = await buildPolicies();
  if (errors.length) {
    console.error(`policies: ${errors.length} problem(s), nothing written:`);
    for (const error of errors) console.error(`  ${error}`);
    process.exit(1);
  }
  await mkdir(DIST_DIR, { recursive: true });
  // Write everything next to its target first, then rename: a reader never sees half a build.
  for (const [name, text] of Object.entries(outputs)) await writeFile(join(DIST_DIR, `${name}.tmp`), text);
  for (const name of Object.keys(outputs)) await rename(join(DIST_DIR, `${name}.tmp`), join(DIST_DIR, name));
  const index = JSON.parse(outputs["index.json"] as string) as { tools: unknown[]; hosts: object };
  const policy = JSON.parse(outputs["default-policy.json"] as string) as Policy;
  console.log(
    `policies: ${index.tools.length} tools, ${Object.keys(index.hosts).length} hosts, ${
      policy.literacy?.lessons.length ?? 0
    } lessons, index ${
      (outputs["index.json"] as string).length
    } bytes, in ${Math.round(performance.now() - started)} ms`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
