/**
 * Literacy coverage as awareness and the evidence pack show it: devices that completed every
 * lesson relevant to the AI tools they used, of the devices that used them; by group (small
 * groups merged by the API) and per lesson with each version. Withheld figures read "fewer
 * than k".
 */
import type { ComponentChildren } from "preact";
import type { LessonCoverage, LiteracyGroup } from "../../../../shared/admin";
import { CoverageCells, Figure } from "./figures";
import { GroupTable } from "./groups";
import { DataTable } from "./ui";

export function LiteracyGroups({ rows, k }: { rows: LiteracyGroup[]; k: number }) {
  return (
    <GroupTable
      rows={rows.map((row) => ({
        group: row.group,
        other: row.other,
        active: row.users,
        acknowledged: row.covered,
        suppressed: row.suppressed,
      }))}
      k={k}
      part="Completed every relevant lesson"
      testId="literacy-groups"
    />
  );
}

export function LessonCoverageTable({
  lessons,
  extra,
}: {
  lessons: LessonCoverage[];
  /** A further cell per lesson (the evidence pack names the AI systems it serves). */
  extra?: { label: string; cell: (lesson: LessonCoverage) => ComponentChildren };
}) {
  return (
    <DataTable
      testId="literacy-lessons"
      columns={["Lesson", ...(extra ? [extra.label] : []), { label: "Completed", num: true }, "Coverage", "By version"]}
    >
      {lessons.map((lesson) => (
        <tr key={lesson.lesson} data-lesson={lesson.lesson}>
          <th scope="row">
            {lesson.title}
            <span class="vendor">
              {lesson.lesson} · v{lesson.version} in force · {lesson.readingSeconds} s
            </span>
          </th>
          {extra && <td>{extra.cell(lesson)}</td>}
          <CoverageCells part={lesson.completed} whole={lesson.users} />
          <td class="small">
            <ul class="plain-list">
              {lesson.versions.map((version) => (
                <li key={version.version} data-version={version.version}>
                  v{version.version}: <Figure value={version.completed} /> completed,{" "}
                  <Figure value={version.passedFirstTry} /> at the first try
                </li>
              ))}
            </ul>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
