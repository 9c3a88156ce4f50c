/*
 * What the worker stores, one module per part under worker/db/schema/ (drizzle-kit reads
 * them all). Devices are random pseudonyms; nothing here can hold a URL path, a page title,
 * an IP address or a User-Agent: the tables have no column for them.
 */

export * from "./schema/decisions";
export * from "./schema/discovery";
export * from "./schema/fleet";
export * from "./schema/guard";
export * from "./schema/ingest";
export * from "./schema/literacy";
export * from "./schema/usage";
