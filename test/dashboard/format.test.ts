import { afterEach, describe, expect, it, vi } from "vitest";
import {
  day,
  daysAgoUtc,
  fillDays,
  num,
  pct,
  safeUrl,
  shortDay,
  todayUtc,
  when,
  words,
} from "../../worker/dashboard/src/format";

describe("dashboard formatting", () => {
  afterEach(() => vi.useRealTimers());

  it("writes numbers and shares, with a dash for what is not known", () => {
    expect(num(1234567)).toBe("1,234,567");
    expect(num(2.6)).toBe("3");
    expect([num(null), num(undefined)]).toEqual(["–", "–"]);
    expect(pct(1, 3)).toBe("33%");
    expect(pct(2, 2)).toBe("100%");
    // No share of nothing: a zero or missing denominator is a dash, never NaN or Infinity.
    expect([pct(1, 0), pct(null, 5), pct(1, null)]).toEqual(["–", "–", "–"]);
  });

  it("writes days as dates in UTC, and leaves what is not a date as it is", () => {
    expect(day("2026-11-20")).toBe("Nov 20, 2026");
    expect([day(null), day("")]).toEqual(["–", "–"]);
    expect(day("not-a-day")).toBe("not-a-day");
    expect(when(null)).toBe("–");
    expect(when("garbage")).toBe("garbage");
    expect(when(Date.UTC(2026, 10, 20, 12))).toMatch(/Nov 20, 2026/);
  });

  it("writes this year's days short and older ones with the year", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-20T10:00:00Z"));
    expect(todayUtc()).toBe("2026-11-20");
    expect(daysAgoUtc(30)).toBe("2026-10-21");
    expect(shortDay("2026-03-04")).toBe("Mar 4");
    expect(shortDay("2025-12-31")).toBe("Dec 31, 2025");
    expect(shortDay(undefined)).toBe("–");
  });

  it("turns ids into words", () => {
    expect(words("approved_with_conditions")).toBe("approved with conditions");
    expect(words("model-platform")).toBe("model platform");
  });

  it("fills the days a series left out with zero rows, in order", () => {
    const rows = [
      { day: "2026-11-03", n: 2 },
      { day: "2026-11-01", n: 1 },
    ];
    expect(fillDays(rows, (d) => ({ day: d, n: 0 }))).toEqual([
      { day: "2026-11-01", n: 1 },
      { day: "2026-11-02", n: 0 },
      { day: "2026-11-03", n: 2 },
    ]);
    expect(fillDays([], (d) => ({ day: d, n: 0 }))).toEqual([]);
  });

  it("makes links only of http(s) addresses", () => {
    expect(safeUrl("https://vendor.example/terms")).toBe("https://vendor.example/terms");
    for (const hostile of ["javascript:alert(1)", "data:text/html,<b>", "//evil.example", "", null, "not a url"]) {
      expect(safeUrl(hostile), String(hostile)).toBeNull();
    }
  });
});
