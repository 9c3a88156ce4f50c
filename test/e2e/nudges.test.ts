import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PolicyInput } from "../../shared/policy/schema";
import {
  ARTIFACTS,
  adminGet,
  adminPut,
  type Browser,
  decided,
  deviceCounts,
  expectOnlyCounts,
  openSession,
  type Stack,
  sendNow,
  type Traffic,
} from "./harness";
import { extensionWorlds, find, gone, press, pressNamed, query, textOf } from "./screen";

/** Opens the popup and reads the line of its review requests about `tool`: its state and words. */
async function reviewRequestState(
  browser: Browser,
  tool: string,
  screenshot?: string,
): Promise<{ state: string | null; text: string }> {
  const popup = await browser.context.newPage();
  await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`);
  const line = popup.getByTestId("review-requests").locator(`li[data-tool="${tool}"]`);
  await line.waitFor({ timeout: 15_000 });
  const result = { state: await line.getAttribute("data-state"), text: (await line.textContent()) ?? "" };
  if (screenshot) await popup.screenshot({ path: `${ARTIFACTS}/${screenshot}`, fullPage: true });
  await popup.close();
  return result;
}

/*
 * Every nudge, in the real browser: what a person sees, what each click does, and what gets
 * counted. The organization publishes a policy with one rule per action before the browser
 * starts, so the extension's first synchronization fetches it.
 */
const POLICY: PolicyInput = {
  version: 1,
  name: "Nudge test policy",
  policyUrl: "https://intranet.example.com/ai-policy",
  reasons: [
    { id: "evaluating", label: "I am evaluating this tool for my team" },
    { id: "customer-requirement", label: "A customer requires this tool" },
  ],
  rules: [
    {
      id: "inform-perplexity",
      when: { tools: ["perplexity"] },
      action: "inform",
      message: "Perplexity is fine for public questions.",
    },
    {
      id: "justify-midjourney",
      when: { tools: ["midjourney"] },
      action: "justify",
      message: "Image tools need a reason.",
    },
    {
      id: "redirect-poe",
      when: { tools: ["poe"] },
      action: "redirect",
      alternatives: ["claude"],
      message: "Use Claude, our approved assistant.",
    },
    {
      id: "block-deepseek",
      when: { tools: ["deepseek"] },
      action: "block",
      alternatives: ["claude"],
      message: "DeepSeek is not allowed for company data.",
    },
    { id: "allow-claude", when: { tools: ["claude"] }, action: "allow" },
  ],
  fallback: "allow",
};

const HOSTS = [
  "www.perplexity.ai",
  "perplexity.ai",
  "www.midjourney.com",
  "midjourney.com",
  "poe.com",
  "claude.ai",
  "chat.deepseek.com",
  "www.deepseek.com",
  "deepseek.com",
  "www.example.org",
];

describe("nudges for every action", () => {
  let stack: Stack;
  let browser: Browser;
  let version = 0;
  let traffic: Traffic[] = [];

  beforeAll(async () => {
    ({ stack, browser, version, traffic } = await openSession({
      vars: { K_ANONYMITY: "1" },
      policy: POLICY,
      hosts: HOSTS,
      recordTraffic: true,
    }));
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  async function open(url: string): Promise<{ page: Page; shownMs: number }> {
    const page = await browser.context.newPage();
    await page.goto(url);
    await page.locator("shadowlight-nudge").waitFor({ state: "attached", timeout: 15_000 });
    // performance.now() counts from the navigation's start: the time the page waited for the nudge.
    const shownMs = await page.evaluate(() => performance.now());
    return { page, shownMs };
  }

  const counts = () => deviceCounts(browser);

  it("inform: a dismissable banner that leaves the page usable", async () => {
    const { page, shownMs } = await open("https://www.perplexity.ai/search/abc");
    console.log(`inform banner shown ${shownMs.toFixed(0)} ms after navigation start`);
    const banner = await find(page, "region", "A note on using Perplexity at work");
    expect(await textOf(page, banner)).toContain("Perplexity is fine for public questions.");
    expect(await query(page, "dialog")).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/nudge-inform.png` });
    await page.keyboard.press("Tab");
    await pressNamed(page, "button", "Got it");
    await gone(page, "region", "A note on using Perplexity at work");
    await expect.poll(counts).toMatchObject({ [`perplexity dismissed v${version}`]: 1 });
    await page.close();
  });

  it("justify: only a reason from the policy's list, counted as an exception request", async () => {
    const { page } = await open("https://www.midjourney.com/imagine");
    await find(page, "dialog", "Why do you need Midjourney?");
    expect((await find(page, "button", "Continue")).disabled).toBe(true);
    await pressNamed(page, "radio", "I am evaluating this tool for my team");
    await expect
      .poll(async () => (await find(page, "radio", "I am evaluating this tool for my team")).checked)
      .toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/nudge-justify.png` });
    await press(page, await find(page, "button", "Continue"));
    await gone(page, "dialog", "Why do you need Midjourney?");
    await expect.poll(counts).toMatchObject({
      [`midjourney justified v${version}`]: 1,
      [`midjourney reason:evaluating v${version}`]: 1,
    });
    await page.close();
  });

  it("redirect: offers the approved alternative and goes there", async () => {
    const { page } = await open("https://poe.com/chat/xyz");
    const dialog = await find(page, "dialog", "Use an approved tool instead of Poe");
    expect(await textOf(page, dialog)).toContain("Use Claude, our approved assistant.");
    await page.screenshot({ path: `${ARTIFACTS}/nudge-redirect.png` });
    const since = Date.now();
    await pressNamed(page, "button", "Open Claude");
    await page.waitForURL(/claude\.ai/);
    await expect.poll(counts).toMatchObject({ [`poe redirected v${version}`]: 1 });
    // The approved tool is allowed: the extension decides no nudge, and nothing is injected there.
    expect(await decided(browser, "claude", since)).toBe(false);
    expect(await page.locator("shadowlight-nudge").count()).toBe(0);
    await page.close();
  });

  it("block: the browser lands on the blocked page, which explains and lets the person ask for a review", async () => {
    const page = await browser.context.newPage();
    await page.goto("https://chat.deepseek.com/a/chat/s/123").catch(() => undefined);
    await page.waitForURL(/blocked\.html\?tool=deepseek/, { timeout: 15_000 });
    const heading = page.getByRole("heading", { level: 1 });
    expect(await heading.textContent()).toBe("DeepSeek Chat is blocked at work");
    expect(await page.getByRole("link", { name: "Claude" }).getAttribute("href")).toMatch(/claude\.ai/);
    expect(stack.site.requests.some((r) => r.host.endsWith("deepseek.com"))).toBe(false);
    await page.getByRole("button", { name: "Ask for a review of this tool" }).click();
    await page.getByRole("status").waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/blocked-page.png` });
    await expect.poll(counts).toMatchObject({
      [`deepseek blocked v${version}`]: 1,
      [`deepseek review_requested v${version}`]: 1,
    });
    await page.close();
    // The popup remembers the request; the server does not know of it before the next report.
    expect(await reviewRequestState(browser, "deepseek")).toMatchObject({
      state: "waiting",
      text: expect.stringMatching(/not yet sent/),
    });
  });

  it("allow and non-AI pages: nothing injected", async () => {
    // An allowed tool: the content script asks, the extension decides no nudge, nothing appears.
    const allowed = await browser.context.newPage();
    const since = Date.now();
    await allowed.goto("https://claude.ai/new");
    expect(await decided(browser, "claude", since)).toBe(false);
    expect(await allowed.locator("shadowlight-nudge").count()).toBe(0);
    expect(await extensionWorlds(allowed, browser.extensionId)).toBe(1);
    await allowed.close();
    // Outside the catalog the extension does not even run: once the page has loaded (content
    // scripts run at document_start, long before load), there is no script world of the extension.
    const other = await browser.context.newPage();
    await other.goto("https://www.example.org/", { waitUntil: "load" });
    expect(await extensionWorlds(other, browser.extensionId)).toBe(0);
    expect(await other.locator("shadowlight-nudge").count()).toBe(0);
    await other.close();
  });

  it("reports every outcome to the server", async () => {
    const { result, popup } = await sendNow(browser);
    await popup.close();
    expect(result).toMatch(/^Sent/);
    // Reports are queued (the default INGEST_MODE): wait until the consumer wrote this one.
    const events = async () => {
      const { tools } = await adminGet<{ tools: Array<{ id: string; events: Record<string, number> }> }>(
        stack,
        "/inventory",
      );
      return Object.fromEntries(tools.map((tool) => [tool.id, tool.events]));
    };
    await expect.poll(async () => (await events()).deepseek?.review_requested, { timeout: 20_000 }).toBe(1);
    const reported = await events();
    expect(reported.perplexity).toMatchObject({ visit: 1, nudge_shown: 1, dismissed: 1 });
    expect(reported.midjourney).toMatchObject({ visit: 1, nudge_shown: 1, justified: 1 });
    expect(reported.poe).toMatchObject({ visit: 1, nudge_shown: 1, redirected: 1 });
    expect(reported.deepseek).toMatchObject({ blocked: 1, review_requested: 1 });
    expect(reported.deepseek?.visit).toBeUndefined();
    // Once through the redirect, once opened directly.
    expect(reported.claude).toMatchObject({ visit: 2 });
    // Nothing but counts left the browser: not the paths, queries or page content visited.
    expectOnlyCounts(traffic, ["/search/abc", "/imagine", "/chat/xyz", "s/123", "/new"]);
  });

  it("the review request: queued for the security team, taken up, decided, and the popup follows it", async () => {
    const queue = async () =>
      (await adminGet<{ requests: Array<{ tool: string; state: string }> }>(stack, "/review-requests")).requests;
    expect(await queue()).toContainEqual(expect.objectContaining({ tool: "deepseek", state: "open" }));
    expect(await reviewRequestState(browser, "deepseek")).toMatchObject({
      state: "open",
      text: expect.stringMatching(/waiting for the security team/),
    });
    await adminPut(stack, "/review-requests/deepseek", { state: "in_review", owner: "secops@example.com" });
    expect(await reviewRequestState(browser, "deepseek")).toMatchObject({
      state: "in_review",
      text: expect.stringMatching(/being reviewed/),
    });
    await adminPut(stack, "/tools/deepseek/review", { status: "banned", notes: "Data stored where we may not." });
    expect(await queue()).toContainEqual(expect.objectContaining({ tool: "deepseek", state: "closed" }));
    expect(await reviewRequestState(browser, "deepseek", "popup-review-requests.png")).toMatchObject({
      state: "closed",
      text: expect.stringMatching(/decided: banned/),
    });
  });
});
