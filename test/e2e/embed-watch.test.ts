import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminPut, type Browser, deviceCounts, extensionStorage, openSession, type Stack } from "./harness";

/*
 * Requests to AI API hosts are watched across service-worker restarts: the browser stops an
 * idle service worker, and a page calling such a host must still be counted. The bundled
 * catalog's hosts have a listener registered synchronously at start-up, so every call counts;
 * the hosts of the organization's entries come from storage, so the call that wakes the worker
 * is missed and the ones after it count (extension/background/discovery/index.ts).
 */

const SHOP = "www.northwind-retail.com";
const ORG_API = "api.contoso-llm.com";
const ENTRY = "org-contoso-llm";
const ORG_URL = `https://${ORG_API}/v1/complete`;
const BUNDLED_URL = "https://api.openai.com/v1/chat/completions";

describe("watching the organization's API hosts across service-worker restarts", () => {
  let stack: Stack;
  let browser: Browser;

  /** A page of the shop, opened while the extension's service worker is stopped (the browser says so). */
  const stopped = async () => {
    const page = await browser.context.newPage();
    await page.goto(`https://${SHOP}/orders`);
    const cdp = await browser.context.newCDPSession(page);
    const ours = `chrome-extension://${browser.extensionId}/`;
    const stop = new Promise<void>((resolve) => {
      cdp.on("ServiceWorker.workerVersionUpdated", ({ versions }) => {
        if (versions.some((v) => v.scriptURL.startsWith(ours) && v.runningStatus === "stopped")) resolve();
      });
    });
    await cdp.send("ServiceWorker.enable");
    await cdp.send("ServiceWorker.stopAllWorkers");
    await Promise.race([
      stop,
      new Promise((_, reject) => setTimeout(() => reject(new Error("the service worker did not stop")), 10_000)),
    ]);
    await cdp.detach();
    return page;
  };
  /** Calls `url` `times` times, one after the other, from a page of the shop (a site outside the catalog). */
  const callFrom = (page: Page, url: string, times: number) =>
    page.evaluate(
      async ({ url, times }) => {
        for (let i = 0; i < times; i++) {
          await fetch(url, { method: "POST", mode: "no-cors", body: "x" });
          await new Promise((resolve) => setTimeout(resolve, 300));
        }
      },
      { url, times },
    );
  const embeds = async (tool: string) => (await deviceCounts(browser))[`embed:northwind-retail.com ${tool}`] ?? 0;

  beforeAll(async () => {
    ({ stack, browser } = await openSession({
      vars: { K_ANONYMITY: "1" },
      prepare: (started) =>
        adminPut(started, `/organization/${ENTRY}`, {
          id: ENTRY,
          name: "Contoso LLM gateway",
          vendor: "Contoso IT",
          category: "chat",
          apiHosts: [ORG_API],
        }),
      hosts: [SHOP, ORG_API, "api.openai.com"],
    }));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it("counts calls while the service worker runs", async () => {
    // The device has the policy with the organization's entry.
    await expect
      .poll(
        async () => {
          const { policy } = (await extensionStorage(browser)) as {
            policy?: { response: { organization?: Array<{ id: string }> } };
          };
          return policy?.response.organization?.map((entry) => entry.id) ?? [];
        },
        { timeout: 30_000 },
      )
      .toContain(ENTRY);
    const page = await browser.context.newPage();
    await page.goto(`https://${SHOP}/orders`);
    await expect
      .poll(
        async () => {
          await callFrom(page, ORG_URL, 1);
          return embeds(ENTRY);
        },
        { timeout: 20_000, interval: 2_500 },
      )
      .toBeGreaterThan(0);
    await page.close();
    // Kept for the next start of the service worker.
    expect((await extensionStorage(browser)).embedHosts).toEqual([`*://${ORG_API}/*`, `*://*.${ORG_API}/*`]);
  });

  it("counts every call to a bundled catalog API host made while the service worker was stopped", async () => {
    const before = await embeds("openai-platform");
    const page = await stopped();
    await callFrom(page, BUNDLED_URL, 3);
    await expect.poll(() => embeds("openai-platform"), { timeout: 15_000 }).toBe(before + 3);
    await page.close();
  });

  it("wakes for the organization's API hosts too: calls after the one that woke the worker count", async () => {
    const before = await embeds(ENTRY);
    const page = await stopped();
    // Nothing else wakes the worker here: each round makes one call, then reads the counts.
    let calls = 0;
    await expect
      .poll(
        async () => {
          await callFrom(page, ORG_URL, 1);
          calls++;
          return embeds(ENTRY);
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBeGreaterThan(before);
    await expect.poll(() => embeds(ENTRY), { timeout: 10_000 }).toBeGreaterThanOrEqual(before + calls - 1);
    console.log(`organization API host after a stop: ${(await embeds(ENTRY)) - before} of ${calls} calls counted`);
    await page.close();
  });
});
