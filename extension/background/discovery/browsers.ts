import type { CompiledIndex } from "../../../shared/catalog/compile";

/*
 * Recognizing the AI browser the extension runs in, by the markers the catalog sourced on the
 * browsers' public pages: a `navigator.userAgentData` brand or a `navigator.userAgent` product
 * token, each compared whole, or a property the browser adds to `navigator` or the global
 * object. Only the catalog id of a recognized browser leaves the device; nothing is sent
 * about any other browser.
 */

/** What the browser says about itself, as read in the service worker (or a page). */
export interface BrowserSignals {
  brands: string[];
  userAgent: string;
  /** Whether a dotted property path ("navigator.brave", "window.x") exists. */
  has(path: string): boolean;
}

/** The product tokens of a User-Agent string: "Name/version" -> "Name". */
function productTokens(userAgent: string): Set<string> {
  const tokens = new Set<string>();
  for (const match of userAgent.matchAll(/([A-Za-z0-9][A-Za-z0-9 ._-]*?)\/[^\s()]+/g)) {
    const name = match[1]?.trim().split(" ").at(-1);
    if (name) tokens.add(name);
  }
  return tokens;
}

/** The catalog id of the AI browser these signals match, or null. */
export function recognizeBrowser(index: CompiledIndex, signals: BrowserSignals): string | null {
  const brands = new Set(signals.brands);
  const tokens = productTokens(signals.userAgent);
  for (const [kind, value, position] of index.browsers ?? []) {
    const matched = kind === "brand" ? brands.has(value) : kind === "uaToken" ? tokens.has(value) : signals.has(value);
    const entry = index.tools[position];
    if (matched && entry?.kind === "browser") return entry.id;
  }
  return null;
}

/** The signals of the running browser. */
export function currentSignals(scope: typeof globalThis = globalThis): BrowserSignals {
  const nav = scope.navigator as Navigator & { userAgentData?: { brands?: Array<{ brand: string }> } };
  return {
    brands: (nav.userAgentData?.brands ?? []).map((entry) => entry.brand),
    userAgent: nav.userAgent ?? "",
    has(path) {
      const [root, ...rest] = path.split(".");
      let value: unknown = root === "navigator" ? nav : root === "window" || root === "globalThis" ? scope : undefined;
      for (const key of rest) {
        if (value === null || (typeof value !== "object" && typeof value !== "function")) return false;
        if (!(key in (value as object))) return false;
        value = (value as Record<string, unknown>)[key];
      }
      return value !== undefined && rest.length > 0;
    },
  };
}
