import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { diffLines, hunks, policyText } from "../../worker/dashboard/src/policy/diff";

describe("policy diff", () => {
  it("marks removed before added lines, with line numbers on each side", () => {
    expect(diffLines("a\nb\nc", "a\nx\nc")).toEqual([
      { kind: "same", text: "a", oldNo: 1, newNo: 1 },
      { kind: "removed", text: "b", oldNo: 2 },
      { kind: "added", text: "x", newNo: 2 },
      { kind: "same", text: "c", oldNo: 3, newNo: 3 },
    ]);
  });

  it("rebuilds both texts from the diff, and keeps as many lines as possible unchanged (property)", () => {
    const lines = fc.array(fc.constantFrom("a", "b", "c", "{", "}"), { maxLength: 30 });
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const diff = diffLines(a.join("\n"), b.join("\n"));
        expect(diff.filter((l) => l.kind !== "added").map((l) => l.text)).toEqual(a.join("\n").split("\n"));
        expect(diff.filter((l) => l.kind !== "removed").map((l) => l.text)).toEqual(b.join("\n").split("\n"));
        if (a.join() === b.join()) expect(diff.every((l) => l.kind === "same")).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps exactly as many lines as a longest common subsequence, numbered on each side (property)", () => {
    const lines = fc.array(fc.constantFrom("a", "b", "c", "d"), { maxLength: 12 });
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const diff = diffLines(a.join("\n"), b.join("\n"));
        const before = diff.filter((l) => l.kind !== "added");
        const after = diff.filter((l) => l.kind !== "removed");
        expect(before.map((l) => l.oldNo)).toEqual(before.map((_, i) => i + 1));
        expect(after.map((l) => l.newNo)).toEqual(after.map((_, i) => i + 1));
        // The reference: the LCS length of the whole texts, from the plain quadratic table.
        const x = a.join("\n").split("\n");
        const y = b.join("\n").split("\n");
        const table = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
        for (let i = x.length - 1; i >= 0; i--) {
          const row = table[i] as number[];
          for (let j = y.length - 1; j >= 0; j--) {
            row[j] =
              x[i] === y[j] ? (table[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(table[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
          }
        }
        expect(diff.filter((l) => l.kind === "same")).toHaveLength(table[0]?.[0] ?? 0);
      }),
    );
  });

  it("compares a long policy with one changed line without the full table", () => {
    const before = Array.from({ length: 20_000 }, (_, i) => `  "line ${i}": ${i},`);
    const after = [...before];
    after[12_345] = '  "changed": true,';
    // The full table would hold 400 million cells; the shared start and end leave one line.
    const diff = diffLines(before.join("\n"), after.join("\n"));
    expect(diff.filter((l) => l.kind !== "same").map((l) => [l.kind, l.oldNo ?? l.newNo])).toEqual([
      ["removed", 12_346],
      ["added", 12_346],
    ]);
  });

  it("folds unchanged runs beyond the context", () => {
    const before = Array.from({ length: 20 }, (_, i) => `line ${i}`).join("\n");
    const after = before.replace("line 10", "line ten");
    const folded = hunks(diffLines(before, after), 2);
    expect(folded.map((hunk) => ("skipped" in hunk ? hunk.skipped : hunk.lines.length))).toEqual([8, 6, 7]);
  });

  it("compares policies without their version", () => {
    expect(policyText({ version: 3, name: "P" })).toBe(policyText({ version: 4, name: "P" }));
    expect(policyText({ version: 3, name: "P" })).not.toContain("version");
  });
});
