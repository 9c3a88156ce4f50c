import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { forgetTabDecision } from "../../extension/background/handover";
import { commitFilters, onCommitted } from "../../extension/background/navigation";
import { bundledIndex, useCatalog } from "../../extension/lib/catalog";
import { local, session } from "../../extension/lib/state";
import type { NavigationFilter } from "../../shared/catalog/compile";
import { countsByName } from "../support/counts";
import { usePolicy } from "./device-policy";

/*
 * The one onCommitted listener: its few, coarse filters bring every page the background must
 * see (the browser applies them; `passes` below is Chromium's UrlFilter for the parts used),
 * and its handler sorts out exactly what a page is.
 */

/** Chromium's UrlFilter for the conditions the extension uses (all of a filter's conditions must hold). */
function passes(filter: NavigationFilter, url: string): boolean {
  const { hostname, pathname, search } = new URL(url);
  return (
    (filter.hostEquals === undefined || hostname === filter.hostEquals) &&
    (filter.hostSuffix === undefined || hostname.endsWith(filter.hostSuffix)) &&
    (filter.hostPrefix === undefined || hostname.startsWith(filter.hostPrefix)) &&
    (filter.hostContains === undefined || `.${hostname}`.includes(filter.hostContains)) &&
    (filter.pathPrefix === undefined || pathname.startsWith(filter.pathPrefix)) &&
    (filter.pathEquals === undefined || pathname === filter.pathEquals) &&
    (filter.queryContains === undefined || search.slice(1).includes(filter.queryContains))
  );
}

const filters = commitFilters(bundledIndex);
const brought = (url: string) => filters.some((filter) => passes(filter, url));

describe("the navigation filters", () => {
  it("bring every page of every catalog host, its subdomains, its paths and its queries", () => {
    const missed: string[] = [];
    for (const host of Object.keys(bundledIndex.hosts)) {
      for (const url of [`https://${host}/`, `https://${host}/c/1?q=x`, `https://eu.${host}/`]) {
        if (!brought(url)) missed.push(url);
      }
    }
    for (const [host, rules] of Object.entries(bundledIndex.paths)) {
      for (const [prefix] of rules) {
        for (const url of [`https://${host}${prefix}`, `https://www.${host}${prefix}/more`]) {
          if (!brought(url)) missed.push(url);
        }
      }
    }
    for (const [host, rules] of Object.entries(bundledIndex.queries ?? {})) {
      for (const [path, param, value] of rules) {
        if (!brought(`https://${host}${path}?a=1&${param}=${value}`)) missed.push(`${host}${path}?${param}=${value}`);
      }
    }
    expect(missed).toEqual([]);
  });

  it("bring unknown AI-looking hosts, new hosts of vendors and sign-in pages, and not the rest of the web", () => {
    expect(brought("https://app.some-new-assistant.ai/")).toBe(true);
    expect(brought("https://mygpt-helper.co.uk/")).toBe(true);
    expect(brought("https://labs-preview.anthropic.com/")).toBe(true);
    expect(brought("https://accounts.google.com/o/oauth2/v2/auth?redirect_uri=https%3A%2F%2Fx.example")).toBe(true);
    for (const url of ["https://mail.google.com/", "https://github.com/settings", "https://intranet.example.com/"]) {
      expect(brought(url), url).toBe(false);
    }
  });

  it("are far fewer than two exact filters per catalog host", () => {
    const hosts = Object.keys(bundledIndex.hosts).length;
    expect(filters.length).toBeLessThan(hosts * 0.7);
    // Each catalog host has one filter at most, and none when a wider one brings it.
    expect(filters).not.toContainEqual({ hostSuffix: "claude.ai" });
    expect(filters).toContainEqual({ hostSuffix: "poe.com" });
    expect(filters).not.toContainEqual({ hostEquals: "poe.com" });
  });
});

describe("a committed navigation", () => {
  let pushes: unknown[];

  beforeEach(async () => {
    fakeBrowser.reset();
    useCatalog(bundledIndex, "bundled");
    await usePolicy({
      version: 3,
      name: "Navigation test policy",
      rules: [
        { id: "ack", when: { tools: ["chatgpt"] }, action: "acknowledge" },
        { id: "ok", when: { tools: ["claude"] }, action: "allow" },
      ],
      fallback: "allow",
    });
    forgetTabDecision(5);
    forgetTabDecision(9);
    pushes = [];
    vi.spyOn(fakeBrowser.scripting, "executeScript").mockImplementation(async (injection) => {
      pushes.push(injection);
      return [];
    });
  });
  afterEach(() => vi.restoreAllMocks());

  const commit = (url: string, tabId = 5) => onCommitted({ tabId, frameId: 0, documentId: `doc-${tabId}`, url });
  const counted = async () => Object.keys(countsByName(await local.counters.getValue())).sort();
  const decidedTabs = async () => Object.keys(await session.decisions.getValue()).sort();
  /**
   * A positive sign that what was committed before is handled: a catalog page committed after
   * it (tab 9) is decided and counted. Returns what was counted besides that page's visit.
   */
  const settled = async () => {
    commit("https://chatgpt.com/c/settle", 9);
    await vi.waitFor(async () => {
      expect(await decidedTabs()).toContain("9");
      expect(await counted()).toContainEqual("chatgpt visit v3");
    });
    return (await counted()).filter((name) => !name.startsWith("chatgpt visit"));
  };

  it("of a catalog page is decided at once and counted as a visit", async () => {
    commit("https://claude.ai/new");
    expect(await settled()).toEqual(["claude visit v3"]);
    expect(await decidedTabs()).toEqual(["5", "9"]);
  });

  it("of an AI-looking site outside the catalog is a candidate, and gets no decision", async () => {
    commit("https://app.some-new-assistant.ai/chat");
    expect(await settled()).toEqual(["some-new-assistant.ai", "some-new-assistant.ai signal:hostname"]);
    expect(await decidedTabs()).toEqual(["9"]);
  });

  it("of a host that only ends like a catalog host is turned away", async () => {
    expect(brought("https://notpoe.com/")).toBe(true);
    commit("https://notpoe.com/");
    expect(await settled()).toEqual([]);
    expect(await decidedTabs()).toEqual(["9"]);
  });

  it("in a frame is not looked at", async () => {
    onCommitted({ tabId: 5, frameId: 2, documentId: "frame", url: "https://claude.ai/new" });
    expect(await settled()).toEqual([]);
    expect(await decidedTabs()).toEqual(["9"]);
  });
});
