import { asc, eq } from "drizzle-orm";
import type { CompiledIndex, CompiledTool } from "../../shared/catalog/compile";
import { mergeOrganizationEntries, type OrganizationEntry, organizationEntry } from "../../shared/catalog/organization";
import { catalog, compiledIndex } from "../catalog";
import type { Database } from "./client";
import { organizationEntries } from "./schema";

export interface StoredOrganizationEntry {
  entry: OrganizationEntry;
  createdAt: number;
  createdBy: string;
  updatedAt: number;
  updatedBy: string;
}

/** The organization's entry rows, oldest first (the order devices merge them in), unexecuted. */
export function organizationEntriesQuery(db: Database) {
  return db.select().from(organizationEntries).orderBy(asc(organizationEntries.createdAt));
}

type OrganizationEntryRows = Awaited<ReturnType<typeof organizationEntriesQuery>>;

function storedEntriesOf(rows: OrganizationEntryRows): StoredOrganizationEntry[] {
  return rows.map((row) => ({
    // Bodies were validated when written; parsing again keeps a hand-edited row from spreading.
    entry: organizationEntry.parse(JSON.parse(row.body)),
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    updatedAt: row.updatedAt,
    updatedBy: row.updatedBy,
  }));
}

/** Every organization entry, oldest first (the order devices merge them in). */
export async function storedOrganizationEntries(db: Database): Promise<StoredOrganizationEntry[]> {
  return storedEntriesOf(await organizationEntriesQuery(db));
}

export function upsertOrganizationEntry(db: Database, entry: OrganizationEntry, actor: string, at: number) {
  const body = JSON.stringify(entry);
  return db
    .insert(organizationEntries)
    .values({ id: entry.id, body, createdAt: at, createdBy: actor, updatedAt: at, updatedBy: actor })
    .onConflictDoUpdate({ target: organizationEntries.id, set: { body, updatedAt: at, updatedBy: actor } });
}

export function deleteOrganizationEntry(db: Database, id: string) {
  return db.delete(organizationEntries).where(eq(organizationEntries.id, id));
}

/** The catalog this worker was built with, plus the organization's entries as devices merge them. */
export interface EffectiveCatalog {
  index: CompiledIndex;
  entries: OrganizationEntry[];
  byId: Map<string, CompiledTool>;
  /** The catalogued AI vendors' own domains (candidates with the `aiVendor` signal). */
  vendorDomains: Set<string>;
}

export function effectiveCatalog(entries: OrganizationEntry[]): EffectiveCatalog {
  const index = mergeOrganizationEntries(compiledIndex, entries, catalog);
  return {
    index,
    entries,
    byId: new Map(index.tools.map((tool) => [tool.id, tool])),
    vendorDomains: new Set(index.vendorDomains ?? []),
  };
}

/** The effective catalog from the rows of `organizationEntriesQuery`. */
export function effectiveCatalogOf(rows: OrganizationEntryRows): EffectiveCatalog {
  return effectiveCatalog(storedEntriesOf(rows).map((stored) => stored.entry));
}

export async function loadEffectiveCatalog(db: Database): Promise<EffectiveCatalog> {
  return effectiveCatalogOf(await organizationEntriesQuery(db));
}
