import { count, noun, num } from "../format";
import "./diff.css";
import { diffLines, hunks } from "./diff";

/** Two policy texts as a unified line diff, unchanged runs folded. */
export function Diff({ before, after }: { before: string; after: string }) {
  const parts = hunks(diffLines(before, after));
  const tally = (kind: "added" | "removed") =>
    parts.reduce((n, h) => n + ("lines" in h ? h.lines.filter((l) => l.kind === kind).length : 0), 0);
  const added = tally("added");
  const removed = tally("removed");
  if (added === 0 && removed === 0) return <p class="muted">No differences.</p>;
  return (
    <div class="diff" data-testid="diff">
      <p class="muted">
        {count(added, "line")} added, {num(removed)} removed.
      </p>
      <pre>
        {parts.map((part, i) =>
          "skipped" in part ? (
            <span key={i} class="diff-skip">
              {`  … ${num(part.skipped)} unchanged ${noun(part.skipped, "line")}\n`}
            </span>
          ) : (
            part.lines.map((line, j) => (
              <span key={`${i}-${j}`} class={`diff-${line.kind}`}>
                <span class="sr-only">{line.kind === "same" ? "" : `${line.kind}: `}</span>
                {`${line.kind === "added" ? "+" : line.kind === "removed" ? "-" : " "} ${line.text}\n`}
              </span>
            ))
          ),
        )}
      </pre>
    </div>
  );
}
