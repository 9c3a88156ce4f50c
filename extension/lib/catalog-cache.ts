import { CATALOG_FORMAT, type CompiledIndex, compiledIndexSchema } from "../../shared/catalog/compile";
import { useCatalog } from "./catalog";
import { type CacheOutcome, refreshCached } from "./server";
import { local } from "./state";

/**
 * Puts the stored server catalog in force, if there is one of the current format. It was
 * validated when it arrived (`refreshCatalog`) and storage.local is written by the extension
 * alone, so it is not validated again: that took 25 to 80 ms of every service-worker start.
 * A record from a version whose index had another shape carries another `format`.
 */
export async function loadStoredCatalog(): Promise<boolean> {
  const stored = await local.catalog.getValue();
  if (stored?.index.format !== CATALOG_FORMAT || !Array.isArray(stored.index.tools)) return false;
  useCatalog(stored.index, "server");
  return true;
}

/** Fetches the server's catalog; only a valid new one replaces the catalog in force. */
export async function refreshCatalog(serverUrl: string, deviceToken: string): Promise<CacheOutcome> {
  return refreshCached({
    url: `${serverUrl}/api/v1/catalog`,
    deviceToken,
    etag: (await local.catalog.getValue())?.etag,
    schema: compiledIndexSchema,
    store: async (parsed, etag) => {
      const index = parsed as CompiledIndex;
      await local.catalog.setValue({ etag, index, fetchedAt: Date.now() });
      useCatalog(index, "server");
    },
  });
}
