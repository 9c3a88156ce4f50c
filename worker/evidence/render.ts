import type { EvidencePack } from "../../shared/admin";

/*
 * The evidence pack as CSV (one row per figure and control, the mapping an auditor files)
 * and as a printable HTML page. Group labels come from devices' configuration and every
 * string is treated as untrusted: HTML-escaped, and CSV cells that a spreadsheet would run
 * as a formula are prefixed with an apostrophe.
 */

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] as string);
}

export function csvCell(value: string | number | null): string {
  let text = value === null ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** How a row of the group breakdown is named: its label, or the merged small groups. */
export function groupName(group: EvidencePack["byGroup"][number], k: number): string {
  if (group.other) return `Other groups (each fewer than ${k} devices)`;
  return group.group ?? "(no group)";
}

export function evidenceCsv(pack: EvidencePack): string {
  const controls = new Map(pack.controls.map((control) => [control.id, control]));
  const rows: Array<Array<string | number | null>> = [
    [
      "framework",
      "reference",
      "control",
      "figure",
      "statement",
      "numerator",
      "denominator",
      "denominator_label",
      "from",
      "to",
    ],
  ];
  for (const figure of pack.figures) {
    for (const id of figure.controls) {
      const control = controls.get(id);
      rows.push([
        control?.framework ?? "",
        control?.reference ?? id,
        control?.title ?? "",
        figure.id,
        figure.statement,
        figure.numerator,
        figure.denominator,
        figure.denominatorLabel,
        figure.from,
        figure.to,
      ]);
    }
  }
  for (const group of pack.byGroup) {
    const label = groupName(group, pack.k);
    rows.push([
      "ISO/IEC 42001:2023",
      "Clause 7.3",
      "Awareness",
      "policy-acknowledged-by-group",
      group.suppressed
        ? `${label}: withheld (fewer than ${pack.k} devices, or derivable from other groups)`
        : `${label}: ${group.acknowledged} of ${group.active} active devices acknowledged policy v${pack.policy.version}`,
      group.acknowledged,
      group.active,
      "active devices in the group",
      pack.period.from,
      pack.period.to,
    ]);
  }
  return `${rows.map((row) => row.map(csvCell).join(",")).join("\r\n")}\r\n`;
}

export function evidenceHtml(pack: EvidencePack): string {
  const controls = new Map(pack.controls.map((control) => [control.id, control]));
  const generated = new Date(pack.generatedAt).toISOString().replace("T", " ").slice(0, 16);
  const byControl = pack.controls
    .map((control) => {
      const figures = pack.figures.filter((figure) => figure.controls.includes(control.id));
      if (figures.length === 0) return "";
      const items = figures
        .map(
          (figure) =>
            `<tr><td class="figure">${escapeHtml(figure.numerator)} / ${escapeHtml(figure.denominator)}</td>` +
            `<td>${escapeHtml(figure.statement)}<div class="id">${escapeHtml(figure.id)}</div></td></tr>`,
        )
        .join("\n");
      return `<section>
<h2>${escapeHtml(control.framework)} ${escapeHtml(control.reference)}: ${escapeHtml(control.title)}</h2>
<table>${items}</table>
</section>`;
    })
    .join("\n");
  const groups = pack.byGroup
    .map(
      (group) =>
        `<tr><td>${escapeHtml(groupName(group, pack.k))}</td>` +
        (group.suppressed
          ? `<td colspan="2">withheld (fewer than ${escapeHtml(pack.k)} devices)</td>`
          : `<td>${escapeHtml(group.acknowledged ?? 0)}</td><td>${escapeHtml(group.active ?? 0)}</td>`) +
        "</tr>",
    )
    .join("\n");
  const mapping = pack.figures
    .map(
      (figure) =>
        `<tr><td>${escapeHtml(figure.id)}</td><td>${figure.controls
          .map((id) => escapeHtml(controls.get(id)?.reference ?? id))
          .join(", ")}</td></tr>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Shadowlight evidence pack ${escapeHtml(pack.period.from)} to ${escapeHtml(pack.period.to)}</title>
<style>
body { font: 11pt/1.45 system-ui, sans-serif; color: #111; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: 0.25rem; }
h2 { font-size: 1.05rem; margin: 1.5rem 0 0.5rem; border-bottom: 1px solid #999; }
table { border-collapse: collapse; width: 100%; }
td, th { text-align: left; vertical-align: top; padding: 0.3rem 0.5rem; border-bottom: 1px solid #ddd; }
td.figure { white-space: nowrap; font-variant-numeric: tabular-nums; font-weight: 600; width: 8rem; }
.id, .meta { color: #555; font-size: 0.85em; }
@media print { body { margin: 0; max-width: none; } section { break-inside: avoid; } }
</style>
</head>
<body>
<h1>AI usage and awareness: evidence pack</h1>
<p class="meta">Period ${escapeHtml(pack.period.from)} to ${escapeHtml(pack.period.to)} (${escapeHtml(pack.period.days)} days).
Policy in force: v${escapeHtml(pack.policy.version)} "${escapeHtml(pack.policy.name)}".
Generated ${escapeHtml(generated)} UTC by ${escapeHtml(pack.generatedBy)} with Shadowlight.</p>
${byControl}
<section>
<h2>Acknowledgement of policy v${escapeHtml(pack.policy.version)} by device group</h2>
<table>
<tr><th>Group</th><th>Acknowledged</th><th>Active devices</th></tr>
${groups}
</table>
</section>
<section>
<h2>Figures and controls</h2>
<table>
<tr><th>Figure</th><th>Controls</th></tr>
${mapping}
</table>
</section>
<section>
<h2>Method</h2>
<ul>
${pack.method.map((line) => `<li>${escapeHtml(line)}</li>`).join("\n")}
</ul>
</section>
</body>
</html>
`;
}
