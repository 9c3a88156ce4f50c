import { type CompiledIndex, compiledIndexSchema } from "../../shared/catalog/compile";
import { useCatalog } from "./catalog";
import { type CacheOutcome, refreshCached } from "./server";
import { local } from "./state";

/** Puts the stored server catalog in force, if there is a valid one. */
export async function loadStoredCatalog(): Promise<boolean> {
  const stored = await local.catalog.getValue();
  if (!stored) return false;
  const parsed = compiledIndexSchema.safeParse(stored.index);
  if (!parsed.success) return false;
  useCatalog(parsed.data as CompiledIndex, "server");
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
