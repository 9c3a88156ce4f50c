import { type CompiledIndex, compiledIndexSchema } from "../../shared/catalog/compile";
import { useCatalog } from "./catalog";
import { read, write } from "./state";

/** Puts the stored server catalog in force, if there is a valid one. */
export async function loadStoredCatalog(): Promise<boolean> {
  const stored = await read("catalog");
  if (!stored) return false;
  const parsed = compiledIndexSchema.safeParse(stored.index);
  if (!parsed.success) return false;
  useCatalog(parsed.data as CompiledIndex, "server");
  return true;
}

/**
 * Fetches the server's catalog with If-None-Match. A 304 keeps the stored copy; an error, an
 * unreachable server or a body that fails validation never replaces the catalog in force.
 */
export async function refreshCatalog(
  serverUrl: string,
  deviceToken: string,
): Promise<{ changed: boolean; status: number | "unreachable"; error?: string }> {
  const stored = await read("catalog");
  const headers: Record<string, string> = { Authorization: `Bearer ${deviceToken}` };
  if (stored?.etag) headers["If-None-Match"] = stored.etag;
  let response: Response;
  try {
    response = await fetch(`${serverUrl}/api/v1/catalog`, { headers, cache: "no-store" });
  } catch (error) {
    return { changed: false, status: "unreachable", error: (error as Error).message };
  }
  if (response.status === 304) return { changed: false, status: 304 };
  if (!response.ok) return { changed: false, status: response.status };
  let parsed: ReturnType<typeof compiledIndexSchema.safeParse>;
  try {
    parsed = compiledIndexSchema.safeParse(await response.json());
  } catch {
    return { changed: false, status: response.status, error: "catalog response is not JSON" };
  }
  if (!parsed.success) return { changed: false, status: response.status, error: "catalog failed validation" };
  const index = parsed.data as CompiledIndex;
  await write("catalog", { etag: response.headers.get("ETag"), index, fetchedAt: Date.now() });
  useCatalog(index, "server");
  return { changed: true, status: response.status };
}
