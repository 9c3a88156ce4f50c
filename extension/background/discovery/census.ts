import type { CompiledIndex } from "../../../shared/catalog/compile";
import { chromiumExtensionId, geckoExtensionId, type Store } from "../../../shared/catalog/discovery";
import { LIMITS } from "../../../shared/limits";
import { type Change, type DiscoveryCount, PRESENCE } from "./counts";

/*
 * The extension census: from the browser's list of installed extensions (management.getAll),
 * what may leave the device is
 *   - the catalog id of each catalogued AI extension, and whether it was enabled;
 *   - how many others look like AI assistants (a number);
 *   - for those, a keyed hash of store and id under the organization's census key (a
 *     nomination the server cannot reverse), and the store id itself only when the server
 *     published that hash as nominated by at least k devices.
 * Nothing else about any other extension is kept or sent. Pure: the caller reads the list.
 */

/** What the census reads of an installed extension (a subset of management.ExtensionInfo). */
export interface InstalledExtension {
  id: string;
  name: string;
  description?: string;
  enabled: boolean;
  type?: string;
  updateUrl?: string;
  permissions?: string[];
  hostPermissions?: string[];
}

// Whole words (or a camel-cased suffix such as "MaxAI", "WebGPT") that name AI products.
const AI_WORDS =
  /(?:^|[^\p{L}\p{N}])(?:ai|gpt[\p{N}o-]*|chatgpt|llms?|copilot|claude|gemini|openai|anthropic|chatbot|genai|deepseek|grok|mistral|perplexity|ollama)(?:$|[^\p{L}\p{N}])/iu;
const CAMEL_AI = /\p{Ll}(?:AI|GPT)(?:$|[^\p{Ll}])/u;
const READS_EVERY_PAGE = new Set(["<all_urls>", "*://*/*", "http://*/*", "https://*/*"]);

/**
 * Whether an extension outside the catalog looks like an AI assistant: its name names AI, or
 * its description does and it can read every page or open a side panel (what sidebar
 * assistants need). Names and descriptions are read on the device only.
 */
export function looksLikeAi(extension: InstalledExtension): boolean {
  if (AI_WORDS.test(extension.name) || CAMEL_AI.test(extension.name)) return true;
  const description = extension.description ?? "";
  if (!AI_WORDS.test(description) && !CAMEL_AI.test(description)) return false;
  const readsPages = (extension.hostPermissions ?? []).some((pattern) => READS_EVERY_PAGE.has(pattern));
  return readsPages || (extension.permissions ?? []).includes("sidePanel");
}

/** The store an installed extension came from, or null when its id is of no store's form. */
export function storeOf(extension: InstalledExtension): Store | null {
  if (chromiumExtensionId.safeParse(extension.id).success) {
    return extension.updateUrl?.startsWith("https://edge.microsoft.com/") ? "edge" : "chrome";
  }
  return geckoExtensionId.safeParse(extension.id).success ? "firefox" : null;
}

/** The catalog entry (by position) of an installed extension: its store's map, then the other Chromium store's. */
function entryOf(index: CompiledIndex, store: Store, id: string): number | undefined {
  const maps = index.extensions ?? {};
  if (store === "firefox") return maps.firefox?.[id];
  return maps[store]?.[id] ?? maps[store === "chrome" ? "edge" : "chrome"]?.[id];
}

/** The nomination of an unknown extension: HMAC-SHA-256 of "store:id" under the census key, first 16 bytes in hex. */
export async function nominationToken(key: string, store: Store, id: string): Promise<string> {
  const encoder = new TextEncoder();
  const secret = await crypto.subtle.importKey("raw", encoder.encode(key), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", secret, encoder.encode(`${store}:${id}`)));
  return [...mac.subarray(0, 16)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

export interface CensusInput {
  installed: InstalledExtension[];
  index: CompiledIndex;
  /** This extension's own id: never counted. */
  self: string;
  /** Empty: unknown AI-looking extensions are counted as a number only. */
  censusKey: string;
  /** The tokens the server published as nominated by at least k devices. */
  revealed: ReadonlySet<string>;
}

/** The day's discovery changes for one reading of the installed extensions. */
export async function census(input: CensusInput): Promise<Array<[DiscoveryCount, Change]>> {
  const catalogued = new Map<string, boolean>();
  const unknown: Array<{ store: Store; id: string }> = [];
  for (const extension of input.installed) {
    if (extension.id === input.self || (extension.type !== undefined && extension.type !== "extension")) continue;
    const store = storeOf(extension);
    const position = store ? entryOf(input.index, store, extension.id) : undefined;
    const entry = position === undefined ? undefined : input.index.tools[position];
    if (entry) catalogued.set(entry.id, (catalogued.get(entry.id) ?? false) || extension.enabled);
    else if (store && looksLikeAi(extension)) unknown.push({ store, id: extension.id });
  }
  const changes: Array<[DiscoveryCount, Change]> = [];
  for (const [extension, enabled] of catalogued) {
    changes.push([{ section: "extension", extension }, { raise: enabled ? PRESENCE.enabled : PRESENCE.installed }]);
  }
  if (unknown.length > 0) {
    changes.push([
      { section: "unknownExtensions" },
      { raise: Math.min(unknown.length, LIMITS.maxUnknownExtensionsPerDay) },
    ]);
  }
  if (input.censusKey) {
    const nominated = await Promise.all(
      unknown.map(async (extension) => ({
        ...extension,
        token: await nominationToken(input.censusKey, extension.store, extension.id),
      })),
    );
    // The same few a day, whatever order the browser lists them in.
    nominated.sort((a, b) => a.token.localeCompare(b.token));
    for (const { store, id, token } of nominated.slice(0, LIMITS.maxExtensionTokensPerDay)) {
      changes.push([{ section: "extensionToken", token }, { raise: 1 }]);
      if (input.revealed.has(token)) changes.push([{ section: "revealedExtension", store, id }, { raise: 1 }]);
    }
  }
  return changes;
}
