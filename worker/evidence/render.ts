import type { EvidencePack } from "../../shared/admin";
import { guardCsvRows, guardHtml } from "./render-guard";
import { literacyCsvRows, literacyHtml } from "./render-literacy";

/*
 * The evidence pack as CSV (one row per figure and control, the mapping an auditor files,
 * then the counts, the groups and the pack's hash) and as a printable HTML page with every
 * section of the signed JSON. Every string is treated as untrusted: HTML-escaped, and CSV
 * cells that a spreadsheet would run as a formula are prefixed with an apostrophe. Both name
 * the SHA-256 of the signed JSON they were made from; that JSON is the pack to verify.
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
function groupName(group: Pick<EvidencePack["byGroup"][number], "group" | "other">, k: number): string {
  if (group.other) return `Other groups (each fewer than ${k} devices)`;
  return group.group ?? "(no group)";
}

type Cell = string | number | null;

export function evidenceCsv(pack: EvidencePack, sha256: string): string {
  const controls = new Map(pack.controls.map((control) => [control.id, control]));
  const rows: Cell[][] = [
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
      "basis",
    ],
  ];
  /** One row per control a figure or count maps to: the control, then the figure's cells. */
  const mapped = (ids: string[], cells: Cell[]) => {
    for (const id of ids) {
      const control = controls.get(id);
      rows.push([control?.framework ?? "", control?.reference ?? id, control?.title ?? "", ...cells]);
    }
  };
  for (const figure of pack.figures) {
    mapped(figure.controls, [
      figure.id,
      figure.statement,
      figure.numerator,
      figure.denominator,
      figure.denominatorLabel,
      figure.from,
      figure.to,
      figure.basis,
    ]);
  }
  for (const count of pack.counts) {
    mapped(count.controls, [
      count.id,
      count.statement,
      count.value,
      null,
      "count",
      pack.period.from,
      pack.period.to,
      count.basis,
    ]);
  }
  for (const group of pack.byGroup) {
    const label = groupName(group, pack.k);
    rows.push([
      "ISO/IEC 42001:2023",
      "Clause 7.3",
      "Awareness",
      "policy-acknowledged-by-group",
      group.suppressed
        ? `${label}: withheld (fewer than ${pack.k} devices together)`
        : `${label}: ${group.acknowledged} of ${group.active} active devices acknowledged policy v${pack.policy.version}`,
      group.acknowledged,
      group.active,
      "active devices in the group",
      pack.period.from,
      pack.period.to,
      "device-reports",
    ]);
  }
  rows.push(...literacyCsvRows(pack, (group) => groupName(group, pack.k)));
  rows.push(...guardCsvRows(pack));
  rows.push([
    "",
    "",
    "",
    "pack-sha256",
    `SHA-256 of the signed JSON pack (Ed25519 key ${pack.signature.publicKey})`,
    sha256,
    null,
    "",
    pack.period.from,
    pack.period.to,
    "",
  ]);
  return `${rows.map((row) => row.map(csvCell).join(",")).join("\r\n")}\r\n`;
}

const day = (time: number) => new Date(time).toISOString().slice(0, 10);
const list = (items: string[]) => `<ul>\n${items.map((item) => `<li>${escapeHtml(item)}</li>`).join("\n")}\n</ul>`;
const table = (head: string[], body: Cell[][]) =>
  `<table>\n<tr>${head.map((cell) => `<th>${escapeHtml(cell)}</th>`).join("")}</tr>\n${body
    .map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell ?? "withheld")}</td>`).join("")}</tr>`)
    .join("\n")}\n</table>`;

export function evidenceHtml(pack: EvidencePack, sha256: string): string {
  const generated = new Date(pack.generatedAt).toISOString().replace("T", " ").slice(0, 16);
  const byControl = pack.controls
    .map((control) => {
      const figures = pack.figures.filter((figure) => figure.controls.includes(control.id));
      const counts = pack.counts.filter((count) => count.controls.includes(control.id));
      if (figures.length + counts.length === 0) return "";
      const items = [
        ...figures.map(
          (figure) =>
            `<tr><td class="figure">${escapeHtml(figure.numerator)} / ${escapeHtml(figure.denominator)}</td>` +
            `<td>${escapeHtml(figure.statement)}<div class="trust">${escapeHtml(figure.trust)}</div>` +
            `<div class="id">${escapeHtml(figure.id)} · ${escapeHtml(figure.basis)}</div></td></tr>`,
        ),
        ...counts.map(
          (count) =>
            `<tr><td class="figure">${escapeHtml(count.value)}</td>` +
            `<td>${escapeHtml(count.statement)}<div class="trust">${escapeHtml(count.trust)}</div>` +
            `<div class="id">${escapeHtml(count.id)} · ${escapeHtml(count.basis)}</div></td></tr>`,
        ),
      ].join("\n");
      return `<section>
<h2>${escapeHtml(control.framework)} ${escapeHtml(control.reference)}: ${escapeHtml(control.title)}</h2>
<table>${items}</table>
</section>`;
    })
    .join("\n");
  const groups = pack.byGroup.map((group): Cell[] =>
    group.suppressed
      ? [groupName(group, pack.k), `withheld (fewer than ${pack.k} devices together)`, ""]
      : [groupName(group, pack.k), group.acknowledged, group.active],
  );
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
.id, .meta, .trust { color: #555; font-size: 0.85em; }
.hash { font-family: ui-monospace, monospace; font-size: 0.8em; word-break: break-all; }
.lesson-text { margin: 0.5rem 0 1rem 1rem; }
h3, h4 { font-size: 0.95rem; margin: 1rem 0 0.25rem; }
@media print { body { margin: 0; max-width: none; } section, .lesson-text { break-inside: avoid; } }
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
${table(["Group", "Acknowledged", "Active devices"], groups)}
</section>
<section>
<h2>AI systems in use: inventory</h2>
${table(
  ["Kind", "Systems"],
  (pack.systemsByKind ?? []).map((entry) => [entry.kind, entry.systems]),
)}
${table(
  [
    "Tool",
    "Kind",
    "Category",
    "Risk",
    "Facts checked over a year ago",
    "Review status",
    "Enterprise agreement",
    "Owner",
    "Next review",
    "Conditions",
    "Devices",
  ],
  pack.inventory.map((tool) => [
    tool.name,
    tool.kind ?? "web",
    tool.category,
    tool.level,
    (tool.staleFacts ?? []).join(", "),
    tool.status.replace(/_/g, " "),
    tool.agreement ? "yes" : "",
    tool.owner ?? "",
    tool.nextReview ?? "",
    tool.conditions ?? "",
    tool.devices,
  ]),
)}
</section>
<section>
<h2>Exceptions register</h2>
${table(
  ["Tool", "Reason", "Requests", "Devices", "Decision", "Owner", "Expires"],
  pack.exceptions.map((entry) => [
    entry.toolName,
    entry.reasonLabel,
    entry.requests,
    entry.devices,
    entry.decision,
    entry.owner ?? "",
    entry.expiry ?? "",
  ]),
)}
</section>
${literacyHtml(pack, table, (group) => groupName(group, pack.k))}
${guardHtml(pack, table)}
<section>
<h2>Policy versions</h2>
${table(
  ["Version", "Name", "Published", "By"],
  pack.policyVersions.map((entry) => [`v${entry.version}`, entry.name, day(entry.publishedAt), entry.publishedBy]),
)}
</section>
<section>
<h2>What these figures can and cannot prove</h2>
${list(pack.trustModel)}
</section>
<section>
<h2>Method and notes</h2>
${list([...pack.method, ...pack.notes])}
</section>
<section>
<h2>Integrity</h2>
<p>This page shows the signed JSON pack whose SHA-256 is <span class="hash">${escapeHtml(sha256)}</span>,
signed with the Ed25519 key <span class="hash">${escapeHtml(pack.signature.publicKey)}</span>.
The pack before it: <span class="hash">${escapeHtml(pack.previousHash ?? "none (the first pack)")}</span>.
Download the JSON pack and check it with <code>npm run --silent verify-evidence FILE</code>.</p>
</section>
</body>
</html>
`;
}
