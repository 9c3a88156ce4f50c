/**
 * The pack's AI-literacy section (EU AI Act Art. 4, ISO/IEC 42001 7.2-7.3): coverage with its
 * denominator, by group and per lesson with the AI systems in use it serves, and the annex
 * with every lesson text in each language as the auditor reads it.
 */
import { OfFigure } from "../../components/figures";
import { LANGUAGE_NAMES, type Language, LessonCard } from "../../components/lesson";
import { LessonCoverageTable, LiteracyGroups } from "../../components/literacy";
import { num, when } from "../../format";
import "../../policy/lessons/lessons.css";
import type { EvidencePack } from "../../types";

export function PackLiteracy({ pack }: { pack: EvidencePack }) {
  const { literacy } = pack;
  const systems = new Map(literacy.lessons.map((lesson) => [lesson.lesson, lesson.systems]));
  return (
    <>
      <h4>AI literacy (EU AI Act Art. 4, ISO/IEC 42001 7.2 and 7.3)</h4>
      <p data-testid="pack-literacy-total">
        <OfFigure part={literacy.covered} whole={literacy.users} /> devices that used AI tools for which the policy has
        a lesson completed every lesson relevant to those tools ({literacy.from} to {literacy.to}).
      </p>
      {literacy.byGroup.length > 0 && <LiteracyGroups rows={literacy.byGroup} k={pack.k} />}
      <LessonCoverageTable
        lessons={literacy.lessons}
        extra={{
          label: "AI systems in use it serves",
          cell: (lesson) => {
            const names = (systems.get(lesson.lesson) ?? []).map((system) => system.name);
            return names.length ? names.join(", ") : <span class="muted">none used in the period</span>;
          },
        }}
      />
      <details class="method" data-testid="lesson-annex">
        <summary>Annex: lesson texts ({num(literacy.annex.length)} versions)</summary>
        {literacy.annex.map((entry) => (
          <section key={`${entry.lesson}-${entry.version}`} class="annex-entry" data-lesson={entry.lesson}>
            <h5>
              {entry.lesson} v{entry.version}
            </h5>
            <p class="muted small">
              Published {when(entry.publishedAt)} with policy v{entry.policyVersion}; applies to {entry.appliesTo}.
            </p>
            <div class="lesson-columns">
              {(Object.keys(LANGUAGE_NAMES) as Language[]).map((language) => (
                <LessonCard
                  key={language}
                  text={entry.text[language]}
                  language={language}
                  readingSeconds={entry.readingSeconds}
                />
              ))}
            </div>
            {entry.sources.length > 0 && (
              <ul class="small">
                {entry.sources.map((source) => (
                  <li key={source.url}>
                    {source.title}: <span class="mono">{source.url}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        ))}
      </details>
    </>
  );
}
