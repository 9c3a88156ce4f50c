import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffLines } from "../../worker/dashboard/src/policy/diff";

/* The policy editor's line diff: exact for any two texts, and quick on a long policy with a small change. */

describe("diffLines", () => {
  it("rebuilds both texts, numbers every line, and keeps as many lines as a longest common subsequence", () => {
    const lines = fc.array(fc.constantFrom("a", "b", "c", "d"), { maxLength: 12 });
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const out = diffLines(a.join("\n"), b.join("\n"));
        const before = out.filter((line) => line.kind !== "added");
        const after = out.filter((line) => line.kind !== "removed");
        expect(before.map((line) => line.text)).toEqual(a.join("\n").split("\n"));
        expect(after.map((line) => line.text)).toEqual(b.join("\n").split("\n"));
        expect(before.map((line) => line.oldNo)).toEqual(before.map((_, i) => i + 1));
        expect(after.map((line) => line.newNo)).toEqual(after.map((_, i) => i + 1));
        // The reference: a plain LCS length over the whole texts.
        const x = a.join("\n").split("\n");
        const y = b.join("\n").split("\n");
        const table = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
        for (let i = x.length - 1; i >= 0; i--) {
          for (let j = y.length - 1; j >= 0; j--) {
            const row = table[i] as number[];
            row[j] =
              x[i] === y[j] ? (table[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(table[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
          }
        }
        expect(out.filter((line) => line.kind === "same")).toHaveLength(table[0]?.[0] ?? 0);
      }),
    );
  });

  it("compares a policy of thousands of lines with one changed line without the full table", () => {
    const before = Array.from({ length: 20_000 }, (_, i) => `  "line ${i}": ${i},`);
    const after = [...before];
    after[12_345] = '  "changed": true,';
    // The full table would hold 400 million cells; the shared start and end leave one line.
    const out = diffLines(before.join("\n"), after.join("\n"));
    expect(out.filter((line) => line.kind !== "same").map((line) => [line.kind, line.oldNo ?? line.newNo])).toEqual([
      ["removed", 12_346],
      ["added", 12_346],
    ]);
  });
});
