import { and, asc, count, countDistinct, desc, eq, gte, max, min, sql } from "drizzle-orm";
import type { Database, RowsOf } from "./client";
import { deviceExtensions, discoverySpans, embedDays, embeds, extensionTokens, revealedExtensions } from "./schema";
import type { ToolSpan } from "./usage";

/*
 * Queries of the discovery tables: sites embedding AI tools and extensions enabled. Device
 * counts come from the per-device rows within the retention window and, beyond it, from the
 * busiest day of `embed_days` (distinct devices per day, kept after the purge), as `toolSpans`
 * does for tools.
 */

/** An embedded AI tool's span and devices (as `ToolSpan`), its requests and its embedding sites. */
export interface EmbeddedUsage extends ToolSpan {
  /** Requests sites' pages made to the tool within the retention window. */
  requests: number;
  /** Per site: distinct devices within the retention window. */
  sites: Array<{ site: string; devices: number }>;
}

/** The statements `embeddedUsageOf` reads, unexecuted so a view can send them in its own batch. */
export function embeddedUsageQueries(db: Database, since7: string, since30: string) {
  return [
    db
      .select({
        tool: embedDays.tool,
        firstSeen: min(embedDays.day),
        lastSeen: max(embedDays.day),
        busiest: max(embedDays.devices),
      })
      .from(embedDays)
      .groupBy(embedDays.tool),
    // Distinct devices from each device's span of days (one row per device and tool): a
    // span whose last day is on or after a day proves a row on or after it.
    db
      .select({
        tool: discoverySpans.item,
        devices: count(),
        devices7: sql<number>`sum(${discoverySpans.lastDay} >= ${since7})`.as("devices7"),
        devices30: sql<number>`sum(${discoverySpans.lastDay} >= ${since30})`.as("devices30"),
      })
      .from(discoverySpans)
      .where(eq(discoverySpans.kind, "embedded"))
      .groupBy(discoverySpans.item),
    db
      .select({
        tool: embeds.tool,
        site: embeds.site,
        devices: countDistinct(embeds.deviceId),
        requests: sql<number>`sum(${embeds.n})`,
      })
      .from(embeds)
      .groupBy(embeds.tool, embeds.site),
  ] as const;
}

type EmbeddedUsageRows = RowsOf<ReturnType<typeof embeddedUsageQueries>>;

export function embeddedUsageOf(
  spans: EmbeddedUsageRows[0],
  recent: EmbeddedUsageRows[1],
  bySite: EmbeddedUsageRows[2],
): EmbeddedUsage[] {
  const recentOf = new Map(recent.map((row) => [row.tool, row]));
  return spans.map((row) => {
    const window = recentOf.get(row.tool);
    return {
      tool: row.tool,
      firstSeen: row.firstSeen ?? "",
      lastSeen: row.lastSeen ?? "",
      devices7: Number(window?.devices7 ?? 0),
      devices30: Number(window?.devices30 ?? 0),
      population: Math.max(Number(window?.devices ?? 0), Number(row.busiest ?? 0)),
      requests: bySite.filter((site) => site.tool === row.tool).reduce((sum, site) => sum + Number(site.requests), 0),
      sites: bySite
        .filter((site) => site.tool === row.tool)
        .map((site) => ({ site: site.site, devices: Number(site.devices) })),
    };
  });
}

/** Per extension: distinct devices on which it was enabled since `since` (rows: `extensionsEnabledOf`). */
export function extensionsEnabledQuery(db: Database, since: string) {
  return db
    .select({ extension: deviceExtensions.extension, devices: countDistinct(deviceExtensions.deviceId) })
    .from(deviceExtensions)
    .where(and(gte(deviceExtensions.day, since), eq(deviceExtensions.enabled, 1)))
    .groupBy(deviceExtensions.extension);
}

export function extensionsEnabledOf(rows: Awaited<ReturnType<typeof extensionsEnabledQuery>>): Map<string, number> {
  return new Map(rows.map((row) => [row.extension, Number(row.devices)]));
}

/** Requests per embedded tool and day, and distinct devices per tool and day, from `since` on (rows: `embedsPerDayOf`). */
export function embedsPerDayQueries(db: Database, since: string) {
  return [
    db
      .select({ tool: embeds.tool, day: embeds.day, n: sql<number>`sum(${embeds.n})` })
      .from(embeds)
      .where(gte(embeds.day, since))
      .groupBy(embeds.tool, embeds.day),
    db
      .select({ tool: embedDays.tool, day: embedDays.day, devices: sql<number>`sum(${embedDays.devices})` })
      .from(embedDays)
      .where(gte(embedDays.day, since))
      .groupBy(embedDays.tool, embedDays.day),
  ] as const;
}

type EmbedsPerDayRows = RowsOf<ReturnType<typeof embedsPerDayQueries>>;

export function embedsPerDayOf(requests: EmbedsPerDayRows[0], devices: EmbedsPerDayRows[1]) {
  return { requests, devices: devices.map((row) => ({ ...row, devices: Number(row.devices) })) };
}

/**
 * Extension tokens at least k distinct devices nominated within the retention window, most
 * devices first: the list devices receive, so each can tell whether to name its extension.
 */
export async function nominatedTokens(db: Database, k: number, limit: number): Promise<string[]> {
  const devices = countDistinct(extensionTokens.deviceId);
  const rows = await db
    .select({ token: extensionTokens.token, devices })
    .from(extensionTokens)
    .groupBy(extensionTokens.token)
    .having(gte(devices, k))
    .orderBy(desc(devices), asc(extensionTokens.token))
    .limit(limit)
    .all();
  return rows.map((row) => row.token);
}

/** Extensions devices named after their token reached k, each with at least k devices naming it. */
export async function namedExtensions(db: Database, k: number) {
  const devices = countDistinct(revealedExtensions.deviceId);
  const rows = await db
    .select({
      store: revealedExtensions.store,
      id: revealedExtensions.extensionId,
      devices,
      firstSeen: min(revealedExtensions.day),
      lastSeen: max(revealedExtensions.day),
    })
    .from(revealedExtensions)
    .groupBy(revealedExtensions.store, revealedExtensions.extensionId)
    .having(gte(devices, k))
    .orderBy(desc(devices))
    .all();
  return rows.map((row) => ({
    ...row,
    devices: Number(row.devices),
    firstSeen: row.firstSeen ?? "",
    lastSeen: row.lastSeen ?? "",
  }));
}
