import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildPolicies } from "../../policies/build";
import { readCatalogFiles, readLessonFiles } from "../../policies/load";
import { compileCatalog } from "../../shared/catalog/compile";
import { validateCatalog } from "../../shared/catalog/validate";
import { LESSON_LANGUAGES, readableWords, readingSeconds } from "../../shared/lessons/reading";
import { type Lesson, lessonSchema } from "../../shared/lessons/schema";
import { validateLessons } from "../../shared/lessons/validate";
import { LIMITS } from "../../shared/limits";
import { fittingLessons } from "../../shared/policy/lessons";
import { describeIssues, policySchema } from "../../shared/policy/schema";

/* The default lessons in policies/lessons/ and the build's checks on lesson files. */

const { catalog } = validateCatalog(await readCatalogFiles());
const files = await readLessonFiles();
const { lessons, errors } = validateLessons(files, catalog);
const compiled = new Map(compileCatalog(catalog).tools.map((tool) => [tool.id, tool]));
const byId = new Map(lessons.map((lesson) => [lesson.id, lesson]));

function file(path: string, value: unknown) {
  return { path, text: `${JSON.stringify(value, null, 2)}\n` };
}

function clone(lesson: Lesson): Lesson {
  return JSON.parse(JSON.stringify(lesson)) as Lesson;
}

describe("the default lessons", () => {
  it("validate: schema, id = file name, canonical form, references, sources", () => {
    expect(errors).toEqual([]);
    expect(lessons.map((lesson) => lesson.id)).toEqual(files.map((f) => f.path.replace(/^lessons\/|\.json$/g, "")));
  });

  it("read in under a minute in every language, and store the estimate", () => {
    for (const lesson of lessons) {
      const perLanguage = LESSON_LANGUAGES.map((language) => readingSeconds(lesson.text[language], language));
      expect(lesson.readingSeconds, lesson.id).toBe(Math.max(...perLanguage));
      expect(lesson.readingSeconds, lesson.id).toBeLessThan(60);
      // Even at the estimate's slow rate, a body is short: about 100 words.
      for (const language of LESSON_LANGUAGES) {
        expect(readableWords(lesson.text[language]), `${lesson.id} ${language}`).toBeLessThanOrEqual(
          (LIMITS.lessonMaxReadingSeconds / 60) * LIMITS.lessonWordsPerMinute[language],
        );
      }
    }
  });

  it("cover every category the product teaches about, and the training fact", () => {
    const tools = (id: string) => compiled.get(id) ?? expect.fail(`no tool ${id}`);
    const first = (id: string) => fittingLessons(lessons, tools(id), "unreviewed").map((lesson) => lesson.id);
    // A tool that trains on free-tier input gets the lesson about training first.
    expect(first("chatgpt")).toEqual(["training-on-free-tier", "chat-assistants"]);
    expect(first("claude")).toContain("chat-assistants");
    expect(first("midjourney")).toContain("generated-media");
    expect(first("fireflies")).toEqual(["meeting-recorders"]);
    expect(first("cursor")).toEqual(["coding-assistants"]);
    expect(first("github-copilot")).toEqual(["training-on-free-tier", "coding-assistants"]);
    expect(first("deepl")).toEqual(["translation"]);
    expect(first("character-ai")).toEqual(["training-on-free-tier", "companions"]);
    for (const category of ["chat", "image", "video", "meetings", "coding", "translation", "companions"]) {
      expect(
        lessons.some((lesson) => lesson.appliesTo.categories?.includes(category)),
        category,
      ).toBe(true);
    }
  });

  it("serve the literacy controls and cite their sources", () => {
    for (const lesson of lessons) {
      expect(lesson.controls, lesson.id).toEqual(["eu-ai-act-art4", "iso42001-7.2", "iso42001-7.3"]);
    }
    // Quoted vendor terms are the catalog's checked pages; the AI Act is cited where a lesson states it.
    const training = byId.get("training-on-free-tier") as Lesson;
    expect(training.sources.map((source) => source.tool)).toEqual(["chatgpt", "github-copilot"]);
    const excerpt = catalog.tools.find((tool) => tool.id === "chatgpt")?.facts?.trainsOnUserData?.excerpt ?? "";
    const quoted = /"([^"]+)\."/.exec(training.text.en.body)?.[1] ?? "";
    expect(quoted.length).toBeGreaterThan(40);
    expect(excerpt).toContain(quoted);
    const media = byId.get("generated-media") as Lesson;
    expect(media.text.en.body).toContain("Art. 50(4)");
    expect(media.sources[0]?.url).toBe("https://eur-lex.europa.eu/eli/reg/2024/1689/oj");
  });

  it("are listed in policies/README.md with their reading times", () => {
    const readme = readFileSync(new URL("../../policies/README.md", import.meta.url), "utf8");
    for (const lesson of lessons) {
      const row = readme.split("\n").find((line) => line.startsWith(`| \`${lesson.id}\``));
      const times = LESSON_LANGUAGES.map((language) => `${readingSeconds(lesson.text[language], language)} s`);
      expect(row, lesson.id).toMatch(new RegExp(`\\| ${times.join(" / ")} +\\|$`));
    }
  });

  it("are compiled into the default policy that the extension and the worker load", () => {
    const dist = JSON.parse(readFileSync(new URL("../../policies/dist/default-policy.json", import.meta.url), "utf8"));
    const policy = policySchema.parse(dist);
    expect(policy.literacy?.lessons.map((lesson) => lesson.id).sort()).toEqual([...byId.keys()].sort());
    expect(policy.literacy?.require.map((requirement) => requirement.id)).toEqual(["meeting-recorders", "high-risk"]);
  });
});

describe("lesson validation", () => {
  const sample = byId.get("chat-assistants") as Lesson;

  it("names the file and the field of every problem, and the build writes nothing", () => {
    const renamed = file("lessons/other-name.json", sample);
    const unknown = clone(sample);
    unknown.appliesTo = { categories: ["astrology"], tools: ["not-a-tool"] };
    const badSource = clone(sample);
    badSource.sources = [{ title: "A page", url: "https://example.com/terms", tool: "chatgpt" }];
    const missingGerman = { ...clone(sample), text: { en: sample.text.en } };
    const result = validateLessons(
      [
        renamed,
        file("lessons/unknown.json", { ...unknown, id: "unknown" }),
        file("lessons/bad-source.json", { ...badSource, id: "bad-source" }),
        file("lessons/missing-german.json", { ...missingGerman, id: "missing-german" }),
        { path: "lessons/not-canonical.json", text: JSON.stringify({ ...sample, id: "not-canonical" }) },
        { path: "lessons/broken.json", text: "{" },
      ],
      catalog,
    );
    expect(result.errors).toEqual([
      'lessons/other-name.json: id "chat-assistants" must equal the file name "other-name"',
      'lessons/unknown.json: appliesTo.tools.0: unknown tool "not-a-tool"',
      'lessons/unknown.json: appliesTo.categories.0: unknown category "astrology"',
      'lessons/bad-source.json: sources.0.url: not the source of a sourced fact of "chatgpt" in the catalog',
      expect.stringMatching(/^lessons\/missing-german\.json: text\.de: /),
      "lessons/not-canonical.json: not in canonical form (2-space JSON with a final newline)",
      expect.stringMatching(/^lessons\/broken\.json: not valid JSON/),
    ]);
  });

  it("holds the reading time to the estimate and under a minute", () => {
    const wrong = { ...clone(sample), readingSeconds: 20 };
    expect(describeIssues(lessonSchema.safeParse(wrong).error ?? { issues: [] })).toEqual([
      `readingSeconds: the text reads in about ${sample.readingSeconds} s (${
        readingSeconds(sample.text.de, "de") === sample.readingSeconds ? "de" : "en"
      }): set ${sample.readingSeconds}`,
    ]);
    const long = clone(sample);
    long.text.de.body = `${sample.text.de.body}\n\n${sample.text.de.body.slice(0, 500)}`;
    const issues = describeIssues(lessonSchema.safeParse(long).error ?? { issues: [] });
    expect(issues).toEqual([
      expect.stringMatching(/^text\.de: reads in about \d+ s: a lesson must read in under a minute/),
    ]);
  });

  it("asks the same questions in every language, with exactly one correct option", () => {
    const mismatch = clone(sample);
    for (const option of mismatch.text.de.questions[0]?.options ?? []) option.correct = true;
    const issues = describeIssues(lessonSchema.safeParse(mismatch).error ?? { issues: [] });
    expect(issues).toContain("text.de.questions.0.options: exactly one option must be correct");

    const fewer = clone(sample);
    fewer.text.de.questions = [];
    expect(describeIssues(lessonSchema.safeParse(fewer).error ?? { issues: [] }).join("\n")).toMatch(
      /^text\.de\.questions: /m,
    );

    const moved = clone(sample);
    const de = moved.text.de.questions[0]?.options ?? [];
    de.push(de.shift() as (typeof de)[number]);
    expect(describeIssues(lessonSchema.safeParse(moved).error ?? { issues: [] })).toEqual([
      'text.de.questions.0.options: must have the same options as "en", with the same one correct',
    ]);
  });

  it("refuses empty text, padded text and a lesson that applies to nothing", () => {
    const empty = clone(sample);
    empty.text.en.title = " ";
    empty.text.de.body = " Leading space";
    const nothing = { ...clone(sample), appliesTo: {} };
    expect(describeIssues(lessonSchema.safeParse(empty).error ?? { issues: [] })).toEqual(
      expect.arrayContaining(["text.en.title: must not be empty", "text.de.body: must not start or end with spaces"]),
    );
    expect(describeIssues(lessonSchema.safeParse(nothing).error ?? { issues: [] })).toEqual([
      "appliesTo: a lesson must apply to at least one tool, category, risk fact or review status",
    ]);
  });

  it("keeps lessons out of default-policy.json and builds them in from lessons/", async () => {
    const { errors: buildErrors, outputs } = await buildPolicies();
    expect(buildErrors).toEqual([]);
    const policy = JSON.parse(outputs["default-policy.json"] as string);
    expect(policy.literacy.lessons).toHaveLength(lessons.length);
    const source = JSON.parse(readFileSync(new URL("../../policies/default-policy.json", import.meta.url), "utf8"));
    expect(source.literacy.lessons).toBeUndefined();
  });
});
