import * as z from "zod";
import { entryHeader, slug, toolFacts } from "./schema";

/*
 * What the catalog knows beyond web pages: AI browser extensions by their store ids, and AI
 * browsers by the markers they publicly document. Each id and each marker keeps the page it
 * was read on, the day it was read and, where the page had it, the vendor's own words; an
 * extension without a sourced id in a store is simply not known in that store, and a browser
 * without a sourced marker is listed but cannot be recognized yet.
 */

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD");
const provenance = {
  /** The page the id or marker was read on: the store's listing or the vendor's own page. */
  source: z.url({ protocol: /^https$/ }),
  checked: isoDay,
  excerpt: z.string().min(8).max(400).optional(),
};

/** The extension stores of the browsers the product runs in. */
export const STORES = ["chrome", "edge", "firefox"] as const;
export type Store = (typeof STORES)[number];

/** Chrome Web Store and Edge Add-ons ids: 32 letters a to p. */
export const chromiumExtensionId = z.string().regex(/^[a-p]{32}$/, "must be 32 letters a-p");
/** A Firefox add-on's id as `management.getAll()` reports it: an e-mail-like id or a {GUID}. */
export const geckoExtensionId = z
  .string()
  .max(80)
  .regex(
    /^(?:\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}|[A-Za-z0-9._+-]{1,40}@[A-Za-z0-9._-]{1,38})$/,
    "must be a Firefox add-on id (name@domain or {GUID})",
  );

/** The hosts each store publishes its listings on; a listing URL must be on one of them. */
export const STORE_HOSTS: Record<Store, readonly string[]> = {
  chrome: ["chromewebstore.google.com", "chrome.google.com"],
  edge: ["microsoftedge.microsoft.com"],
  firefox: ["addons.mozilla.org"],
};

const listing = (id: z.ZodType<string>) =>
  z.strictObject({
    id,
    /** The store's listing page. */
    url: z.url({ protocol: /^https$/ }),
    ...provenance,
  });

export const extensionSchema = z
  .strictObject({
    ...entryHeader,
    /** The catalog tool the extension is a client of: its facts apply unless the extension has its own. */
    tool: slug.optional(),
    stores: z.strictObject({
      chrome: listing(chromiumExtensionId).optional(),
      edge: listing(chromiumExtensionId).optional(),
      firefox: listing(geckoExtensionId).optional(),
    }),
    facts: toolFacts.optional(),
  })
  .refine((extension) => Object.keys(extension.stores).length > 0, {
    message: "an extension needs a sourced id in at least one store",
    path: ["stores"],
  });
export type Extension = z.infer<typeof extensionSchema>;

/**
 * How an AI browser can be recognized from inside an extension:
 *   brand    a `navigator.userAgentData.brands[].brand` value, compared whole;
 *   uaToken  a product token of `navigator.userAgent` ("Name/version"), compared whole;
 *   global   a property the browser adds to `navigator` or `window` (e.g. "navigator.brave").
 */
export const MARKER_KINDS = ["brand", "uaToken", "global"] as const;
export type MarkerKind = (typeof MARKER_KINDS)[number];

const browserMarker = z.strictObject({
  kind: z.enum(MARKER_KINDS),
  value: z
    .string()
    .min(2)
    .max(60)
    .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, "must be a plain name (letters, digits, space . _ -)"),
  ...provenance,
});

export const browserSchema = z.strictObject({
  ...entryHeader,
  /** The catalog tool of the browser's own website (its download page), if any. */
  tool: slug.optional(),
  /** Absent or empty: no marker was read on a public page yet, so it cannot be recognized. */
  markers: z.array(browserMarker).optional(),
  facts: toolFacts.optional(),
});
export type Browser = z.infer<typeof browserSchema>;

/**
 * The organization's census key (a managed setting): the secret under which devices nominate
 * unknown AI-looking extensions by keyed hash. It never reaches the server.
 */
export const censusKey = z
  .string()
  .min(16, "must be at least 16 characters (a random secret)")
  .max(200, "must be at most 200 characters");
