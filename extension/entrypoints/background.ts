import { browser } from "wxt/browser";
import { defineBackground } from "wxt/utils/define-background";
import { navigationFilters } from "../../shared/catalog/compile";
import { dayOf } from "../../shared/day";
import type { EventKind } from "../../shared/events";
import { LIMITS } from "../../shared/limits";
import { nudgeDue } from "../../shared/policy/evaluate";
import { syncBlockRules } from "../lib/blocking";
import { CANDIDATE_FILTERS, candidateDomain } from "../lib/candidates";
import { bundledIndex, catalog } from "../lib/catalog";
import { loadStoredCatalog, refreshCatalog } from "../lib/catalog-cache";
import {
  addCount,
  candidateFits,
  candidateKey,
  counterKey,
  justificationKey,
  pendingEntries,
  toReport,
} from "../lib/counters";
import { decide, nudgeView } from "../lib/decide";
import { NUDGE_EVENTS, type NudgeView, type Request, type StatusView } from "../lib/messages";
import { policyInForce, refreshPolicy } from "../lib/policy-cache";
import { ensureEnrolled, type FlushResult, flush } from "../lib/reporter";
import { resolveSettings } from "../lib/settings";
import { read, serialized, write } from "../lib/state";

const FLUSH_ALARM = "flush";
const RETRY_ALARM = "retry";

export default defineBackground(() => {
  const version = browser.runtime.getManifest().version;

  // Whether counts are kept and sent, computed once and again only when the settings or the
  // policy change: counting is on the hot path of every catalog page.
  let reporting: Promise<boolean> | null = null;
  function reportingOn(): Promise<boolean> {
    reporting ??= Promise.all([resolveSettings({ waitForManaged: false }), policyInForce()]).then(
      ([{ settings }, { response }]) => settings.reporting && response.reporting,
    );
    return reporting;
  }

  /** Adds one to today's count under a key (made with the current policy version). */
  async function countKey(keyOf: (policyVersion: number) => string): Promise<void> {
    if (!(await reportingOn())) return;
    const { response } = await policyInForce();
    await serialized(async () => {
      const key = keyOf(response.policy.version);
      const book = await read("counters");
      const day = dayOf(Date.now());
      if (key.startsWith("d\t") && !candidateFits(book, day, key)) {
        const notKept = await read("notKept");
        await write("notKept", { ...notKept, candidateOverflow: notKept.candidateOverflow + 1 });
        return;
      }
      await write("counters", addCount(book, day, key));
    });
  }

  const count = (tool: string, event: EventKind) => countKey((version) => counterKey(tool, event, version));

  async function flushNow(): Promise<FlushResult> {
    const { settings } = await resolveSettings();
    const result = await flush(settings, version);
    if (!result.ok && result.retryAt) await browser.alarms.create(RETRY_ALARM, { when: result.retryAt });
    return result;
  }

  /** Enrolls, refreshes the policy and its block rules, then sends what is pending. */
  async function synchronize(): Promise<void> {
    const { settings } = await resolveSettings();
    if (settings.serverUrl && settings.enrollmentToken) {
      try {
        const device = await ensureEnrolled(settings, version);
        await refreshCatalog(settings.serverUrl, device.deviceToken);
        await refreshPolicy(settings.serverUrl, device.deviceToken);
      } catch (error) {
        console.warn("Shadowlight: could not reach the server:", (error as Error).message);
      }
    }
    await syncBlockRules((await policyInForce()).response);
    await flushNow();
  }

  function toolOfSender(url: string | undefined) {
    return url ? catalog().matcher.classify(url) : null;
  }

  async function nudgeFor(url: string | undefined): Promise<NudgeView | null> {
    const tool = toolOfSender(url);
    if (!tool) return null;
    const { response } = await policyInForce();
    const decision = decide(response, tool);
    const memory = (await read("nudges"))[tool.id];
    return nudgeDue(decision, memory, Date.now()) ? nudgeView(response, tool, decision) : null;
  }

  async function recordNudgeEvent(url: string | undefined, event: string, reason?: string): Promise<boolean> {
    const tool = toolOfSender(url);
    if (!tool || !(NUDGE_EVENTS as readonly string[]).includes(event)) return false;
    const { response } = await policyInForce();
    // Only a reason from the policy's own list is kept: no free text leaves the device.
    if (event === "justified" && !response.policy.reasons.some((r) => r.id === reason)) return false;
    const now = Date.now();
    await serialized(async () => {
      const nudges = await read("nudges");
      const memory = { ...(nudges[tool.id] ?? {}) };
      if (event === "nudge_shown") memory.shownAt = now;
      if (event === "acknowledged" || event === "justified") {
        memory.answeredVersion = response.policy.version;
        memory.answeredAt = now;
      }
      await write("nudges", { ...nudges, [tool.id]: memory });
    });
    await count(tool.id, event as EventKind);
    if (event === "justified" && reason) await countKey((version) => justificationKey(tool.id, reason, version));
    return true;
  }

  async function status(url: string | undefined): Promise<StatusView> {
    const [resolved, { response, source }, device, counters, sent, lastReport, delivery, notKept] = await Promise.all([
      resolveSettings(),
      policyInForce(),
      read("device"),
      read("counters"),
      read("sent"),
      read("lastReport"),
      read("delivery"),
      read("notKept"),
    ]);
    const tool = toolOfSender(url);
    const decision = tool ? decide(response, tool) : null;
    const pending = pendingEntries(counters, sent);
    return {
      tool: tool && decision ? nudgeView(response, tool, decision).tool : null,
      decision,
      policy: {
        version: response.policy.version,
        name: response.policy.name,
        url: response.policy.policyUrl ?? null,
        source,
      },
      settings: {
        serverUrl: resolved.settings.serverUrl,
        enrolled: device !== null && device.serverUrl === resolved.settings.serverUrl,
        reporting: resolved.settings.reporting && response.reporting,
        managed: resolved.managed,
        problems: resolved.problems,
      },
      queued: toReport(pending),
      queuedCount: pending.length,
      notKept,
      lastReport,
      delivery,
    };
  }

  function fromExtensionPage(sender: { id?: string; url?: string }, page: string): boolean {
    return sender.id === browser.runtime.id && (sender.url ?? "").startsWith(browser.runtime.getURL(page as "/"));
  }

  async function handle(request: Request, sender: { id?: string; url?: string }): Promise<unknown> {
    switch (request.type) {
      case "nudge:get":
        return nudgeFor(sender.url);
      case "nudge:event":
        return recordNudgeEvent(sender.url, request.event, request.reason);
      case "blocked:get": {
        const tool = catalog().toolsById.get(request.tool);
        if (!tool || !fromExtensionPage(sender, "/blocked.html")) return null;
        const { response } = await policyInForce();
        return nudgeView(response, tool, decide(response, tool));
      }
      case "blocked:event": {
        if (!catalog().toolsById.has(request.tool) || !fromExtensionPage(sender, "/blocked.html")) return false;
        if (request.event !== "blocked" && request.event !== "review_requested") return false;
        await count(request.tool, request.event);
        return true;
      }
      case "status:get":
        return status(request.url);
      case "report:flush":
        return flushNow();
      default:
        return null;
    }
  }

  // Listeners are registered synchronously so a restarted service worker receives the event
  // that woke it. The browser itself filters navigations to catalog hosts.
  browser.webNavigation.onCommitted.addListener(
    (details) => {
      if (details.frameId !== 0) return;
      const tool = catalog().matcher.classify(details.url);
      if (tool) count(tool.id, "visit").catch((error) => console.error("Shadowlight: visit not counted:", error));
    },
    // Derived from the index at start-up (a few hundred microseconds) rather than bundled.
    { url: navigationFilters(bundledIndex) },
  );

  browser.webNavigation.onCommitted.addListener(
    (details) => {
      if (details.frameId !== 0) return;
      const domain = candidateDomain(details.url, catalog().matcher);
      if (domain) {
        countKey(() => candidateKey(domain)).catch((error) =>
          console.error("Shadowlight: candidate not counted:", error),
        );
      }
    },
    { url: CANDIDATE_FILTERS },
  );

  browser.runtime.onMessage.addListener((message, sender) => handle(message as Request, sender));

  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === FLUSH_ALARM) void synchronize();
    if (alarm.name === RETRY_ALARM) void flushNow();
  });

  browser.storage.onChanged.addListener((changes, area) => {
    if (area === "local" && "policy" in changes) reporting = null;
    if (area === "managed" || (area === "local" && ("options" in changes || "managedSnapshot" in changes))) {
      reporting = null;
      void synchronize();
    }
  });

  // The server's catalog, when one was fetched before, replaces the bundled copy at once.
  void loadStoredCatalog();

  browser.runtime.onInstalled.addListener(() => {
    void browser.alarms.create(FLUSH_ALARM, { periodInMinutes: LIMITS.flushPeriodMinutes });
    void synchronize();
  });
  browser.runtime.onStartup.addListener(() => void synchronize());
});
