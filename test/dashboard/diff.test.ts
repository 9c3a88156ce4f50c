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
