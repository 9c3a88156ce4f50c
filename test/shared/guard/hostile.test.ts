/**
 * Hostile policies and hostile pastes: neither may freeze the page. Organization patterns
 * that would backtrack catastrophically in a JavaScript RegExp run on the guard's linear
 * engine; patterns it cannot run safely are refused by the policy schema, naming the field;
 * and every scan goes in short steps and stops at its time budget. How long a step keeps
 * the page busy is held by counting the characters it examines (ScanResult.longestStepChars),
 * not by a clock, so the bound holds on a loaded machine; `npm run bench:guard` measures the
 * time.
 */
import { describe, expect, it } from "vitest";
import { DETECTOR_IDS } from "../../../shared/guard/ids";
import { compilePattern } from "../../../shared/guard/pattern/program";
import { prepareGuard, scan, scanInSlices } from "../../../shared/guard/scan";
import { LIMITS } from "../../../shared/limits";
import { describeIssues, policySchema } from "../../../shared/policy/schema";
import { HOSTILE_PASTES } from "../../support/guard-hostile";

/**
 * The most characters one step may examine: its stretch (LIMITS.guardChunkChars), what a
 * match may read past it (at most 12 KB, a JWT) and, for e-mail addresses, the local part
 * read back from each "@": within three stretches. A step that reads on to the end of a
 * long run of digits examines the whole megabyte.
 */
const STEP_CHARS = 3 * LIMITS.guardChunkChars;
const ONE_MB = 1_000_000;

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

  it("keeps every step short on 1 MB of hostile input, and stops at the time budget", async () => {
    const guard = prepareGuard({
      detectors: DETECTOR_IDS,
      emailListMin: 10,
      markings: [],
      patterns: HOSTILE_PATTERNS.map((pattern, i) => ({ id: `hostile-${i}`, pattern, caseInsensitive: false })),
    });
    for (const text of ["a".repeat(ONE_MB), "a ".repeat(ONE_MB / 2)]) {
      // A clock that moves one millisecond each time the scan looks at it: the budget ends the
      // scan after that many steps, however busy the machine.
      let clock = 0;
      let pauses = 0;
      const result = await scanInSlices(text, guard, {
        now: () => clock++,
        pause: async () => {
          pauses++;
        },
      });
      console.log(
        `hostile patterns on 1 MB of ${JSON.stringify(text.slice(0, 2))}...: at most ${result.longestStepChars} characters in a step, ${pauses} pauses, complete ${result.complete}, read ${result.scannedChars} chars`,
      );
      expect(result.longestStepChars).toBeGreaterThan(0);
      expect(result.longestStepChars).toBeLessThanOrEqual(STEP_CHARS);
      expect(pauses).toBeGreaterThan(0);
      // More steps than the budget allows: it stopped there, leaving the rest unscanned.
      expect(result.complete).toBe(false);
      expect(clock).toBeLessThanOrEqual(LIMITS.guardTimeBudgetMs + 10);
      expect(result.scannedChars).toBeLessThan(text.length);
    }
  }, 60_000);
});

describe("hostile pastes", () => {
  const guard = prepareGuard({
    detectors: DETECTOR_IDS,
    emailListMin: 10,
    markings: [{ text: "CONFIDENTIAL", caseSensitive: true }],
    patterns: [{ id: "project", pattern: "\\bPRJ-\\d{6}\\b", caseInsensitive: false }],
  });

  it.each(Object.keys(HOSTILE_PASTES))(
    "keeps every step short on 1 MB of %s",
    (name) => {
      const text = HOSTILE_PASTES[name] as string;
      const result = scan(text, guard);
      console.log(`${name}: at most ${result.longestStepChars} characters in a step, hits ${result.hits.length}`);
      expect(result.complete).toBe(true);
      expect(result.scannedChars).toBe(text.length);
      expect(result.longestStepChars).toBeGreaterThan(0);
      expect(result.longestStepChars).toBeLessThanOrEqual(STEP_CHARS);
    },
    30_000,
  );

  it("counts a paste longer than it may read as not fully scanned", () => {
    const text = `${"x".repeat(LIMITS.guardMaxScanChars)}4242 4242 4242 4242`;
    const result = scan(text, guard);
    expect(result.complete).toBe(false);
    expect(result.scannedChars).toBe(LIMITS.guardMaxScanChars);
    expect(result.hits).toEqual([]);
  }, 30_000);
});
