import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/*
 * AI extensions, unknown AI-looking extensions (numbers and keyed hashes), AI browsers
 * and sites embedding AI tools.
 */

/**
 * Per device and day, the catalogued AI browser extensions installed (by catalog id) and
 * whether each was enabled that day (max-merged: once enabled, enabled). Presence also
 * feeds `device_tools` and `tool_days`, so an extension is an inventory entry like a tool.
 */
export const deviceExtensions = sqliteTable(
  "device_extensions",
  {
    deviceId: text("device_id").notNull(),
    day: text("day").notNull(),
    extension: text("extension").notNull(),
    enabled: integer("enabled").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.deviceId, t.day, t.extension] }),
    index("device_extensions_day").on(t.day),
    // Covers the evidence pack's distinct devices per extension in a period, read in order.
    index("device_extensions_extension").on(t.extension, t.deviceId, t.day, t.enabled),
  ],
);

/** Per device and day, how many installed extensions looked like AI assistants but are not in the catalog: a number only. */
export const unknownExtensions = sqliteTable(
  "unknown_extensions",
  {
    deviceId: text("device_id").notNull(),
    day: text("day").notNull(),
    n: integer("n").notNull(),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.day] }), index("unknown_extensions_day").on(t.day)],
);

/** Per device and day, the AI browser the extension ran in (one a day). Feeds `device_tools` and `tool_days` too. */
export const deviceBrowsers = sqliteTable(
  "device_browsers",
  {
    deviceId: text("device_id").notNull(),
    day: text("day").notNull(),
    browser: text("browser").notNull(),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.day] }), index("device_browsers_day").on(t.day)],
);

/**
 * Per device and day, requests that a site's pages made to an AI tool's API or widget hosts:
 * the site's registrable domain and the tool, max-merged. Nothing about the page or the request.
 */
export const embeds = sqliteTable(
  "embeds",
  {
    deviceId: text("device_id").notNull(),
    day: text("day").notNull(),
    site: text("site").notNull(),
    tool: text("tool").notNull(),
    n: integer("n").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.deviceId, t.day, t.site, t.tool] }),
    index("embeds_day").on(t.day),
    // Covers the inventory's embedded tools (per tool and site: distinct devices, requests)
    // and the evidence pack's (per tool in a period).
    index("embeds_tool").on(t.tool, t.site, t.deviceId, t.day, t.n),
  ],
);

/**
 * Per device and discovered item (an AI extension, an AI browser or a tool embedded in sites),
 * the first and last day of its raw rows above, grown at ingest only when a later (or earlier)
 * day arrives: one row per device and item instead of one per day. Distinct devices over a
 * period or since a day are counted from these rows (db/spans.ts explains how a period is
 * decided exactly), which is what the inventory and the evidence pack ask of those tables.
 */
export const discoverySpans = sqliteTable(
  "discovery_spans",
  {
    kind: text("kind").notNull(),
    item: text("item").notNull(),
    deviceId: text("device_id").notNull(),
    firstDay: text("first_day").notNull(),
    lastDay: text("last_day").notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.item, t.deviceId] })],
);

/**
 * Distinct devices per day on which a site embedded an AI tool, grown at ingest like
 * `tool_days`: what k is compared with. Holds no device id, so it outlives the raw purge.
 */
export const embedDays = sqliteTable(
  "embed_days",
  {
    day: text("day").notNull(),
    site: text("site").notNull(),
    tool: text("tool").notNull(),
    devices: integer("devices").notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.site, t.tool] }), index("embed_days_tool").on(t.tool, t.day)],
);

/**
 * Per device and day, the keyed hashes (tokens) of unknown AI-looking extensions it holds:
 * never an id or a name. The server only counts devices per token; tokens that at least k
 * devices nominated are published with the policy, and only then may a device name one.
 */
export const extensionTokens = sqliteTable(
  "extension_tokens",
  {
    deviceId: text("device_id").notNull(),
    day: text("day").notNull(),
    token: text("token").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.deviceId, t.day, t.token] }),
    index("extension_tokens_token").on(t.token, t.deviceId),
    index("extension_tokens_day").on(t.day),
  ],
);

/** Per device and day, unknown AI-looking extensions named after their token reached k devices. */
export const revealedExtensions = sqliteTable(
  "revealed_extensions",
  {
    deviceId: text("device_id").notNull(),
    day: text("day").notNull(),
    store: text("store").notNull(),
    extensionId: text("extension_id").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.deviceId, t.day, t.store, t.extensionId] }),
    index("revealed_extensions_day").on(t.day),
  ],
);
