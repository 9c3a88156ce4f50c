/**
 * Hostile policies and hostile pastes: neither may freeze the page. Organization patterns
 * that would backtrack catastrophically in a JavaScript RegExp run on the guard's linear
 * engine; patterns it cannot run safely are refused by the policy schema, naming the field;
 * and every scan, sliced as the extension runs it, hands the page back often and stops at
 * its time budget. Times are measured on this (possibly busy, shared) machine, so the
 * bounds are generous multiples of the slice length: they catch a scan that blocks for
 * seconds, not one that is a few milliseconds slow.
 */
import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { DETECTOR_IDS } from "../../../shared/guard/ids";
import { compilePattern } from "../../../shared/guard/pattern/program";
import { prepareGuard, type ScanResult, scanInSlices } from "../../../shared/guard/scan";
import { LIMITS } from "../../../shared/limits";
import { describeIssues, policySchema } from "../../../shared/policy/schema";

/**
 * Longest time the page may be kept busy between two pauses in this test: 100x the slice
 * length. The test catches a scan that freezes the page for seconds; how long a stretch
 * takes is measured by `npm run bench:guard`, not here. Quiet, the longest stretch measured
 * here is 10-30 ms, except one unbroken run of digits, which is read as one cluster: 40 to
 * 70 ms for 1 MB of digits, stretched past 200 ms when other test files share the cores.
 */
const LONGEST_STRETCH_MS = LIMITS.guardSliceMs * 100;
const ONE_MB = 1_000_000;

/** Runs a sliced scan and measures the longest stretch between two pauses and the total time. */
async function measured(text: string, guard: ReturnType<typeof prepareGuard>) {
  let longest = 0;
  let last = performance.now();
  const started = last;
  const result: ScanResult = await scanInSlices(text, guard, {
    now: () => performance.now(),
    pause: async () => {
      longest = Math.max(longest, performance.now() - last);
      await nextTurn();
      last = performance.now();
    },
  });
  longest = Math.max(longest, performance.now() - last);
  return { result, longest, total: performance.now() - started };
}

const HOSTILE_PATTERNS = [
  "(a|a)*b",
  "(a+)+b",
  "(\\w+\\s?)*!",
  "\\w+@",
  "(?:a|aa){1,100}b",
  "(.*a){20}",
  "([a-z]+)*[0-9]{100}",
];

describe("hostile organization patterns", () => {
  it("compiles the classic catastrophic-backtracking patterns into a linear program", () => {
    for (const source of HOSTILE_PATTERNS) {
      const compiled = compilePattern(source);
      expect(compiled.ok ? compiled.program.size : compiled.error, source).toBeLessThanOrEqual(
        LIMITS.guardPatternMaxProgram,
      );
    }
  });

  it("refuses what it cannot run safely, naming the policy field", () => {
    const result = policySchema.safeParse({
      version: 1,
      name: "Hostile",
      rules: [],
      guard: {
        patterns: [
          { id: "backref", label: "x", pattern: "(a+)\\1" },
          { id: "lookahead", label: "x", pattern: "(?=a)*a" },
          { id: "too-complex", label: "x", pattern: "(?:(?:a|aa){1,100}){1,100}" },
          { id: "empty", label: "x", pattern: "(a|)*" },
          { id: "too-long", label: "x", pattern: "a".repeat(LIMITS.guardPatternMaxSource + 1) },
        ],
      },
    });
    expect(result.success).toBe(false);
    const issues = result.success ? [] : describeIssues(result.error);
    expect(issues).toEqual([
      `guard.patterns.4.pattern: Too big: expected string to have <=${LIMITS.guardPatternMaxSource} characters`,
      "guard.patterns.0.pattern: at 5: backreferences are not supported",
      "guard.patterns.1.pattern: at 2: only (...) and (?:...) groups are supported (no lookaround)",
      `guard.patterns.2.pattern: the pattern is too complex (over ${LIMITS.guardPatternMaxProgram} steps once its repeats are counted out)`,
      "guard.patterns.3.pattern: at 5: a repeated part must match at least one character each time",
    ]);
  });

  it("keeps the page responsive on 1 MB of hostile input, and stops at the time budget", async () => {
    const guard = prepareGuard({
      detectors: DETECTOR_IDS,
      emailListMin: 10,
      markings: [],
      patterns: HOSTILE_PATTERNS.map((pattern, i) => ({ id: `hostile-${i}`, pattern, caseInsensitive: false })),
    });
    for (const text of ["a".repeat(ONE_MB), "a ".repeat(ONE_MB / 2)]) {
      const { result, longest, total } = await measured(text, guard);
      console.log(
        `hostile patterns on 1 MB of ${JSON.stringify(text.slice(0, 2))}...: longest stretch ${longest.toFixed(1)} ms, total ${total.toFixed(0)} ms, complete ${result.complete}, read ${result.scannedChars} chars`,
      );
      expect(longest).toBeLessThan(LONGEST_STRETCH_MS);
      expect(total).toBeLessThan(LIMITS.guardTimeBudgetMs + 10 * LONGEST_STRETCH_MS);
      if (!result.complete) expect(result.scannedChars).toBeLessThan(text.length);
    }
  }, 30_000);
});

describe("hostile pastes", () => {
  const guard = prepareGuard({
    detectors: DETECTOR_IDS,
    emailListMin: 10,
    markings: [{ text: "CONFIDENTIAL", caseSensitive: true }],
    patterns: [{ id: "project", pattern: "\\bPRJ-\\d{6}\\b", caseInsensitive: false }],
  });
  const pastes: Record<string, string> = {
    digits: "4".repeat(ONE_MB),
    "digit groups": "4111 ".repeat(ONE_MB / 5),
    "dashed digits": "123-45-".repeat(ONE_MB / 7),
    base64: "AKIA".repeat(ONE_MB / 4),
    "at signs": "a@".repeat(ONE_MB / 2),
    "long local part": `${"a".repeat(ONE_MB - 20)}@example.com`,
    "token prefixes": "sk-ant-api03-".repeat(ONE_MB / 13),
    "jwt headers": "eyJhbGciOiJIUzI1NiJ9.".repeat(ONE_MB / 21),
    "pem headers": "-----BEGIN PRIVATE KEY-----\n".repeat(ONE_MB / 28),
    "iban starts": "DE89 ".repeat(ONE_MB / 5),
    markings: "CONFIDENTIAL ".repeat(ONE_MB / 13),
  };

  it.each(Object.keys(pastes))(
    "keeps the page responsive on 1 MB of %s",
    async (name) => {
      const { result, longest, total } = await measured(pastes[name] as string, guard);
      console.log(
        `${name}: longest stretch ${longest.toFixed(1)} ms, total ${total.toFixed(0)} ms, hits ${result.hits.length}`,
      );
      expect(longest).toBeLessThan(LONGEST_STRETCH_MS);
      expect(result.complete).toBe(true);
    },
    30_000,
  );

  it("counts a paste longer than it may read as not fully scanned", async () => {
    const text = `${"x".repeat(LIMITS.guardMaxScanChars)}4242 4242 4242 4242`;
    const { result } = await measured(text, guard);
    expect(result.complete).toBe(false);
    expect(result.scannedChars).toBe(LIMITS.guardMaxScanChars);
    expect(result.hits).toEqual([]);
  }, 30_000);
});
