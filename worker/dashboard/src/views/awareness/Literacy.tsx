/** Awareness's AI-literacy section: who completed the lessons relevant to the tools they used. */
import { OfFigure, Share, Stat } from "../../components/figures";
import { LessonCoverageTable, LiteracyGroups } from "../../components/literacy";
import type { Literacy as LiteracyData } from "../../types";

export function Literacy({ literacy, k }: { literacy: LiteracyData; k: number }) {
  return (
    <section class="card" aria-labelledby="literacy-title" data-testid="literacy">
      <h3 id="literacy-title">AI literacy: lessons completed by the people using AI tools</h3>
      <p class="muted small">
        Devices that used, in the last 30 days, AI tools for which the policy in force offers or requires a lesson, and
        of them those that completed every lesson relevant to the tools they used (any version, every check question
        answered correctly). Completions older than the retention window are no longer known.
      </p>
      <dl class="stats">
        <Stat
          label="Completed every relevant lesson"
          value={<Share part={literacy.covered} whole={literacy.users} />}
          detail={
            <span data-testid="literacy-total">
              <OfFigure part={literacy.covered} whole={literacy.users} /> devices that used AI tools with a lesson
            </span>
          }
        />
      </dl>
      {literacy.lessons.length === 0 ? (
        <p class="muted">The policy in force has no lessons. Add them in the policy editor, under Lessons.</p>
      ) : (
        <div class="columns">
          <div>
            <h4>By group</h4>
            {literacy.byGroup.length === 0 ? (
              <p class="muted">No device used an AI tool with a lesson in the last 30 days.</p>
            ) : (
              <LiteracyGroups rows={literacy.byGroup} k={k} />
            )}
          </div>
          <div>
            <h4>By lesson and version</h4>
            <LessonCoverageTable lessons={literacy.lessons} />
          </div>
        </div>
      )}
    </section>
  );
}
