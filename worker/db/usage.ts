import { and, eq, gte, inArray, sql } from "drizzle-orm";
import type { EventCounts } from "../../shared/admin";
import { addDays } from "../../shared/day";
import type { Database, RowsOf } from "./client";
import { dailyRollups, deviceTools, toolDays } from "./schema";

/*
 * Queries several admin views share. Totals read `daily_rollups` (a few rows per day and
 * tool, kept beyond the raw retention); device counts read the per-device tables
 * (`devices.last_report_day`, `device_tools`, `device_days`) within the retention window and
 * `tool_days` (distinct devices per tool and day, kept) beyond it; never the raw counters.
 */

/** Days an active device may be silent and still count as active in awareness figures. */
export const ACTIVE_DAYS = 30;

/** The windows the views speak of: "last 7 days", "last 30 days", each ending today. */
export const WINDOWS = { week: 7, month: 30 } as const;

/** The first day of the window of `days` days that ends with `today`. */
export function windowStart(today: string, days: number): string {
  return addDays(today, -(days - 1));
}

/** The `n` days ending with `today`, oldest first. */
export function lastDays(today: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => addDays(today, i - n + 1));
}

export interface ToolSpan {
  tool: string;
  firstSeen: string;
  lastSeen: string;
  devices7: number;
  devices30: number;
  /**
   * Distinct devices known to have used the tool: those within the retention window, or the
   * most on any one day when that is more (after the raw purge only daily counts remain).
   */
  population: number;
}

/**
 * The two statements `toolSpans` reads (per-device spans within the retention window, daily
 * counts beyond it), unexecuted so a view can send them in its own batch; `joinToolSpans`
 * turns their rows into spans. Columns whose SQL reads alike carry names: a batch's rows come
 * back keyed by column name, and two alike columns would collapse into one.
 */
export function toolSpanQueries(db: Database, today: string, tools?: string[]) {
  const since7 = windowStart(today, WINDOWS.week);
  const since30 = windowStart(today, WINDOWS.month);
  return [
    db
      .select({
        tool: deviceTools.tool,
        devices: sql<number>`count(*)`,
        devices7: sql<number>`sum(${deviceTools.lastSeen} >= ${since7})`.as("devices7"),
        devices30: sql<number>`sum(${deviceTools.lastSeen} >= ${since30})`.as("devices30"),
      })
      .from(deviceTools)
      .where(tools ? inArray(deviceTools.tool, tools) : undefined)
      .groupBy(deviceTools.tool),
    db
      .select({
        tool: toolDays.tool,
        firstSeen: sql<string>`min(${toolDays.day})`,
        lastSeen: sql<string>`max(${toolDays.day})`,
        busiest: sql<number>`max(${toolDays.devices})`,
      })
      .from(toolDays)
      .where(tools ? inArray(toolDays.tool, tools) : undefined)
      .groupBy(toolDays.tool),
  ] as const;
}

type ToolSpanRows = RowsOf<ReturnType<typeof toolSpanQueries>>;

/** Spans from the rows of `toolSpanQueries`. */
export function joinToolSpans(recent: ToolSpanRows[0], daily: ToolSpanRows[1]): ToolSpan[] {
  const recentOf = new Map(recent.map((row) => [row.tool, row]));
  return daily.map((row) => {
    const window = recentOf.get(row.tool);
    return {
      tool: row.tool,
      firstSeen: row.firstSeen,
      lastSeen: row.lastSeen,
      devices7: Number(window?.devices7 ?? 0),
      devices30: Number(window?.devices30 ?? 0),
      population: Math.max(Number(window?.devices ?? 0), Number(row.busiest)),
    };
  });
}

/** Per tool (optionally some tools only): first and last day seen and how many devices used it. */
export async function toolSpans(db: Database, today: string, tools?: string[]): Promise<ToolSpan[]> {
  return joinToolSpans(...(await db.batch(toolSpanQueries(db, today, tools))));
}

/** Distinct devices per tool and day from `since` on. */
export function toolDevicesPerDay(db: Database, since: string, tool?: string) {
  return db
    .select({ tool: toolDays.tool, day: toolDays.day, devices: toolDays.devices })
    .from(toolDays)
    .where(and(gte(toolDays.day, since), tool ? eq(toolDays.tool, tool) : undefined));
}

/** Visits per tool and day from `since` on. */
export function visitsPerDay(db: Database, since: string, tool?: string) {
  return db
    .select({ tool: dailyRollups.tool, day: dailyRollups.day, n: sql<number>`sum(${dailyRollups.n})` })
    .from(dailyRollups)
    .where(
      and(
        gte(dailyRollups.day, since),
        eq(dailyRollups.event, "visit"),
        tool ? eq(dailyRollups.tool, tool) : undefined,
      ),
    )
    .groupBy(dailyRollups.tool, dailyRollups.day);
}

/** All-time event totals per tool (optionally for some tools only), unexecuted: `eventTotalsOf` reads its rows. */
export function eventTotalsQuery(db: Database, tools?: string[]) {
  return db
    .select({ tool: dailyRollups.tool, event: dailyRollups.event, n: sql<number>`sum(${dailyRollups.n})` })
    .from(dailyRollups)
    .where(tools ? inArray(dailyRollups.tool, tools) : undefined)
    .groupBy(dailyRollups.tool, dailyRollups.event);
}

export function eventTotalsOf(rows: Awaited<ReturnType<typeof eventTotalsQuery>>): Map<string, EventCounts> {
  const totals = new Map<string, EventCounts>();
  for (const row of rows) {
    const events = totals.get(row.tool) ?? {};
    events[row.event as keyof EventCounts] = Number(row.n);
    totals.set(row.tool, events);
  }
  return totals;
}

/** All-time event totals per tool (optionally for some tools only). */
export async function eventTotals(db: Database, tools?: string[]): Promise<Map<string, EventCounts>> {
  return eventTotalsOf(await eventTotalsQuery(db, tools));
}
