import type { EvidencePack, GuardOutcomeDevices } from "../../shared/admin";

/*
 * The sensitive-data guard's section of the evidence pack as CSV rows and printable HTML:
 * distinct devices with each outcome (warned, pasted anyway, took it back, blocked), overall
 * and per kind of data. Every string is escaped by the callers' helpers.
 */

type Cell = string | number | null;

const OUTCOMES: Array<[keyof GuardOutcomeDevices, string]> = [
  ["warned", "warned"],
  ["pasted_anyway", "pasted anyway"],
  ["removed", "took it back"],
  ["blocked", "blocked"],
];

/** Rows in the CSV's columns: framework, reference, control, figure, statement, numerator, denominator, ... */
export function guardCsvRows(pack: EvidencePack): Cell[][] {
  const { guard, k } = pack;
  // A period without any warning adds no rows.
  if (!guard || guard.byDetector.length === 0) return [];
  const row = (detector: string, outcomes: GuardOutcomeDevices): Cell[][] =>
    OUTCOMES.map(([outcome, words]) => [
      "ISO/IEC 42001:2023",
      "Clause 7.3",
      "Awareness",
      `guard-${outcome}`,
      outcomes[outcome] === null
        ? `${detector}: withheld (fewer than ${k} devices)`
        : `${detector}: ${outcomes[outcome]} devices ${words}`,
      outcomes[outcome],
      null,
      "devices",
      guard.from,
      guard.to,
      "device-reports",
    ]);
  return [
    ...row("all kinds of data", guard.outcomes),
    ...guard.byDetector.flatMap((entry) => row(entry.detector, entry)),
  ];
}

export function guardHtml(pack: EvidencePack, table: (head: string[], body: Cell[][]) => string): string {
  const { guard } = pack;
  if (!guard) return "";
  const cells = (outcomes: GuardOutcomeDevices) => OUTCOMES.map(([outcome]) => outcomes[outcome]);
  return `<section>
<h2>Sensitive-data warnings in AI tools and what people did</h2>
${table(
  ["Kind of data", ...OUTCOMES.map(([, words]) => `Devices: ${words}`)],
  [["all", ...cells(guard.outcomes)], ...guard.byDetector.map((entry) => [entry.detector, ...cells(entry)])],
)}
</section>`;
}
