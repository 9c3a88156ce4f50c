import { describe, expect, it } from "vitest";
import { isStale, staleFacts } from "../../shared/catalog/facts";
import { LIMITS } from "../../shared/limits";

/* Freshness of the catalog's facts: a fact older than the configured age is flagged stale. */

describe("stale facts", () => {
  it("flags a fact checked more than the configured age ago, and not one checked on the last allowed day", () => {
    expect(LIMITS.factStaleDays).toBe(365);
    expect(isStale("2025-11-29", "2026-11-29")).toBe(false);
    expect(isStale("2025-11-28", "2026-11-29")).toBe(true);
    expect(isStale("2026-01-01", "2026-11-29", 30)).toBe(true);
    expect(isStale("not a day", "2026-11-29")).toBe(false);
  });

  it("names a tool's stale facts in the catalog's order", () => {
    const facts = {
      trainsOnUserData: { checked: "2024-06-01" },
      retention: { checked: "2026-10-01" },
      sso: { checked: "2025-01-15" },
      enterprisePlan: undefined,
    };
    expect(staleFacts(facts, "2026-11-29")).toEqual(["trainsOnUserData", "sso"]);
    expect(staleFacts(facts, "2024-06-02")).toEqual([]);
    expect(staleFacts(undefined, "2026-11-29")).toEqual([]);
  });
});
