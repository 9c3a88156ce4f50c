/**
 * Figures and the k-anonymity rule as people see it. The API withholds (null) every figure
 * that covers fewer than k devices; here such a figure reads "fewer than k", with the reason
 * in its title and for screen readers, and never as a 0 or a blank.
 */
import type { ComponentChildren } from "preact";
import { num, pct } from "../format";
import { useMe } from "../session";

/** The explanation a withheld figure carries, in one wording everywhere. */
export function withheldReason(k: number): string {
  return `Withheld: fewer than ${num(k)} devices are behind this figure, so showing it could single someone out.`;
}

/** A withheld figure: visibly "fewer than k", its reason in the title and for screen readers. */
function Withheld() {
  const { k } = useMe();
  return (
    <span class="withheld" title={withheldReason(k)} data-withheld="">
      fewer than {num(k)}
      <span class="sr-only"> devices, so this figure is withheld to protect privacy</span>
    </span>
  );
}

/** A count the API may withhold. */
export function Figure({ value }: { value: number | null | undefined }) {
  return value === null ? <Withheld /> : num(value);
}

/** A table cell holding a count the API may withhold. */
export function FigureCell({ value }: { value: number | null | undefined }) {
  return (
    <td class="num">
      <Figure value={value} />
    </td>
  );
}

/** "n of d" with both sides possibly withheld: withheld as a whole when either is. */
export function OfFigure({ part, whole }: { part: number | null | undefined; whole: number | null | undefined }) {
  if (part === null || whole === null) return <Withheld />;
  return (
    <>
      {num(part)} of {num(whole)}
    </>
  );
}

/** A percentage of two figures the API may withhold. */
export function Share({ part, whole }: { part: number | null | undefined; whole: number | null | undefined }) {
  if (part === null || whole === null) return <Withheld />;
  return <>{pct(part, whole)}</>;
}

/** One line under a table or chart that holds withheld figures, saying what they mean. */
export function WithheldNote({ what = "figure" }: { what?: string }) {
  const { k } = useMe();
  return (
    <p class="muted small withheld-note">
      “fewer than {num(k)}” marks a {what} that covers fewer than {num(k)} devices: it is withheld so that no one can be
      singled out, and it is not a zero.
    </p>
  );
}

export function Stat({
  label,
  value,
  detail,
}: {
  label: string;
  value: ComponentChildren;
  detail?: ComponentChildren;
}) {
  return (
    <div class="stat">
      <dt>{label}</dt>
      <dd>
        <span class="stat-value">{value}</span>
        {detail && <span class="stat-detail">{detail}</span>}
      </dd>
    </div>
  );
}

/**
 * A horizontal bar for a share of a maximum. A withheld value draws a hatched, empty track so
 * the row keeps its shape without suggesting a size.
 */
export function Bar({ value, max, label }: { value: number | null; max: number | null; label: string }) {
  if (value === null || max === null) {
    return <span class="bar bar-withheld" role="img" aria-label={label} />;
  }
  // A value above zero shows at least a sliver; zero shows none.
  const width = max > 0 && value > 0 ? Math.max(2, Math.round((value / max) * 100)) : 0;
  return (
    <span class="bar" role="img" aria-label={label}>
      {/* A CSSOM property, not a style attribute: allowed by the CSP. */}
      <span class="bar-fill" style={{ width: `${width}%` }} />
    </span>
  );
}

/** A bar with its percentage beside it: coverage of a version, a group, a figure. */
export function Coverage({ part, whole, label }: { part: number | null; whole: number | null; label: string }) {
  return (
    <div class="coverage">
      <Bar value={part} max={whole} label={part === null || whole === null ? `${label}: withheld` : label} />
      <span class="num">
        <Share part={part} whole={whole} />
      </span>
    </div>
  );
}

/** Two table cells for a coverage: "n of d", then its bar and percentage. */
export function CoverageCells({ part, whole }: { part: number | null; whole: number | null }) {
  return (
    <>
      <td class="num">
        <OfFigure part={part} whole={whole} />
      </td>
      <td>
        <Coverage part={part} whole={whole} label={pct(part, whole)} />
      </td>
    </>
  );
}
