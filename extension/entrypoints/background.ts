// First: the moment the worker's own modules start to run (read by `npm run bench:nudge`).
import "../lib/evaluating";
import { browser } from "wxt/browser";
import { defineBackground } from "wxt/utils/define-background";
import { ALARMS, scheduleSynchronization } from "../background/alarms";
import { reportingChanged } from "../background/counting";
import { discoveryChanged, discoveryDue, startDiscovery } from "../background/discovery";
import { handlers } from "../background/handlers";
import { forgetTabDecision } from "../background/handover";
import { commitFilters, onCommitted, onSignInStart } from "../background/navigation";
import { forgetTab } from "../background/nudges";
import { createRouter } from "../background/router";
import { flushNow, synchronize } from "../background/sync";
import { OAUTH_FILTERS } from "../lib/candidates";
import { bundledIndex, loadingCatalog } from "../lib/catalog";
import { loadStoredCatalog } from "../lib/catalog-cache";
import { markNow, STARTED_MARK } from "../lib/marks";
import { restrictToTrustedContexts } from "../lib/state";

/*
 * The service worker: it only wires browser events to the modules beside it (counting,
 * nudges, blocking, synchronization, the message router). Listeners are registered
 * synchronously so a restarted service worker receives the event that woke it.
 */
export default defineBackground(() => {
  const failed = (what: string) => (error: unknown) => console.error(`Shadowlight: ${what}:`, error);

  // Committed navigations the background looks at, filtered by the browser itself: catalog
  // pages (the nudge first, then the visit), unknown AI-looking sites and sign-ins through an
  // identity provider (background/navigation.ts). One listener, few filters: each costs every start.
  browser.webNavigation.onCommitted.addListener(onCommitted, { url: commitFilters(bundledIndex) });
  browser.webNavigation.onBeforeNavigate.addListener(onSignInStart, { url: OAUTH_FILTERS });

  // Discovery beyond page visits: AI extensions, the AI browser, AI called by other sites.
  startDiscovery();

  const route = createRouter(handlers, { id: browser.runtime.id, baseUrl: browser.runtime.getURL("/") });
  browser.runtime.onMessage.addListener((message, sender) => route(message, sender));

  browser.tabs.onRemoved.addListener((tabId) => {
    forgetTabDecision(tabId);
    void forgetTab(tabId).catch(failed("tab not forgotten"));
  });

  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === ALARMS.synchronize) {
      void synchronize().catch(failed("synchronization failed"));
      void discoveryDue().catch(failed("discovery failed"));
    }
    if (alarm.name === ALARMS.retry) void flushNow().catch(failed("delivery failed"));
  });

  browser.storage.onChanged.addListener((changes, area) => {
    if (area === "local" && ("policy" in changes || "revoked" in changes)) reportingChanged();
    // A new policy (organization entries, revealed tokens), catalog (API hosts, extension ids)
    // or new settings (census, key).
    const discoveryInput = ["policy", "catalog", "options", "managedSnapshot"].some((key) => key in changes);
    if (area === "managed" || (area === "local" && discoveryInput)) {
      void discoveryChanged().catch(failed("discovery failed"));
    }
    if (area === "managed" || (area === "local" && ("options" in changes || "managedSnapshot" in changes))) {
      reportingChanged();
      void synchronize().catch(failed("synchronization failed"));
    }
  });

  // Content scripts never read storage: the device token and the counts stay with the extension.
  void restrictToTrustedContexts();
  // The server's catalog, when one was fetched before, replaces the bundled copy at once.
  loadingCatalog(loadStoredCatalog());

  browser.runtime.onInstalled.addListener(() => {
    void scheduleSynchronization();
    void synchronize().catch(failed("synchronization failed"));
  });
  browser.runtime.onStartup.addListener(() => void synchronize().catch(failed("synchronization failed")));
  // How long a start of the service worker takes until it listens (read by `npm run bench:nudge`).
  markNow(STARTED_MARK);
});
