import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PolicyInput } from "../../shared/policy/schema";
import {
  type Browser,
  decided,
  extensionStorage,
  liveServiceWorker,
  openSession,
  publishPolicy,
  type Stack,
  sendNow,
  waitForPolicy,
} from "./harness";
import { find, gone, pressNamed } from "./screen";

/*
 * A new policy takes effect on a running extension within a minute, without reloading it:
 * the answer to the device's next report names the policy in force (its ETag), the extension
 * fetches the changed policy at once, applies its block rules, and nudges that now say
 * something else are shown again despite the old version's cooldowns. "Send now" fetches the
 * policy and the catalog itself.
 */

const V1: PolicyInput = {
  version: 1,
  name: "Before the change",
  rules: [
    { id: "allow-chatgpt", when: { tools: ["chatgpt"] }, action: "allow" },
    {
      id: "acknowledge-perplexity",
      when: { tools: ["perplexity"] },
      action: "acknowledge",
      message: "Perplexity: public questions only.",
    },
    { id: "inform-claude", when: { tools: ["claude"] }, action: "inform", message: "Claude is our assistant." },
  ],
  fallback: "allow",
};

/** ChatGPT blocked, Perplexity restricted (redirected to Claude), Claude's note unchanged. */
const V2: PolicyInput = {
  ...V1,
  version: 2,
  name: "After the change",
  rules: [
    {
      id: "block-chatgpt",
      when: { tools: ["chatgpt"] },
      action: "block",
      alternatives: ["claude"],
      message: "ChatGPT is no longer allowed.",
    },
    {
      id: "redirect-perplexity",
      when: { tools: ["perplexity"] },
      action: "redirect",
      alternatives: ["claude"],
      message: "Use Claude instead of Perplexity.",
    },
    { id: "inform-claude", when: { tools: ["claude"] }, action: "inform", message: "Claude is our assistant." },
  ],
};

const HOSTS = ["chatgpt.com", "www.perplexity.ai", "perplexity.ai", "claude.ai"];

/** A request of the extension to the worker and what the worker answered. */
interface Exchange {
  at: number;
  method: string;
  path: string;
  status: number;
  /** The ETag header of a policy answer, the `policyEtag` of a report's answer. */
  etag: string | null;
}

describe("a new policy version on a running extension", () => {
  let stack: Stack;
  let browser: Browser;
  const exchanges: Exchange[] = [];
  let v1 = 0;
  let v2 = 0;

  beforeAll(async () => {
    const watch = (opened: Browser, started: Stack) =>
      opened.context.on("response", (response) => {
        const url = new URL(response.url());
        if (url.origin !== started.serverUrl || !url.pathname.startsWith("/api/v1/")) return;
        const exchange: Exchange = {
          at: Date.now(),
          method: response.request().method(),
          path: url.pathname,
          status: response.status(),
          etag: response.headers().etag ?? null,
        };
        exchanges.push(exchange);
        if (exchange.path === "/api/v1/reports" && response.ok()) {
          void response
            .json()
            .then((body: { policyEtag?: string }) => {
              exchange.etag = body.policyEtag ?? null;
            })
            .catch(() => undefined);
        }
      });
    ({ stack, browser, version: v1 } = await openSession({ policy: V1, hosts: HOSTS, watch }));
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  /** Opens `url` and waits for the extension's decision there; returns the page and whether it nudged. */
  async function visit(url: string, tool: string): Promise<{ page: Page; nudged: boolean }> {
    const since = Date.now();
    const page = await browser.context.newPage();
    await page.goto(url);
    return { page, nudged: await decided(browser, tool, since) };
  }

  it("under v1: ChatGPT is allowed, Perplexity asks for an acknowledgement, Claude shows a note", async () => {
    const chatgpt = await visit("https://chatgpt.com/c/1", "chatgpt");
    expect(chatgpt.nudged).toBe(false);
    expect(new URL(chatgpt.page.url()).host).toBe("chatgpt.com");
    await chatgpt.page.close();

    const perplexity = await visit("https://www.perplexity.ai/search/1", "perplexity");
    expect(perplexity.nudged).toBe(true);
    await find(perplexity.page, "dialog", "Before you use Perplexity");
    await pressNamed(perplexity.page, "button", "I understand and will follow the policy");
    await gone(perplexity.page, "dialog", "Before you use Perplexity");
    await perplexity.page.close();

    const claude = await visit("https://claude.ai/new", "claude");
    expect(claude.nudged).toBe(true);
    await find(claude.page, "region", "A note on using Claude at work");
    await pressNamed(claude.page, "button", "Got it");
    await gone(claude.page, "region", "A note on using Claude at work");
    await claude.page.close();

    // The acknowledgement and the note's showing are remembered: under v1 neither is shown again.
    await expect
      .poll(async () => {
        const { nudges } = (await extensionStorage(browser)) as {
          nudges?: Record<string, { shownAt?: number; answeredAt?: number }>;
        };
        return [nudges?.perplexity?.answeredAt !== undefined, nudges?.claude?.shownAt !== undefined];
      })
      .toEqual([true, true]);
    const again = await visit("https://claude.ai/new", "claude");
    expect(again.nudged).toBe(false);
    await again.page.close();
  });

  it("v2 reaches the extension with the answer to its next report and takes effect within a minute", async () => {
    const published = Date.now();
    v2 = await publishPolicy(stack, V2);
    expect(v2).toBeGreaterThan(v1);

    // The device's next delivery: the background's own delivery alarm (the one a failed
    // delivery schedules) fires now, so the extension sends its pending counts and nothing else
    // first; "Send now" would fetch the policy itself before sending (tested below).
    const worker = await liveServiceWorker(browser);
    await worker.evaluate(() =>
      (
        globalThis as unknown as { chrome: { alarms: { create(name: string, info: object): Promise<void> } } }
      ).chrome.alarms.create("retry", { when: Date.now() }),
    );
    await waitForPolicy(browser, v2, 60_000);

    // The browser may tell of the exchanges a moment after the extension stored the policy.
    const after = exchanges.filter((e) => e.at >= published);
    const report = () => after.findIndex((e) => e.method === "POST" && e.path === "/api/v1/reports");
    const policy = () => after.findIndex((e) => e.path === "/api/v1/policy" && e.status === 200);
    await expect
      .poll(
        () => {
          after.splice(0, after.length, ...exchanges.filter((e) => e.at >= published));
          return report() >= 0 && policy() >= 0;
        },
        { message: "a report and a policy fetch after v2 was published" },
      )
      .toBe(true);
    // The policy was fetched because the report's answer named a new one, not before it.
    expect(policy()).toBeGreaterThan(report());
    expect(after.slice(0, report()).some((e) => e.path === "/api/v1/policy")).toBe(false);
    // Its answer named the new policy by the ETag the policy was then fetched with.
    await expect.poll(() => after[report()]?.etag).toBeTruthy();
    expect(after[report()]?.etag).toBe(after[policy()]?.etag);

    // The block rules follow at once: the next navigation to ChatGPT lands on the blocked page.
    const page = await browser.context.newPage();
    await page.goto("https://chatgpt.com/c/2").catch(() => undefined);
    await page.waitForURL(/blocked\.html\?tool=chatgpt/, { timeout: 15_000 });
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("ChatGPT is blocked at work");
    expect(stack.site.requests.some((r) => r.host === "chatgpt.com" && r.path === "/c/2")).toBe(false);
    await page.close();
    const seconds = (Date.now() - published) / 1000;
    console.log(`the new policy (v${v2}) was in force ${seconds.toFixed(1)} s after it was published`);
    expect(seconds).toBeLessThan(60);
  });

  it("a tool whose decision changed is nudged again at once; one whose decision did not keeps its cooldown", async () => {
    // Perplexity was acknowledged under v1 minutes ago: v2 restricts it, and says so now.
    const perplexity = await visit("https://www.perplexity.ai/search/2", "perplexity");
    expect(perplexity.nudged).toBe(true);
    await find(perplexity.page, "dialog", "Use an approved tool instead of Perplexity");
    await perplexity.page.close();
    // Claude's note is word for word the same under v2: its cooldown from v1 still holds.
    const claude = await visit("https://claude.ai/chat/2", "claude");
    expect(claude.nudged).toBe(false);
    expect(await claude.page.locator("shadowlight-nudge").count()).toBe(0);
    await claude.page.close();
  });

  it('"Send now" fetches the policy and the catalog before it sends', async () => {
    // v3 allows ChatGPT again. The stored catalog is dropped, as on a device that never
    // fetched it: "Send now" must fetch it again.
    const v3 = await publishPolicy(stack, { ...V1, version: 3, name: "ChatGPT allowed again" });
    const worker = await liveServiceWorker(browser);
    await worker.evaluate(() =>
      (
        globalThis as unknown as { chrome: { storage: { local: { remove(key: string): Promise<void> } } } }
      ).chrome.storage.local.remove("catalog"),
    );

    const clicked = Date.now();
    const { result, popup } = await sendNow(browser);
    expect(result).toContain("Sent");
    await popup.close();
    const storage = (await extensionStorage(browser)) as {
      policy?: { response: { policy: { version: number } } };
      catalog?: { etag: string | null; index: { tools: unknown[] } };
    };
    // Both are in storage when "Send now" reports its result: nothing was left to a later run.
    expect(storage.policy?.response.policy.version).toBe(v3);
    expect(storage.catalog?.index.tools.length).toBeGreaterThan(100);
    expect(storage.catalog?.etag).toBeTruthy();
    // In the order the answers came: the policy, then the catalog, then a report. A report the
    // extension sent on its own schedule may come first: only "Send now" must wait for both.
    const during = () => exchanges.filter((e) => e.at >= clicked && e.status >= 200 && e.status < 300);
    const next = (method: string, path: string, after: number) =>
      during().findIndex((e, index) => index > after && e.method === method && e.path === path);
    const order = () => {
      const policy = next("GET", "/api/v1/policy", -1);
      const catalog = policy < 0 ? -1 : next("GET", "/api/v1/catalog", policy);
      return { policy, catalog, report: catalog < 0 ? -1 : next("POST", "/api/v1/reports", catalog) };
    };
    await expect
      .poll(order)
      .toSatisfy(({ policy, catalog, report }) => policy >= 0 && catalog > policy && report > catalog);

    // The block rule is gone with v2: ChatGPT opens again.
    const chatgpt = await visit("https://chatgpt.com/c/3", "chatgpt");
    expect(chatgpt.nudged).toBe(false);
    expect(new URL(chatgpt.page.url()).host).toBe("chatgpt.com");
    await chatgpt.page.close();
  });
});
