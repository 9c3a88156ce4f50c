/**
 * `npm run bench:guard`: how long the sensitive-data guard adds to a paste, side by side with
 * the paste path without it, in one run.
 *
 * Pastes: ordinary business text (test/support/business-text.ts: invoices, tables, logs,
 * code, notes) with a sensitive value about every 20 KB, 10 KB and 1 MB long. Guard: the
 * default policy's detectors and markings; a second row adds three organization patterns.
 * Baseline: the paste path without the guard, every character read once. Each paste is
 * timed with and without the guard back to back, in alternation, so load and garbage
 * collection fall on both alike. Also measured: the sliced scan of 1 MB as the page would
 * run it (longest stretch the page is kept busy between two pauses), the same for each
 * hostile 1 MB paste of test/support/guard-hostile.ts (with the most characters one step
 * examined, which the hostile-input test bounds), and the guard's time relative to the
 * reference workload the throughput test in `npm test` gates on.
 *
 * Prints a table, then one JSON line. Exits non-zero when something breaks or a budget
 * (BUDGETS.guardScan10KbP95Ms, guardScan1MbP95Ms) is missed.
 * Environment: BENCH_ROUNDS (20 for 10 KB pastes, a quarter of that for 1 MB).
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import { DETECTOR_IDS } from "../../shared/guard/ids";
import { prepareGuard, scanInSlices } from "../../shared/guard/scan";
import { BUDGETS, LIMITS } from "../../shared/limits";
import { HOSTILE_PASTES } from "../support/guard-hostile";
import { defaultGuard, measure, pasteOf, percentile, referenceRatio } from "../support/guard-timing";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);

const small = Array.from({ length: 50 }, (_, i) => pasteOf(10_000, 1000 + i));
const large = Array.from({ length: 4 }, (_, i) => pasteOf(1_000_000, 2000 + i));

const guard = defaultGuard();
const withPatterns = prepareGuard({
  ...guard.settings,
  detectors: DETECTOR_IDS,
  patterns: [
    { id: "project-codes", pattern: "\\bPRJ-\\d{6}\\b", caseInsensitive: false },
    { id: "customer-numbers", pattern: "\\bK[0-9]{8}\\b", caseInsensitive: false },
    { id: "codenames", pattern: "\\b(?:falcon|kestrel|osprey)\\b", caseInsensitive: true },
  ],
});

interface Row {
  name: string;
  guardP50: number;
  guardP95: number;
  baselineP50: number;
  baselineP95: number;
  addedP95: number;
}

function row(name: string, texts: string[], rounds: number, which = guard): Row {
  const samples = measure(texts, rounds, which);
  const added = samples.guard.map((ms, i) => ms - (samples.baseline[i] as number));
  return {
    name,
    guardP50: percentile(samples.guard, 50),
    guardP95: percentile(samples.guard, 95),
    baselineP50: percentile(samples.baseline, 50),
    baselineP95: percentile(samples.baseline, 95),
    addedP95: percentile(added, 95),
  };
}

async function longestStretch(text: string): Promise<{ longest: number; total: number; stepChars: number }> {
  let longest = 0;
  let last = performance.now();
  const started = last;
  const result = await scanInSlices(text, guard, {
    now: () => performance.now(),
    pause: async () => {
      longest = Math.max(longest, performance.now() - last);
      await nextTurn();
      last = performance.now();
    },
  });
  return {
    longest: Math.max(longest, performance.now() - last),
    total: performance.now() - started,
    stepChars: result.longestStepChars,
  };
}

const rows = [
  row("10 KB paste", small, ROUNDS),
  row("1 MB paste", large, Math.max(2, Math.round(ROUNDS / 4))),
  row("10 KB, +3 org patterns", small, ROUNDS, withPatterns),
  row("1 MB, +3 org patterns", large, Math.max(2, Math.round(ROUNDS / 4)), withPatterns),
];
const sliced: { longest: number; total: number }[] = [];
for (const text of large) sliced.push(await longestStretch(text));
const hostile: Record<string, { longest: number; total: number; stepChars: number }> = {};
for (const [name, text] of Object.entries(HOSTILE_PASTES)) hostile[name] = await longestStretch(text);
const ratio = referenceRatio(large.slice(0, 2), 3, guard);

const ms = (value: number) => `${value.toFixed(2).padStart(7)} ms`;
console.log("guard on pastes of ordinary business text (default policy); figures from a shared machine are noisy\n");
console.log("paste                       no guard p50 / p95          guard p50 / p95        added p95");
for (const r of rows) {
  console.log(
    `${r.name.padEnd(26)} ${ms(r.baselineP50)} / ${ms(r.baselineP95)}   ${ms(r.guardP50)} / ${ms(r.guardP95)}   ${ms(r.addedP95)}`,
  );
}
const longest = Math.max(...sliced.map((entry) => entry.longest));
console.log(
  `\n1 MB sliced as in the page: longest busy stretch ${longest.toFixed(1)} ms (slice ${LIMITS.guardSliceMs} ms), total ${percentile(
    sliced.map((entry) => entry.total),
    50,
  ).toFixed(1)} ms`,
);
console.log(
  "\nhostile 1 MB pastes, sliced as in the page     longest busy stretch   total   most characters in a step",
);
for (const [name, entry] of Object.entries(hostile)) {
  console.log(
    `  ${name.padEnd(44)} ${ms(entry.longest)}      ${entry.total.toFixed(0).padStart(5)} ms   ${String(entry.stepChars).padStart(9)}`,
  );
}
console.log(
  `guard / reference workload on 1 MB: ${ratio.toFixed(2)} (test gate ${BUDGETS.guardScanMaxReferenceRatio})`,
);

const [tenKb, oneMb] = rows as [Row, Row];
const budgets = {
  guardScan10KbP95Ms: tenKb.addedP95 <= BUDGETS.guardScan10KbP95Ms,
  guardScan1MbP95Ms: oneMb.addedP95 <= BUDGETS.guardScan1MbP95Ms,
};
console.log(
  `budgets: 10 KB added p95 ${tenKb.addedP95.toFixed(2)} <= ${BUDGETS.guardScan10KbP95Ms} ms ${budgets.guardScan10KbP95Ms ? "ok" : "MISSED"}; 1 MB added p95 ${oneMb.addedP95.toFixed(2)} <= ${BUDGETS.guardScan1MbP95Ms} ms ${budgets.guardScan1MbP95Ms ? "ok" : "MISSED"}`,
);
const round = (value: number) => Math.round(value * 1000) / 1000;
console.log(
  JSON.stringify({
    bench: "guard",
    rows: rows.map((r) => ({
      name: r.name,
      baselineP50Ms: round(r.baselineP50),
      baselineP95Ms: round(r.baselineP95),
      guardP50Ms: round(r.guardP50),
      guardP95Ms: round(r.guardP95),
      addedP95Ms: round(r.addedP95),
    })),
    slicedLongestStretchMs: round(longest),
    hostileLongestStretchMs: Object.fromEntries(
      Object.entries(hostile).map(([name, entry]) => [name, round(entry.longest)]),
    ),
    referenceRatio: round(ratio),
    budgets,
    ok: Object.values(budgets).every(Boolean),
  }),
);
if (!Object.values(budgets).every(Boolean)) process.exitCode = 1;
