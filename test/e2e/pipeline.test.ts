import type { Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import defaultPolicy from "../../policies/dist/default-policy.json";
import indexJson from "../../policies/dist/index.json";
import type { CompiledIndex } from "../../shared/catalog/compile";
import { evaluatePolicy } from "../../shared/policy/evaluate";
import { type Policy, policySchema } from "../../shared/policy/schema";
import {
  ARTIFACTS,
  adminGet,
  type Browser,
  decided,
  deviceCounts,
  expectReportsAreCounts,
  openSession,
  type Stack,
  sendNow,
} from "./harness";
import { extensionWorlds, find, gone, onElement, press, textOf } from "./screen";

const index = indexJson as unknown as CompiledIndex;
const policy: Policy = policySchema.parse(defaultPolicy);
const decisionOf = (id: string) => {
  const tool = index.tools.find((t) => t.id === id);
  if (!tool) throw new Error(`${id} is not in the catalog`);
  return evaluatePolicy(policy, tool);
};

const AI_TOOL = "chatgpt";
const AI_URL = "https://chatgpt.com/c/private-conversation-4711?q=merger+plan";
const NON_AI_URL = "https://www.example.org/news/chatgpt-article";

describe("the pipeline, end to end", () => {
  let stack: Stack;
  let browser: Browser;
  const sent: Array<{ url: string; body: string; headers: Record<string, string> }> = [];

  beforeAll(async () => {
    ({ stack, browser } = await openSession({
      vars: { K_ANONYMITY: "1" },
      hosts: ["chatgpt.com", "www.example.org"],
      watch: (opened, started) =>
        opened.context.on("request", (request: Request) => {
          if (request.url().startsWith(started.serverUrl)) {
            sent.push({ url: request.url(), body: request.postData() ?? "", headers: request.headers() });
          }
        }),
    }));
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it("shows the policy on an AI tool and counts the acknowledgement", async () => {
    expect(decisionOf(AI_TOOL).action).toBe("acknowledge");
    const page = await browser.context.newPage();
    await page.goto(AI_URL);
    const dialog = await find(page, "dialog", "Before you use ChatGPT");
    expect(await textOf(page, dialog)).toContain("has not been reviewed");
    await page.screenshot({ path: `${ARTIFACTS}/nudge-acknowledge.png` });
    // Keyboard: focus starts on the primary button and Tab never leaves the dialog.
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press(i % 2 ? "Shift+Tab" : "Tab");
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("SHADOWLIGHT-NUDGE");
    }
    // The nudge's own styles hold against the page's hostile CSS (red, unset buttons).
    const button = await find(page, "button", "I understand and will follow the policy");
    expect(await onElement(page, button, "function () { return getComputedStyle(this).color; }")).toBe(
      "rgb(255, 255, 255)",
    );
    await press(page, button);
    await gone(page, "dialog", "Before you use ChatGPT");
    // Acknowledged once per policy version: on a reload the extension decides no nudge.
    const since = Date.now();
    await page.reload();
    expect(await decided(browser, AI_TOOL, since)).toBe(false);
    expect(await page.locator("shadowlight-nudge").count()).toBe(0);
    await page.close();
    // Counting happens in the service worker, a moment after the page: wait for it.
    await expect
      .poll(() => deviceCounts(browser), { timeout: 10_000 })
      .toEqual({
        "chatgpt visit v1": 2,
        "chatgpt nudge_shown v1": 1,
        "chatgpt acknowledged v1": 1,
      });
  });

  it("does nothing on a page outside the catalog", async () => {
    const page = await browser.context.newPage();
    // Content scripts run at document_end, before load: after load, no script world of the
    // extension means it does not run on this page at all (nudges.test.ts shows the world on
    // a catalog page).
    await page.goto(NON_AI_URL, { waitUntil: "load" });
    expect(await extensionWorlds(page, browser.extensionId)).toBe(0);
    expect(await page.locator("shadowlight-nudge").count()).toBe(0);
    await page.close();
  });

  it("sends the counts with Send now and the tool appears in the inventory and the dashboard", async () => {
    const { result, popup } = await sendNow(browser);
    expect(result).toMatch(/^Sent/);
    await popup.screenshot({ path: `${ARTIFACTS}/popup-sent.png`, fullPage: true });
    const lastSent = await popup.getByTestId("last-sent").textContent();
    expect(lastSent).toContain(AI_TOOL);
    await popup.close();

    // Reports are queued (the default INGEST_MODE): the consumer writes them within seconds.
    const inventory = async () => {
      const { tools } = await adminGet<{
        tools: Array<{ id: string; visits: number; devices: number; events: Record<string, number> }>;
      }>(stack, "/inventory");
      const tool = tools.find((t) => t.id === AI_TOOL);
      return {
        tools: tools.map((t) => t.id),
        visits: tool?.visits,
        devices: tool?.devices,
        acknowledged: tool?.events.acknowledged,
        shown: tool?.events.nudge_shown,
      };
    };
    await expect
      .poll(inventory, { timeout: 20_000 })
      .toEqual({ tools: [AI_TOOL], visits: 2, devices: 1, acknowledged: 1, shown: 1 });

    const dashboard = await browser.context.newPage();
    await dashboard.goto(`${stack.serverUrl}/#token=${stack.tokens.admin}`);
    await dashboard.locator(`tr[data-tool="${AI_TOOL}"]`).waitFor({ timeout: 15_000 });
    expect(dashboard.url()).not.toContain("token=");
    await dashboard.goto(`${stack.serverUrl}/#/inventory`);
    const row = dashboard.locator(`table tr[data-tool="${AI_TOOL}"]`);
    await row.waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toContain("ChatGPT");
    await dashboard.screenshot({ path: `${ARTIFACTS}/pipeline-inventory.png`, fullPage: true });
    await dashboard.close();
  });

  it("sent nothing but counts: no path, query, title, page text or e-mail left the browser", () => {
    const reports = sent.filter((r) => r.url.endsWith("/api/v1/reports"));
    expect(reports.length).toBeGreaterThan(0);
    expectReportsAreCounts(sent);
    for (const request of sent) {
      const everything = `${request.url}\n${request.body}\n${JSON.stringify(request.headers)}`;
      for (const secret of [
        "private-conversation",
        "4711",
        "merger",
        "Private project plan",
        "alice@example.com",
        "Confidential",
        "secret prompt",
        "chatgpt-article",
        "example.org",
      ]) {
        expect(everything).not.toContain(secret);
      }
    }
  });
});
