/** Formatting shared by every view: one locale, tabular numbers, "n of d" figures. */

const integer = new Intl.NumberFormat("en", { maximumFractionDigits: 0 });
const dateTime = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });

export function num(value: number | null | undefined): string {
  return value === null || value === undefined ? "–" : integer.format(value);
}

/** A share as a whole percentage; "–" when the denominator is zero. */
export function pct(part: number | null | undefined, whole: number | null | undefined): string {
  if (part == null || !whole) return "–";
  return `${Math.round((part / whole) * 100)}%`;
}

/** Epoch milliseconds (or an ISO string) as a local date and time. */
export function when(value: number | string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "–";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : dateTime.format(date);
}

/** A calendar day `YYYY-MM-DD` (UTC, the unit of every counter) as a readable date. */
export function day(value: string | null | undefined): string {
  if (!value) return "–";
  const date = new Date(`${value}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? value : dateOnly.format(date);
}

const shortDate = new Intl.DateTimeFormat("en", { month: "short", day: "numeric", timeZone: "UTC" });

/** A day in a dense table: "Nov 6", with the year only when it is not this year's. */
export function shortDay(value: string | null | undefined): string {
  if (!value) return "–";
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return value;
  return value.slice(0, 4) === todayUtc().slice(0, 4) ? shortDate.format(date) : dateOnly.format(date);
}

/** `approved_with_conditions` -> `approved with conditions`. */
export function words(id: string): string {
  return id.replace(/[_-]+/g, " ");
}

export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

export function daysAgoUtc(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A day series without gaps: days the API left out (no activity) become zero rows, so a
 * chart's line drops to zero instead of bridging the gap.
 */
export function fillDays<T extends { day: string }>(rows: T[], zero: (day: string) => T): T[] {
  if (rows.length === 0) return rows;
  const byDay = new Map(rows.map((row) => [row.day, row]));
  const sorted = [...byDay.keys()].sort();
  const first = sorted[0] as string;
  const last = sorted[sorted.length - 1] as string;
  const filled: T[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += 86_400_000) {
    const d = new Date(t).toISOString().slice(0, 10);
    filled.push(byDay.get(d) ?? zero(d));
  }
  return filled;
}

/** Only http(s) addresses from the network become links; anything else stays text. */
export function safeUrl(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}
