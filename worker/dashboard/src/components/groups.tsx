/**
 * Coverage by device group as the API gives it (awareness and the evidence pack): groups of at
 * least k devices by name, the rest merged into one "other groups" row, whose figures are
 * withheld while even together they cover fewer than k devices. No small group is named.
 */
import type { GroupCoverage } from "../../../../shared/admin";
import { num } from "../format";
import { CoverageCells } from "./figures";
import { TableHead } from "./ui";

/** A group's name as read: its label, "no group", or the merged row of the small groups. */
function groupName(row: GroupCoverage): string {
  if (row.other) return "Other groups";
  return row.group ?? "No group";
}

export function GroupTable({
  rows,
  k,
  part = "Acknowledged",
  testId = "groups",
}: {
  rows: GroupCoverage[];
  k: number;
  /** What the numerator counts. */
  part?: string;
  testId?: string;
}) {
  return (
    <table class="data" data-testid={testId}>
      <TableHead columns={["Group", { label: part, num: true }, "Coverage"]} />
      <tbody>
        {rows.map((g) => (
          <tr key={g.other ? "(other)" : (g.group ?? "")} data-group={g.other ? "(other)" : (g.group ?? "")}>
            <th scope="row">
              {g.other || g.group === null ? <span class="muted">{groupName(g)}</span> : g.group}
              {g.other && (
                <span class="vendor">
                  groups under {num(k)} devices (and, where needed, the next smallest) merged so that none can be
                  singled out{g.suppressed && `; together still under ${num(k)} devices, so withheld`}
                </span>
              )}
            </th>
            <CoverageCells part={g.acknowledged} whole={g.active} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}
