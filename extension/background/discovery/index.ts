import { browser } from "wxt/browser";
import { dayOf } from "../../../shared/day";
import { isCatalogDomain } from "../../lib/candidates";
import { bundledIndex, catalog, catalogReady, useOrganizationEntries } from "../../lib/catalog";
import { policyInForce } from "../../lib/policy-cache";
import { managedSettingsHeard, resolveSettings } from "../../lib/settings";
import { local, update } from "../../lib/state";
import { noteCandidate } from "../counting";
import { noticeBrowser } from "./browser-notice";
import { currentSignals, recognizeBrowser } from "./browsers";
import { census, type InstalledExtension } from "./census";
import type { DiscoveryCount } from "./counts";
import { apiHostPatterns, embedOf, type ObservedRequest } from "./embeds";
import { type Change, recordDiscovery } from "./record";

/*
 * Discovery beyond page visits, wired to the browser: the extension census (daily and when an
 * extension is installed, enabled, disabled or removed), the AI browser (daily) and AI called
 * by other sites (as it happens, written in small batches). The entrypoint calls
 * `startDiscovery` once, synchronously, and `discoveryDue` on its periodic alarm.
 */

const failed = (what: string) => (error: unknown) => console.error(`Shadowlight: ${what}:`, error);

/** Reads the installed extensions and records the day's census, unless the census is off. */
export async function runCensus(now = Date.now()): Promise<boolean> {
  const { settings } = await resolveSettings({ waitForManaged: true });
  // An administrator may have turned the census off: never read the list before the browser
  // has said what its managed settings are (the late answer runs the census again).
  if (!managedSettingsHeard()) return false;
  if (!settings.extensionCensus) {
    await update(local.discovery, (ran) => ({ ...ran, censusDay: dayOf(now), censusOff: true }));
    return false;
  }
  const management = browser.management as typeof browser.management | undefined;
  if (typeof management?.getAll !== "function") return false;
  const installed = (await management.getAll()) as InstalledExtension[];
  const { response } = await policyInForce();
  const changes = await census({
    installed,
    index: catalog().index,
    self: browser.runtime.id,
    censusKey: settings.censusKey,
    revealed: new Set(response.revealExtensions ?? []),
  });
  await recordDiscovery(dayOf(now), changes);
  await update(local.discovery, (ran) => ({ ...ran, censusDay: dayOf(now), censusOff: false }));
  return true;
}

/** Records the AI browser the extension runs in, if the catalog recognizes it. */
async function runBrowserRecognition(now = Date.now()): Promise<string | null> {
  const browserId = recognizeBrowser(catalog().index, currentSignals());
  await update(local.discovery, (ran) => ({ ...ran, browserDay: dayOf(now), browser: browserId }));
  if (browserId) {
    await recordDiscovery(dayOf(now), [[{ section: "browser", browser: browserId }, { raise: 1 }]]);
    await noticeBrowser(browserId, now);
  }
  return browserId;
}

/** The organization's entries from the policy in force, into the catalog in force. */
async function applyOrganizationEntries(): Promise<void> {
  await catalogReady();
  useOrganizationEntries((await policyInForce()).response.organization ?? []);
  listenForEmbeds();
}

/** After a new policy or new settings: the catalog's organization entries, then the census again. */
export async function discoveryChanged(): Promise<void> {
  await applyOrganizationEntries();
  await runCensus();
}

/** Runs what has not run yet today (on start-up and on the periodic alarm). */
export async function discoveryDue(now = Date.now()): Promise<void> {
  await applyOrganizationEntries();
  const ran = await local.discovery.getValue();
  const today = dayOf(now);
  if (ran.browserDay !== today) await runBrowserRecognition(now);
  if (ran.censusDay !== today) await runCensus(now);
}

// Embeds are tallied in memory and written every few seconds: a chat widget streaming an answer
// makes dozens of requests, and each need not be a write of the counter book.
const EMBED_WRITE_DELAY_MS = 2_000;
let tally = new Map<string, { day: string; item: DiscoveryCount; n: number; at: number }>();
let writeTimer: ReturnType<typeof setTimeout> | null = null;

function writeEmbeds(): Promise<void> {
  writeTimer = null;
  const batch = tally;
  tally = new Map();
  const byDay = new Map<string, Array<[DiscoveryCount, Change]>>();
  const callers = new Map<string, number>();
  for (const { day, item, n, at } of batch.values()) {
    byDay.set(day, [...(byDay.get(day) ?? []), [item, { by: n }]]);
    if (item.section === "embed" && !isCatalogDomain(catalog().index, item.site)) callers.set(item.site, at);
  }
  // A site outside the catalog that calls AI APIs is also an unknown AI candidate (`aiApi`).
  const candidates = [...callers].map(([site, at]) => noteCandidate({ domain: site, signals: ["aiApi"] }, "seen", at));
  return Promise.all([...[...byDay].map(([day, changes]) => recordDiscovery(day, changes)), ...candidates]).then(
    () => undefined,
  );
}

/** Notes one request to an AI API host, if it shows another site embedding that tool. */
export function observeRequest(request: ObservedRequest, now = Date.now()): void {
  const embed = embedOf(request, catalog().matcher);
  if (!embed) return;
  const day = dayOf(now);
  const key = `${day}|${embed.site}|${embed.tool}`;
  const entry = tally.get(key) ?? { day, item: { section: "embed", ...embed }, n: 0, at: now };
  entry.n += 1;
  tally.set(key, entry);
  writeTimer ??= setTimeout(() => void writeEmbeds().catch(failed("embeds not counted")), EMBED_WRITE_DELAY_MS);
}

/** Writes the embeds tallied so far at once (tests, and before the counts are read). */
export function flushEmbeds(): Promise<void> {
  if (writeTimer) clearTimeout(writeTimer);
  return writeEmbeds();
}

/*
 * Two observers of requests to AI API hosts, both observe-only (no "blocking"). The bundled
 * catalog's hosts are watched by a listener registered synchronously when the service worker
 * starts and never changed, so the browser wakes a stopped worker for them and hands it the
 * request that woke it. The hosts the catalog in force adds (the server's catalog, the
 * organization's entries) are known only from storage: their listener is registered from the
 * list kept in `local.embedHosts`, first thing after a start. The browser keeps that
 * registration while the worker is stopped and wakes it for these hosts too, but the request
 * that wakes it arrives before the list is read and is missed; the ones after it are counted.
 */
const onBundledRequest = (details: ObservedRequest) => {
  observeRequest(details);
  return undefined;
};
const onAddedRequest = (details: ObservedRequest) => {
  observeRequest(details);
  return undefined;
};
let watchedAdded = "";
// Set once the catalog in force has decided the added hosts: the kept list read at start-up
// must not replace a newer one.
let decidedByCatalog = false;

const webRequestApi = () => browser.webRequest as typeof browser.webRequest | undefined;

/** Watches the API hosts beyond the bundled catalog (webRequest patterns). */
function watchAddedHosts(patterns: string[]): void {
  const onBeforeRequest = webRequestApi()?.onBeforeRequest;
  const key = patterns.join(" ");
  if (!onBeforeRequest || key === watchedAdded) return;
  if (watchedAdded) onBeforeRequest.removeListener(onAddedRequest);
  watchedAdded = key;
  if (patterns.length > 0) onBeforeRequest.addListener(onAddedRequest, { urls: patterns });
}

/** The API hosts the catalog in force adds to the bundled one: watched now, and kept for the next start. */
function listenForEmbeds(): void {
  const bundled = new Set(apiHostPatterns(bundledIndex));
  const added = apiHostPatterns(catalog().index).filter((pattern) => !bundled.has(pattern));
  decidedByCatalog = true;
  watchAddedHosts(added);
  void local.embedHosts
    .getValue()
    .then((kept) => (kept.join(" ") === added.join(" ") ? undefined : local.embedHosts.setValue(added)))
    .catch(failed("API hosts not kept"));
}

/** Registers discovery's listeners; called synchronously when the service worker starts. */
export function startDiscovery(): void {
  const bundled = apiHostPatterns(bundledIndex);
  if (bundled.length > 0) webRequestApi()?.onBeforeRequest.addListener(onBundledRequest, { urls: bundled });
  void local.embedHosts
    .getValue()
    .then((kept) => {
      if (!decidedByCatalog) watchAddedHosts(kept);
    })
    .catch(failed("API hosts not watched"));
  const management = browser.management as typeof browser.management | undefined;
  const recount = () => void runCensus().catch(failed("extension census failed"));
  management?.onInstalled?.addListener(recount);
  management?.onEnabled?.addListener(recount);
  management?.onDisabled?.addListener(recount);
  void discoveryDue().catch(failed("discovery failed"));
}
