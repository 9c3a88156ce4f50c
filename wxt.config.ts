import { existsSync, readFileSync } from "node:fs";
import preact from "@preact/preset-vite";
import { defineConfig } from "wxt";

/*
 * Build-time configuration of the extension. `npm start` and the end-to-end tests build it
 * preconfigured for a server with these variables; store builds leave them empty and take the
 * settings from managed storage (enterprise policy) or the options page.
 *   SHADOWLIGHT_SERVER_URL        the worker, e.g. http://127.0.0.1:8787
 *   SHADOWLIGHT_ENROLLMENT_TOKEN  the organization's enrollment token
 *   SHADOWLIGHT_GROUP             an optional coarse group label
 *   SHADOWLIGHT_OUT_DIR           where to build (default .output)
 */
const patternsFile = new URL("./policies/dist/patterns.json", import.meta.url);
if (!existsSync(patternsFile)) throw new Error("policies/dist is missing: run `npm run build:policies` first");
const patterns = JSON.parse(readFileSync(patternsFile, "utf8")) as { matches: string[] };

export const GECKO_ID = "shadowlight@shadowlight.dev";

/**
 * The public key that pins the Chrome extension id to oicjdjaeakeiccgmieahkaodgcalfmic for unpacked
 * development builds, so enterprise policy can address them (3rdparty.extensions.<id>).
 * The stores assign their own id and refuse the key: SHADOWLIGHT_STORE_BUILD=1 leaves it out;
 * `npm run package` signs the self-hosted CRX with the organization's own key instead.
 */
export const CHROME_EXTENSION_ID = "oicjdjaeakeiccgmieahkaodgcalfmic";
const CHROME_KEY =
  "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAoFk29lm65Rna1j49Sy9vW+T6zcyK4wsDDwATc1vPKrQAxuWf1gBupMu5PFbOsKGXGGvq815AqCqesdMmINCD5L62r5V3NyZpi/YB1bCyl7mAtMFH8uNKoHinsS3sLnHM4KvxropYtBeZTu8x2pFOZOx9V553rfPpL43LyQpUanUp/FxqGMI6LiTkN/vP5ZKvyh0XLWoWaXUli01SidB+EdvHh13T5vLvsscwGCnzqf/q2cg97nngfjEY07EkHlXH54vDpCfnjgR46O4qkKHk+/eIjmu5xotqr8u1RklUtgAGpBArajkunzJWfImA/gqVbPU3m1npYV4QmA5S7vseGQIDAQAB";

/** Host access the embed observer needs: Chromium reports a request only with access to its initiator too. */
const EVERY_SITE = "*://*/*";

/** The content script's placeholder, replaced by the catalog's patterns in the manifest. */
export const CATALOG_MATCHES = "*://catalog.shadowlight.invalid/*";

export default defineConfig({
  srcDir: "extension",
  publicDir: "extension/public",
  hooks: {
    "build:manifestGenerated": (_wxt, manifest) => {
      for (const script of manifest.content_scripts ?? []) {
        if (script.matches?.includes(CATALOG_MATCHES)) script.matches = patterns.matches;
      }
    },
  },
  outDir: process.env.SHADOWLIGHT_OUT_DIR ?? ".output",
  modules: ["@wxt-dev/webextension-polyfill"],
  manifest: ({ browser }) => ({
    name: "__MSG_extName__",
    description: "__MSG_extDescription__",
    default_locale: "en",
    // `scripting`: the background hands the nudge to the page at commit (Chromium); no install warning.
    // management: the extension census reads the list of installed extensions (never changes
    // one). webRequest: observe-only, to see pages of other sites call AI API hosts; the
    // browser reports such a request only with host access to the calling site as well, hence
    // every site below. Content scripts still run on catalog pages only.
    permissions: [
      "storage",
      "alarms",
      "webNavigation",
      "declarativeNetRequestWithHostAccess",
      ...(browser === "firefox" ? [] : ["scripting"]),
      "management",
      "webRequest",
    ],
    host_permissions: [EVERY_SITE],
    ...(browser === "firefox"
      ? {
          browser_specific_settings: {
            gecko: {
              id: GECKO_ID,
              // 140 (the current ESR) is the first to know data_collection_permissions.
              strict_min_version: "140.0",
              data_collection_permissions: { required: ["none"] },
            },
            gecko_android: { strict_min_version: "142.0" },
          },
          // Firefox redirects a blocked navigation (declarativeNetRequest) only to a page the web
          // may load; Chrome needs no such entry. A page cannot find it: its address holds the
          // random internal UUID Firefox gives the add-on in each profile.
          web_accessible_resources: ["blocked.html"],
        }
      : {
          storage: { managed_schema: "managed_schema.json" },
          ...(process.env.SHADOWLIGHT_STORE_BUILD === "1" ? {} : { key: CHROME_KEY }),
        }),
  }),
  vite: () => ({
    plugins: [preact()],
    build: {
      // Rolldown inlines a module's exported constants where other modules use them. For the
      // public-suffix data (tldts: one 68 KB string read in three functions) that copied the
      // string into each use: the background was 570 KB with it, 430 KB without.
      rolldownOptions: { optimization: { inlineConst: false } },
    },
    define: {
      __SL_SERVER_URL__: JSON.stringify(process.env.SHADOWLIGHT_SERVER_URL ?? ""),
      __SL_ENROLLMENT_TOKEN__: JSON.stringify(process.env.SHADOWLIGHT_ENROLLMENT_TOKEN ?? ""),
      __SL_GROUP__: JSON.stringify(process.env.SHADOWLIGHT_GROUP ?? ""),
    },
  }),
});
