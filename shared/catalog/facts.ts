import { LIMITS } from "../limits";

const DAY_MS = 86_400_000;

/**
 * Whether a fact checked on `checked` (YYYY-MM-DD) is older than the configured age on `today`
 * (YYYY-MM-DD): such a fact is shown, flagged stale, until someone reads the page again.
 */
export function isStale(checked: string, today: string, maxDays: number = LIMITS.factStaleDays): boolean {
  const age = (Date.parse(`${today}T00:00:00Z`) - Date.parse(`${checked}T00:00:00Z`)) / DAY_MS;
  return Number.isFinite(age) && age > maxDays;
}

/** The names of a tool's facts last checked more than the configured age before `today`, in the catalog's order. */
export function staleFacts(
  facts: Record<string, { checked: string } | undefined> | undefined,
  today: string,
  maxDays: number = LIMITS.factStaleDays,
): string[] {
  return Object.entries(facts ?? {}).flatMap(([name, fact]) =>
    fact && isStale(fact.checked, today, maxDays) ? [name] : [],
  );
}
