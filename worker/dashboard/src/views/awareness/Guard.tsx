/** Awareness's sensitive-data section: warnings in AI tools and what people did. */
import type { GuardSummary } from "../../../../../shared/admin";
import { FigureCell } from "../../components/figures";

const COLUMNS = [
  ["warned", "Warned"],
  ["pasted_anyway", "Pasted anyway"],
  ["removed", "Took it back"],
  ["blocked", "Blocked"],
] as const;

export function Guard({ guard }: { guard: GuardSummary }) {
  const rows = [{ detector: "All kinds of data", ...guard.outcomes }, ...guard.byDetector];
  return (
    <section class="card" aria-labelledby="guard-title" data-testid="guard">
      <h3 id="guard-title">Sensitive-data warnings and what people did</h3>
      <p class="muted small">
        Devices that pasted, dropped or attached data an on-device detector recognized in an AI tool, last 30 days, by
        what happened next. Counted on the device: the server holds the kind of data and the outcome, never the content.
      </p>
      {guard.byDetector.length === 0 ? (
        <p class="muted">No warning in the last 30 days.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Kind of data</th>
              {COLUMNS.map(([key, label]) => (
                <th key={key} scope="col" class="num">
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.detector}>
                <th scope="row">{row.detector}</th>
                {COLUMNS.map(([key]) => (
                  <FigureCell key={key} value={row[key]} />
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
