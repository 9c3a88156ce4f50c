/**
 * org-pattern: the organization's own patterns, from the policy (project code names,
 * customer numbers, internal hostnames...), each with its own id.
 *
 * Matches what each pattern describes, in the safe pattern syntax of
 * shared/guard/pattern/parse.ts, run by the linear-time engine of
 * shared/guard/pattern/program.ts: no pattern can make a scan slower than
 * (characters x program size), a match spans at most LIMITS.guardPatternMaxMatch characters,
 * and each step of a scan gives a pattern at most LIMITS.guardPatternStepsPerChunk steps.
 * The policy schema refuses patterns that do not compile, so a pattern that reaches a device
 * always runs.
 *
 * Source: the organization's policy (guard.patterns).
 *
 * Known limits: the syntax has no lookaround, backreferences or anchors (see parse.ts).
 */
import { LIMITS } from "../../limits";
import { countExamined } from "../examined";
import { compilePattern } from "../pattern/program";
import { mask } from "../redact";
import type { Detector, Finder } from "../types";

export const orgPattern: Detector = {
  id: "org-pattern",
  name: "Organization pattern",
  category: "organization",
  prepare(settings) {
    const makers: (() => Finder)[] = [];
    for (const pattern of settings.patterns) {
      const compiled = compilePattern(pattern.pattern, pattern.caseInsensitive);
      // The policy schema refuses what does not compile; a pattern from elsewhere is skipped.
      if (!compiled.ok) continue;
      const program = compiled.program;
      const finder: Finder = {
        detector: "org-pattern",
        maxLength: LIMITS.guardPatternMaxMatch,
        chunkChars: Math.max(256, Math.floor(LIMITS.guardPatternStepsPerChunk / program.size)),
        preview: (matched) => mask(matched, 2, 2),
        find(text, from, to, out, memo) {
          // The engine tries every position of the stretch, and reads at most maxLength past it.
          countExamined(memo, Math.min(text.length, to + LIMITS.guardPatternMaxMatch) - from);
          let resume = to;
          for (let pos = from; pos < to; ) {
            const match = program.exec(text, pos, to);
            if (match === null) break;
            const [start, end] = match;
            out.push({ detector: "org-pattern", start, end, label: pattern.id });
            resume = Math.max(resume, end);
            pos = end;
          }
          return resume;
        },
      };
      makers.push(() => finder);
    }
    return makers;
  },
};
