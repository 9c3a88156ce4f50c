import { browser } from "wxt/browser";
import { defineBackground } from "wxt/utils/define-background";
import { navigationFilters } from "../../shared/catalog/compile";
import { ALARMS, scheduleSynchronization } from "../background/alarms";
import { countNow, noteCandidate, noteSignIn, reportingChanged } from "../background/counting";
import { discoveryChanged, discoveryDue, startDiscovery } from "../background/discovery";
import { handlers } from "../background/handlers";
import { decideAtCommit, forgetTabDecision } from "../background/handover";
import { forgetTab } from "../background/nudges";
import { createRouter } from "../background/router";
import { flushNow, synchronize } from "../background/sync";
import { CANDIDATE_FILTERS, candidateOfPage, OAUTH_FILTERS, oauthSignIn, vendorFilters } from "../lib/candidates";
import { bundledIndex, catalogReady, loadingCatalog } from "../lib/catalog";
import { loadStoredCatalog } from "../lib/catalog-cache";
import { STARTED_MARK } from "../lib/marks";
import { restrictToTrustedContexts } from "../lib/state";

/*
 * The service worker: it only wires browser events to the modules beside it (counting,
 * nudges, blocking, synchronization, the message router). Listeners are registered
 * synchronously so a restarted service worker receives the event that woke it.
 */
export default defineBackground(() => {
  const failed = (what: string) => (error: unknown) => console.error(`Shadowlight: ${what}:`, error);

  // The browser itself filters navigations to catalog hosts (derived from the index at start-up).
  // First the nudge, decided and handed to the page at commit (background/handover.ts), then the visit.
  browser.webNavigation.onCommitted.addListener(
    (details) => {
      if (details.frameId !== 0) return;
      decideAtCommit(details);
      // With the catalog in force: at a start of the service worker, the stored one once read.
      void catalogReady()
        .then(({ matcher }) => {
          const tool = matcher.classify(details.url);
          if (tool) return countNow(tool.id, "visit");
        })
        .catch(failed("visit not counted"));
    },
    { url: navigationFilters(bundledIndex) },
  );

  // Unknown AI-looking sites: AI words in the hostname, or a new host under a catalogued AI
  // vendor's own domain (lib/candidates.ts); again the browser filters.
  browser.webNavigation.onCommitted.addListener(
    (details) => {
      if (details.frameId !== 0) return;
      void catalogReady()
        .then(({ matcher, index }) => {
          const candidate = candidateOfPage(details.url, matcher, index);
          if (candidate) return noteCandidate(candidate, "visit");
        })
        .catch(failed("candidate not counted"));
    },
    { url: [...CANDIDATE_FILTERS, ...vendorFilters(bundledIndex)] },
  );

  // Sign-ins through an identity provider for a site outside the catalog: the authorization
  // URL is seen when the navigation starts and, after the provider's own redirects, when it
  // commits; noting one twice changes nothing.
  const onSignIn = (details: { frameId: number; url: string }) => {
    if (details.frameId !== 0) return;
    void catalogReady()
      .then(({ matcher, index }) => {
        const signIn = oauthSignIn(details.url, matcher, index);
        if (signIn) return noteSignIn(signIn);
      })
      .catch(failed("sign-in not noted"));
  };
  browser.webNavigation.onBeforeNavigate.addListener(onSignIn, { url: OAUTH_FILTERS });
  browser.webNavigation.onCommitted.addListener(onSignIn, { url: OAUTH_FILTERS });

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
  performance.mark(STARTED_MARK);
});
