/**
 * AI literacy in the dashboard: coverage in awareness as the API holds it (small groups merged,
 * withheld figures explained), the lesson editor (validation by field, the preview in both
 * languages, the reading time, publishing with the policy) and the lessons in the evidence pack.
 */
import { expect, it } from "vitest";
import type { AwarenessResponse, EvidencePack, LessonsResponse, PolicyListResponse } from "../../../shared/admin";
import type { PolicyResponse } from "../../../shared/protocol";
import { adminGet } from "../harness";
import { HOSTILE } from "../seed";
import { api, ctx, expectPrivate, n, open, shot, shown, text, visible } from "./context";

export function lessonTests(): void {
  it("awareness: literacy coverage with its denominator, by group and by lesson version", async () => {
    const { literacy } = await adminGet<AwarenessResponse>(ctx.stack, "/awareness");
    // The seed's devices took lessons with most answered nudges: coverage is partial, not empty.
    expect(literacy.users).toBeGreaterThan(literacy.covered ?? 0);
    expect(literacy.covered).toBeGreaterThan(0);
    const page = await open(ctx.admin, "awareness", "Awareness");
    const section = page.getByTestId("literacy");
    await section.waitFor();
    expect(await visible(page.getByTestId("literacy-total"))).toBe(
      `${n(literacy.covered ?? 0)} of ${n(literacy.users ?? 0)} devices that used AI tools with a lesson`,
    );
    for (const lesson of literacy.lessons) {
      const row = section.getByTestId("literacy-lessons").locator(`tr[data-lesson="${lesson.lesson}"]`);
      expect(await text(row.locator("th"))).toContain(lesson.title);
      const cell = await visible(row.locator("td.num"));
      expect(cell).toBe(
        lesson.completed === null || lesson.users === null
          ? "fewer than 5"
          : `${n(lesson.completed)} of ${n(lesson.users)}`,
      );
      for (const version of lesson.versions) {
        expect(await visible(row.locator(`li[data-version="${version.version}"]`))).toBe(
          `v${version.version}: ${shown(version.completed)} completed, ${shown(version.passedFirstTry)} at the first try`,
        );
      }
    }
    const groups = section.getByTestId("literacy-groups").locator("tbody tr");
    expect(await groups.evaluateAll((rows) => rows.map((row) => row.getAttribute("data-group")))).toEqual(
      literacy.byGroup.map((g) => (g.other ? "(other)" : (g.group ?? ""))),
    );
    await expectPrivate(page);
    await shot(page, "awareness-literacy");
    await page.close();
  });

  it("lesson editor: validates by field, previews in English and German, publishes with the policy", async () => {
    const before = await adminGet<PolicyListResponse>(ctx.stack, "/policy");
    const page = await open(ctx.admin, "policy", "Policy");
    await page.getByRole("button", { name: "Lessons", exact: true }).click();
    const editor = page.getByTestId("lesson-editor");
    await editor.waitFor();
    await editor.locator('button[data-lesson="translation"]').click();
    const preview = page.getByTestId("lesson-preview");
    await preview.locator("h4", { hasText: "Translation tools: client documents stay inside" }).waitFor();

    // The German preview is German, marked as such for screen readers.
    await preview.getByRole("button", { name: "Deutsch" }).click();
    const card = preview.locator("article.lesson-card");
    expect(await card.getAttribute("lang")).toBe("de");
    expect(await text(card.locator("h4"))).toBe("Übersetzungstools: Kundendokumente bleiben im Haus");
    // Trying the check question shows the answer's feedback, as the nudge will.
    await card.getByLabel("In irgendeinen kostenlosen Übersetzer einfügen.").check();
    expect(await text(card.locator(".lesson-feedback"))).toContain("Dann geht der ganze Vertrag an diesen Anbieter");
    await card.getByLabel("Den freigegebenen Übersetzer mit dem Firmenkonto nutzen.").check();
    await card.locator(".lesson-feedback.right").waitFor();

    // The reading time follows the text; a lesson past a minute says so before any validation.
    const german = editor.locator('fieldset.lesson-language[data-language="de"]');
    const body = german.getByLabel(/^Text/);
    const original = await body.inputValue();
    await body.fill(`${original}\n\n${original}`);
    await page.getByTestId("reading-time").filter({ hasText: "must read in under a minute" }).waitFor();
    expect(await page.getByTestId("reading-time").getAttribute("class")).toContain("warn");
    await body.fill(original);

    // An empty German title is named by its field, beside the lesson and in the validation.
    const title = german.getByLabel("Title");
    await title.fill("");
    await page.getByRole("button", { name: "Validate" }).click();
    const validation = page.getByTestId("validation");
    await validation.filter({ hasText: "problem" }).waitFor();
    expect(await text(validation)).toMatch(/literacy\.lessons\.\d+\.text\.de\.title: must not be empty/);
    expect(await text(editor.getByTestId("lesson-issues"))).toBe("text.de.title: must not be empty");
    await shot(page, "lessons-invalid");

    // Fixed, with an English change and hostile text that must stay text, then published.
    await title.fill("Übersetzungstools: Kundendokumente bleiben im Haus");
    const english = editor.locator('fieldset.lesson-language[data-language="en"]');
    const changed = `Only the approved translator sees client documents. ${HOSTILE}`;
    await english.getByLabel(/^Text/).fill(changed);
    await preview.getByRole("button", { name: "English" }).click();
    await preview.locator("p", { hasText: "Only the approved translator" }).waitFor();
    expect(await preview.locator("img").count()).toBe(0);
    await page.getByRole("button", { name: "Validate" }).click();
    await validation.filter({ hasText: "The policy is valid." }).waitFor();
    await shot(page, "lessons");
    const next = Math.max(...before.versions.map((v) => v.version)) + 1;
    await page.getByRole("button", { name: `Publish as v${next}` }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `Published version v${next}` })
      .waitFor();

    // The changed lesson took the new version; the others kept theirs; devices receive it.
    const lessons = await adminGet<LessonsResponse>(ctx.stack, "/policy/lessons");
    const translation = lessons.lessons.find((lesson) => lesson.id === "translation");
    expect(translation?.version).toBe(next);
    expect(translation?.text.en.body).toBe(changed);
    expect(lessons.lessons.find((lesson) => lesson.id === "chat-assistants")?.version).toBe(1);
    const device = ctx.seeded.devices[3];
    if (!device) throw new Error("no seeded device");
    const fetched = await api<PolicyResponse>("/api/v1/policy", device.deviceToken);
    expect(fetched.body.policy.literacy?.lessons.find((lesson) => lesson.id === "translation")?.version).toBe(next);
    await page.close();
  });

  it("evidence: the literacy section with the AI systems each lesson serves, and the lesson texts", async () => {
    const page = await open(ctx.admin, "evidence", "Evidence");
    const json = await api<EvidencePack>("/api/admin/evidence", ctx.stack.tokens.admin);
    const literacy = json.body.literacy;
    const total = page.getByTestId("pack-literacy-total");
    await total.waitFor();
    expect(await visible(total)).toContain(
      literacy.users === null ? "fewer than 5" : `${n(literacy.covered ?? 0)} of ${n(literacy.users)} devices`,
    );
    for (const lesson of literacy.lessons) {
      const row = page.getByTestId("literacy-lessons").locator(`tr[data-lesson="${lesson.lesson}"]`);
      const names = lesson.systems.map((system) => system.name).join(", ");
      expect(await text(row.locator("td").first())).toBe(names || "none used in the period");
    }
    const annex = page.getByTestId("lesson-annex");
    await annex.locator("summary").click();
    expect(await annex.locator("section.annex-entry").count()).toBe(literacy.annex.length);
    const translation = annex.locator('section.annex-entry[data-lesson="translation"]').first();
    expect(await text(translation.locator('article[lang="de"] h4'))).toBe(
      "Übersetzungstools: Kundendokumente bleiben im Haus",
    );
    expect(await translation.locator("img").count()).toBe(0);
    await expectPrivate(page);
    await shot(page, "evidence-literacy");
    await page.close();
  });
}
