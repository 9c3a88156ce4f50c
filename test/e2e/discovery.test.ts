import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReportRequest } from "../../shared/protocol";
import {
  adminGet,
  adminPut,
  type Browser,
  deviceCounts,
  expectOnlyCounts,
  liveServiceWorker,
  openSession,
  type Stack,
  sendNow,
  type Traffic,
  testExtension,
} from "./harness";

/*
 * Discovery beyond page visits in real Chromium: other unpacked extensions installed beside
 * Shadowlight (one the organization's catalog names by its id, one AI-looking unknown one,
 * one ordinary one), and a page of a non-AI site calling a catalogued AI API host. The worker
 * runs with k = 1 so one device's counts show; the k rules have their own worker tests.
 */

const SITE_HOST = "intranet.contoso-shop.com";
const API_URL = "https://api.openai.com/v1/chat/completions?key=sk-secret-e2e-4711";
const CENSUS_KEY = "e2e-census-key-0123456789";

describe("discovery: AI extensions and AI inside other sites", () => {
  let stack: Stack;
  let browser: Browser;
  let traffic: Traffic[];
  let work: string;
  let catalogued: { path: string; id: string };
  let unknownAi: { path: string; id: string };
  let ordinary: { path: string; id: string };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "shadowlight-other-extensions-"));
    catalogued = testExtension(work, "Contoso Notes Helper", "Takes meeting notes for Contoso staff.");
    unknownAi = testExtension(work, "GPT Quick Notes", "Private drafting pad.");
    ordinary = testExtension(work, "Tab Tidy", "Sorts your tabs.");
    // A test catalog entry: the organization's own entry for the first extension, by its id.
    const prepare = (started: Stack) =>
      adminPut(started, "/organization/org-notes-helper", {
        id: "org-notes-helper",
        name: "Contoso Notes Helper",
        vendor: "Contoso IT",
        category: "meetings",
        extensions: { chrome: [catalogued.id] },
      });
    ({ stack, browser, traffic } = await openSession({
      vars: { K_ANONYMITY: "1" },
      prepare,
      hosts: [SITE_HOST, "api.openai.com"],
      launch: { otherExtensions: [catalogued.path, unknownAi.path, ordinary.path] },
      recordTraffic: true,
    }));
    // The organization's census key, as the options page stores it (managed settings win over it).
    await (await liveServiceWorker(browser)).evaluate(
      (key) =>
        (
          globalThis as unknown as { chrome: { storage: { local: { set(v: object): Promise<void> } } } }
        ).chrome.storage.local.set({ options: { censusKey: key } }),
      CENSUS_KEY,
    );
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("counts the extension the catalog names, and the AI-looking unknown one as a number and a keyed hash", async () => {
    // The census runs at start-up and again when the policy (with the organization's entry)
    // and the census key arrive: wait for its result.
    const discovered = async () =>
      Object.fromEntries(
        Object.entries(await deviceCounts(browser)).filter(([name]) => /^(extension|unknown)/.test(name)),
      );
    await expect.poll(async () => Object.keys(await discovered()).length, { timeout: 30_000 }).toBe(3);
    const counts = await discovered();
    expect(counts["extension:org-notes-helper"]).toBe(2);
    expect(counts["unknownExtensions:"]).toBe(1);
    const tokens = Object.keys(counts).filter((name) => name.startsWith("extensionToken:"));
    expect(tokens).toEqual([expect.stringMatching(/^extensionToken:[0-9a-f]{32}$/)]);
  });

  it("counts a non-AI site whose page calls an AI API host as embedding that tool", async () => {
    const page = await browser.context.newPage();
    await page.goto(`https://${SITE_HOST}/quarterly-report`);
    await page.evaluate(async (url) => {
      await fetch(url, { method: "POST", mode: "no-cors", body: "secret prompt about the acquisition" });
      await fetch(url, { method: "POST", mode: "no-cors", body: "secret prompt, again" });
    }, API_URL);
    await page.close();
    await expect
      .poll(async () => (await deviceCounts(browser))["embed:contoso-shop.com openai-platform"], { timeout: 15_000 })
      .toBe(2);
  });

  it("sends them, and the inventory shows the extension and the embedding site", async () => {
    const { result, popup } = await sendNow(browser);
    expect(result).toMatch(/^Sent/);
    // The popup says in words what is sent and shows the new sections in the JSON.
    const kinds = await popup.getByTestId("sent-kinds").textContent();
    expect(kinds).toContain("AI browser extensions of the catalog");
    expect(kinds).toContain("sites whose pages call");
    const lastSent = (await popup.getByTestId("last-sent").textContent()) ?? "";
    expect(lastSent).toContain("contoso-shop.com");
    await popup.close();
    type Tools = Array<{ id: string; kind: string; devices: number; sites?: Array<{ site: string; devices: number }> }>;
    const inventory = async () => (await adminGet<{ tools: Tools }>(stack, "/inventory")).tools;
    // Reports are queued (the default INGEST_MODE): wait until the consumer wrote this one.
    await expect
      .poll(async () => (await inventory()).some((t) => t.id === "openai-platform" && t.kind === "embedded"), {
        timeout: 20_000,
      })
      .toBe(true);
    const tools = await inventory();
    expect(tools.find((t) => t.id === "org-notes-helper" && t.kind === "extension")?.devices).toBe(1);
    expect(tools.find((t) => t.id === "openai-platform" && t.kind === "embedded")?.sites).toEqual([
      { site: "contoso-shop.com", devices: 1 },
    ]);
  });

  it("names the unknown extension only after the server published its token as nominated by k devices", async () => {
    // k = 1 here: the server publishes this device's nomination with the policy; the device
    // then names the extension, and the next report carries it.
    await expect
      .poll(
        async () => {
          await sendNow(browser).then(({ popup }) => popup.close());
          const { extensions } = await adminGet<{ extensions: Array<{ store: string; id: string }> }>(
            stack,
            "/candidates",
          );
          return extensions;
        },
        { timeout: 40_000, interval: 2_000 },
      )
      .toEqual([expect.objectContaining({ store: "chrome", id: unknownAi.id })]);
  });

  it("sent nothing else: no other extension, no name, no path, query or body of any request", () => {
    expectOnlyCounts(traffic, [
      catalogued.id,
      ordinary.id,
      "Contoso Notes Helper",
      "GPT Quick Notes",
      "Tab Tidy",
      "intranet",
      "quarterly-report",
      "chat/completions",
      "sk-secret-e2e",
      CENSUS_KEY,
    ]);
    // The unknown extension's id travels only as a named extension, after its token was published.
    for (const request of traffic) {
      if (!request.url.endsWith("/api/v1/reports")) {
        expect(request.body).not.toContain(unknownAi.id);
        continue;
      }
      const report = JSON.parse(request.body) as ReportRequest;
      const { revealedExtensions, ...rest } = report;
      expect(JSON.stringify(rest)).not.toContain(unknownAi.id);
      for (const named of revealedExtensions ?? []) expect(named).toMatchObject({ store: "chrome", id: unknownAi.id });
    }
  });
});
