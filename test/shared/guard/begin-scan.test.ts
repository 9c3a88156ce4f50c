import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { beginScan, scan } from "../../../shared/guard/scan";
import { defaultGuard, pasteOf } from "../../support/guard-timing";

/*
 * A paste is scanned at once for a few milliseconds, inside the event that brought it; what
 * is left goes on in slices. Either way the result is the whole scan's.
 */
const guard = defaultGuard();
const now = () => performance.now();

describe("beginScan", () => {
  it("decides a short paste at once, with the same result as a whole scan", () => {
    const text = pasteOf(10_000, 11);
    const begun = beginScan(text, guard, { now, withinMs: 1_000 });
    expect(begun.done).toBe(true);
    if (begun.done) expect(begun.result).toEqual(scan(text, guard));
  });

  it("hands the rest of a long paste to slices, and the slices finish it", async () => {
    const text = pasteOf(1_000_000, 12);
    const begun = beginScan(text, guard, { now, withinMs: 0 });
    expect(begun.done).toBe(false);
    if (begun.done) return;
    let pauses = 0;
    const result = await begun.rest({
      now,
      pause: async () => {
        pauses++;
        await nextTurn();
      },
      sliceMs: 1,
    });
    expect(pauses).toBeGreaterThan(0);
    expect(result).toEqual(scan(text, guard));
  });

  it("counts the time spent at once against the total budget", async () => {
    let clock = 0;
    const begun = beginScan(pasteOf(200_000, 13), guard, { now: () => clock++, withinMs: 3, budgetMs: 6 });
    expect(begun.done).toBe(false);
    if (begun.done) return;
    const result = await begun.rest({ now: () => clock++, pause: async () => {}, sliceMs: 100 });
    expect(result.complete).toBe(false);
    expect(result.scannedChars).toBeLessThan(200_000);
  });
});
