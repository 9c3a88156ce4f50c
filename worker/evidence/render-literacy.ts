import type { EvidencePack, LessonAnnexEntry } from "../../shared/admin";
import { LESSON_LANGUAGES, type LessonLanguage } from "../../shared/lessons/reading";
import { escapeHtml } from "./render";

/*
 * The AI-literacy section of the evidence pack as CSV rows and as printable HTML: coverage by
 * group and per lesson with their denominators, the AI systems each lesson serves, and the
 * annex with every lesson text. Every string is escaped by the callers' helpers.
 */

type Cell = string | number | null;
type GroupName = Pick<EvidencePack["byGroup"][number], "group" | "other">;

const LANGUAGE_NAMES: Record<LessonLanguage, string> = { en: "English", de: "Deutsch" };
const CONTROLS = ["EU AI Act", "Article 4", "AI literacy"] as const;

const withheld = (k: number) => `withheld (fewer than ${k} devices)`;

/** Rows in the CSV's columns: framework, reference, control, figure, statement, numerator, denominator, ... */
export function literacyCsvRows(pack: EvidencePack, groupName: (group: GroupName) => string): Cell[][] {
  const { literacy, k } = pack;
  const row = (figure: string, statement: string, numerator: Cell, denominator: Cell, label: string): Cell[] => [
    ...CONTROLS,
    figure,
    statement,
    numerator,
    denominator,
    label,
    literacy.from,
    literacy.to,
    "device-reports",
  ];
  const rows: Cell[][] = [];
  for (const group of literacy.byGroup) {
    const name = groupName(group);
    rows.push(
      row(
        "literacy-coverage-by-group",
        group.suppressed
          ? `${name}: ${withheld(k)} together`
          : `${name}: ${group.covered} of ${group.users} devices that used AI tools with a lesson completed every relevant lesson`,
        group.covered,
        group.users,
        "devices in the group that used AI tools with a lesson",
      ),
    );
  }
  for (const lesson of literacy.lessons) {
    rows.push(
      row(
        `lesson-${lesson.lesson}`,
        lesson.users === null
          ? `"${lesson.title}": ${withheld(k)}`
          : `"${lesson.title}" (v${lesson.version}, ${lesson.readingSeconds} s): ${lesson.completed} of ${lesson.users} devices that used ${
              lesson.systems.map((system) => system.name).join(", ") || "no tool it applies to"
            } completed it`,
        lesson.completed,
        lesson.users,
        "devices that used AI tools the lesson applies to",
      ),
    );
  }
  return rows;
}

function paragraphs(text: string): string {
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`)
    .join("\n");
}

function annexEntry(entry: LessonAnnexEntry): string {
  const day = new Date(entry.publishedAt).toISOString().slice(0, 10);
  const languages = LESSON_LANGUAGES.map((language) => {
    const text = entry.text[language];
    const questions = text.questions
      .map(
        (question) =>
          `<li>${escapeHtml(question.prompt)}<ul>${question.options
            .map(
              (option) =>
                `<li>${option.correct ? "<strong>(correct)</strong> " : ""}${escapeHtml(option.text)}<div class="trust">${escapeHtml(option.feedback)}</div></li>`,
            )
            .join("")}</ul></li>`,
      )
      .join("\n");
    return `<div class="lesson-text" lang="${language}">
<h4>${escapeHtml(LANGUAGE_NAMES[language])}: ${escapeHtml(text.title)}</h4>
${paragraphs(text.body)}
<ol>${questions}</ol>
</div>`;
  }).join("\n");
  const sources = entry.sources.length
    ? `<p class="meta">Sources: ${entry.sources
        .map((source) => `${escapeHtml(source.title)} (<span class="hash">${escapeHtml(source.url)}</span>)`)
        .join("; ")}</p>`
    : "";
  return `<section class="lesson">
<h3>${escapeHtml(entry.lesson)} v${escapeHtml(entry.version)}</h3>
<p class="meta">Published ${escapeHtml(day)} with policy v${escapeHtml(entry.policyVersion)}; about ${escapeHtml(entry.readingSeconds)} s to read; applies to ${escapeHtml(entry.appliesTo)}; serves ${escapeHtml(entry.controls.join(", "))}.</p>
${languages}
${sources}
</section>`;
}

/** The literacy section and the annex, for the printable page. */
export function literacyHtml(
  pack: EvidencePack,
  table: (head: string[], body: Cell[][]) => string,
  groupName: (group: GroupName) => string,
): string {
  const { literacy, k } = pack;
  const total =
    literacy.users === null
      ? `Coverage is ${withheld(k)}.`
      : `${literacy.covered} of ${literacy.users} devices that used AI tools for which the policy has a lesson completed every lesson relevant to those tools (${literacy.from} to ${literacy.to}).`;
  const groups = literacy.byGroup.map((group): Cell[] => {
    const name = groupName(group);
    return group.suppressed ? [name, `${withheld(k)} together`, ""] : [name, group.covered, group.users];
  });
  const lessons = literacy.lessons.map((lesson): Cell[] => [
    `${lesson.title} (v${lesson.version})`,
    lesson.appliesTo,
    lesson.systems.map((system) => system.name).join(", ") || "none used in the period",
    `${lesson.readingSeconds} s`,
    lesson.completed,
    lesson.users,
    lesson.versions
      .map(
        (version) =>
          `v${version.version}: ${version.completed ?? "withheld"} completed, ${version.passedFirstTry ?? "withheld"} at the first try`,
      )
      .join("; "),
  ]);
  return `<section>
<h2>EU AI Act Article 4 and ISO/IEC 42001 7.2-7.3: AI literacy</h2>
<p>${escapeHtml(total)}</p>
${table(["Group", "Completed every relevant lesson", "Devices that used AI tools with a lesson"], groups)}
<h3>Lessons and the AI systems in use they serve</h3>
${table(["Lesson", "Applies to", "AI systems in use", "Reading time", "Completed", "Devices that used them", "By version"], lessons)}
</section>
<section>
<h2>Annex: lesson texts</h2>
${literacy.annex.map(annexEntry).join("\n") || "<p>No lessons were in force.</p>"}
</section>`;
}
