import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  adminGet,
  type Browser,
  decided,
  deviceCounts,
  expectOnlyCounts,
  extensionStorage,
  launchBrowser,
  openSession,
  sendNow as pressSendNow,
  recordServerTraffic,
  restartWorker,
  type Stack,
  stopWorker,
  type Traffic,
} from "./harness";
import { pressNamed } from "./screen";

/*
 * Nothing lost: counts made while the server is down, across a service-worker termination
 * and a browser restart, arrive exactly once when the server is back.
 */
const HOSTS = ["chatgpt.com", "claude.ai"];

describe("the server is down, the service worker dies, the browser restarts", () => {
  let stack: Stack;
  let browser: Browser;
  let profile: string;
  // One recording per browser launch.
  const traffic: Traffic[][] = [];

  beforeAll(async () => {
    profile = mkdtempSync(join(tmpdir(), "shadowlight-faults-profile-"));
    const session = await openSession({
      vars: { K_ANONYMITY: "1" },
      hosts: HOSTS,
      launch: { profile },
      recordTraffic: true,
    });
    ({ stack, browser } = session);
    traffic.push(session.traffic);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  async function visit(url: string, times: number): Promise<void> {
    const tool = new URL(url).hostname === "claude.ai" ? "claude" : "chatgpt";
    const page = await browser.context.newPage();
    for (let i = 0; i < times; i++) {
      const since = Date.now();
      await page.goto(`${url}?n=${i}`);
      if (await decided(browser, tool, since)) {
        await pressNamed(page, "button", "I understand and will follow the policy");
      }
    }
    await page.close();
  }

  /** Visits recorded on the device, all days together. */
  async function localVisits(tool: string): Promise<number> {
    return (await deviceCounts(browser))[`${tool} visit v1`] ?? 0;
  }

  async function sendNow(): Promise<string> {
    const { result, popup } = await pressSendNow(browser);
    await popup.close();
    return result;
  }

  async function visits(): Promise<Record<string, number>> {
    const { tools } = await adminGet<{ tools: Array<{ id: string; visits: number }> }>(stack, "/inventory");
    return Object.fromEntries(tools.map((tool) => [tool.id, tool.visits]));
  }

  it("keeps every count and delivers it exactly once", async () => {
    await visit("https://chatgpt.com/", 3);
    await expect.poll(() => localVisits("chatgpt"), { timeout: 10_000 }).toBe(3);
    expect(await sendNow()).toContain("Sent");
    // Queued reports are written within seconds (the default INGEST_MODE).
    await expect.poll(visits, { timeout: 20_000 }).toEqual({ chatgpt: 3 });

    await stopWorker(stack);
    await visit("https://chatgpt.com/c/offline", 2);
    await visit("https://claude.ai/new", 2);
    expect(await sendNow()).toContain("Not sent");
    const delivery = (await extensionStorage(browser)).delivery as { failures: number; nextAttemptAt: number | null };
    expect(delivery.failures).toBeGreaterThanOrEqual(1);
    expect(delivery.nextAttemptAt).toBeGreaterThan(Date.now());

    // Terminate the service worker: the next navigation wakes a fresh one from storage.
    const page = await browser.context.newPage();
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send("ServiceWorker.enable");
    await cdp.send("ServiceWorker.stopAllWorkers");
    await page.close();
    await visit("https://claude.ai/new", 1);
    await expect.poll(() => localVisits("claude"), { timeout: 10_000 }).toBe(3);

    // Restart the whole browser on the same profile.
    await browser.close();
    browser = await launchBrowser(stack.extensionPath, HOSTS, stack.site.port, { profile });
    traffic.push(recordServerTraffic(browser, stack.serverUrl));
    expect(await localVisits("chatgpt")).toBe(5);
    await visit("https://chatgpt.com/c/after-restart", 4);
    await expect.poll(() => localVisits("chatgpt"), { timeout: 10_000 }).toBe(9);
    expect(await sendNow()).toContain("Not sent");

    await restartWorker(stack);
    expect(await sendNow()).toContain("Sent");
    await expect.poll(visits, { timeout: 20_000 }).toEqual({ chatgpt: 9, claude: 3 });
    // A second send changes nothing: the server keeps the maximum, not the sum.
    expect(await sendNow()).toContain("Sent");
    expect(await visits()).toEqual({ chatgpt: 9, claude: 3 });
    expectOnlyCounts(traffic.flat(), ["/c/offline", "after-restart", "?n="]);
  });
});
