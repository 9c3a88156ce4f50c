/**
 * The dashboard's formatting layer for numbers, dates and plurals: every figure, day and
 * counted noun on screen goes through here (names of statuses and events: `labels.ts`). One
 * locale, Intl everywhere, tabular numbers; "–" stands for "no value", never for a withheld one.
 */

const LOCALE = "en";
const integer = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat(LOCALE, { style: "percent", maximumFractionDigits: 0 });
const plurals = new Intl.PluralRules(LOCALE);
const dateTime = new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium", timeZone: "UTC" });
const shortDate = new Intl.DateTimeFormat(LOCALE, { month: "short", day: "numeric", timeZone: "UTC" });

export function num(value: number | null | undefined): string {
  return value === null || value === undefined ? "–" : integer.format(value);
}

/** A share as a whole percentage; "–" when either side is missing or the denominator is zero. */
export function pct(part: number | null | undefined, whole: number | null | undefined): string {
  if (part == null || !whole) return "–";
  return percent.format(part / whole);
}

/** The noun for a count: `noun(1, "request")` is "request", `noun(3, "request")` "requests". */
export function noun(value: number, one: string, other = `${one}s`): string {
  return plurals.select(value) === "one" ? one : other;
}

/** A count with its noun: "1 request", "1,204 requests", "3 policies" (with `other`). */
export function count(value: number, one: string, other = `${one}s`): string {
  return `${integer.format(value)} ${noun(value, one, other)}`;
}

/** "a, b and c": the items of a short list as a sentence. */
export function list(items: string[]): string {
  return new Intl.ListFormat(LOCALE, { style: "long", type: "conjunction" }).format(items);
}

const BYTE_UNITS = ["byte", "kilobyte", "megabyte", "gigabyte", "terabyte"] as const;

/** A size in decimal units as D1 states its limits: "812 kB", "1.4 GB". */
export function bytes(value: number | null | undefined): string {
  if (value === null || value === undefined) return "–";
  let scaled = Math.max(0, value);
  let unit = 0;
  while (scaled >= 1000 && unit < BYTE_UNITS.length - 1) {
    scaled /= 1000;
    unit++;
  }
  return new Intl.NumberFormat(LOCALE, {
    style: "unit",
    unit: BYTE_UNITS[unit],
    // "bytes" in full (Intl's short form is the singular "byte"), "kB" and above short.
    unitDisplay: unit === 0 ? "long" : "short",
    maximumFractionDigits: scaled < 10 && unit > 0 ? 1 : 0,
  }).format(scaled);
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

/** A day in a dense table: "Nov 6", with the year only when it is not this year's. */
export function shortDay(value: string | null | undefined): string {
  if (!value) return "–";
  const date = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return value;
  return value.slice(0, 4) === todayUtc().slice(0, 4) ? shortDate.format(date) : dateOnly.format(date);
}

/**
 * A day the API coarsened to the Monday of its week (k-anonymity): "week of Nov 23", so it
 * never reads as the exact day it is not.
 */
export function weekOfDay(monday: string | null | undefined): string {
  return monday ? `week of ${shortDay(monday)}` : "–";
}

/** The Monday of an ISO week `2026-W48` as `YYYY-MM-DD`; null for anything else. */
function mondayOfIsoWeek(week: string): string | null {
  const match = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!match) return null;
  const jan4 = new Date(Date.UTC(Number(match[1]), 0, 4));
  const mondayOfWeek1 = jan4.getTime() - ((jan4.getUTCDay() + 6) % 7) * 86_400_000;
  return new Date(mondayOfWeek1 + (Number(match[2]) - 1) * 7 * 86_400_000).toISOString().slice(0, 10);
}

/** An ISO week as people read it: "week of Nov 23" (the `2026-W48` form is kept for titles). */
export function isoWeek(week: string | null | undefined): string {
  if (!week) return "–";
  const monday = mondayOfIsoWeek(week);
  return monday ? weekOfDay(monday) : week;
}

/** A span of days: one day, or "Nov 3 – Nov 9"; coarsened days read as weeks. */
export function daySpan(first: string, last: string, coarse = false): string {
  const show = coarse ? weekOfDay : shortDay;
  return first === last ? show(first) : `${show(first)} – ${show(last)}`;
}

/** `approved_with_conditions` -> `approved with conditions`: the last resort for an unknown id. */
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
