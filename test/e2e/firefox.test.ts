import { randomUUID } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { zipFolder } from "../../extension/deploy/packages";
import { policyFiles } from "../../extension/deploy/policy-files/index";
import type { PolicyInput } from "../../shared/policy/schema";
import type { ReportRequest } from "../../shared/protocol";
import { type RunningWorker, startWorker } from "../../worker/dev/local";
import { GECKO_ID } from "../../wxt.config";
import { freePort } from "../support/net";
import {
  clickNode,
  closeFirefox,
  inShadowRoots,
  installFirefoxPolicy,
  launchFirefox,
  type RecordingRelay,
  requireFirefox,
  startRecordingRelay,
  startTunnelProxy,
  type TunnelProxy,
} from "./firefox";
import { ARTIFACTS, type FakeSite, startFakeSite } from "./harness";
import { pageListens } from "./page-hooks";

/*
 * Shadowlight in Debian's Firefox ESR, installed the way an organization installs it: the
 * unconfigured Firefox build as an XPI, force-installed by the policies.json that
 * `npm run policy-files` generates, which also carries the server URL and enrollment token.
 * The add-on must enroll, show the nudge on an AI tool, block a blocked tool, warn about a
 * card number pasted from the clipboard (a real copy and paste with the keyboard, so Firefox
 * fires trusted events) while a harmless paste and a page script's synthetic paste pass
 * untouched, and deliver its counts to the local worker (sent when the browser next starts).
 */
const HOSTS = ["chatgpt.com", "chat.deepseek.com", "claude.ai"];
const TOKENS = { enrollment: "ff-enrollment-token", admin: "ff-admin-token", viewer: "ff-viewer-token" };
const ADDON_UUID = randomUUID();

const POLICY: PolicyInput = {
  version: 1,
  name: "Firefox test policy",
  policyUrl: "https://intranet.example.com/ai-policy",
  rules: [
    {
      id: "block-deepseek",
      when: { tools: ["deepseek"] },
      action: "block",
      alternatives: ["claude"],
      message: "DeepSeek is not allowed for company data.",
    },
    { id: "acknowledge-chatgpt", when: { tools: ["chatgpt"] }, action: "acknowledge" },
  ],
  fallback: "allow",
  guard: {
    rules: [
      {
        id: "cards",
        when: { detectors: ["payment-card"] },
        action: "warn",
        message: "Card numbers belong in the payment system.",
      },
    ],
    fallback: "allow",
  },
};
const CARD = "4242 4242 4242 4242";
const PASTED = `Please refund the customer, card ${CARD}, order 7731.`;
const HARMLESS = "Summarize the meeting notes from Tuesday in three bullet points.";

describe("Firefox ESR with the add-on force-installed by policies.json", () => {
  let base: string;
  let site: FakeSite;
  let worker: RunningWorker;
  let serverUrl: string;
  let proxy: TunnelProxy;
  let relay: RecordingRelay;
  let restorePolicy: (() => void) | undefined;
  let browser: Browser | undefined;
  let profile: string;

  async function admin<T>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await fetch(`${serverUrl}/api/admin${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${TOKENS.admin}`, "Content-Type": "application/json" },
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  async function start(): Promise<Browser> {
    browser = await launchFirefox({ profile, proxyPort: proxy.port, addonId: GECKO_ID, addonUuid: ADDON_UUID });
    return browser;
  }

  async function openTab(url: string): Promise<Page> {
    const page = await (browser as Browser).newPage();
    // A blocked tool's navigation is redirected into the add-on, whose load puppeteer does not
    // see: the tab lands there either way, so do not wait out the default 30 s.
    await page.goto(url, { timeout: 8_000 }).catch(() => undefined);
    return page;
  }

  beforeAll(async () => {
    requireFirefox();
    mkdirSync(ARTIFACTS, { recursive: true });
    base = mkdtempSync(join(tmpdir(), "shadowlight-firefox-"));
    profile = join(base, "profile");
    const persistTo = join(base, "state");
    const port = await freePort();
    serverUrl = `http://127.0.0.1:${port}`;
    // The run's unconfigured Firefox build and a copy of its migrated database (global-setup.ts).
    const { unconfiguredFirefox, stateTemplate } = inject("e2e");
    if (!unconfiguredFirefox) throw new Error("the end-to-end global setup provided no Firefox build");
    cpSync(stateTemplate, persistTo, { recursive: true });
    site = await startFakeSite();
    worker = await startWorker({
      port,
      persistTo,
      // One test device: let the admin views show groups of one.
      vars: {
        ENROLLMENT_TOKEN: TOKENS.enrollment,
        ADMIN_TOKEN: TOKENS.admin,
        VIEWER_TOKEN: TOKENS.viewer,
        K_ANONYMITY: "1",
      },
    });
    await admin("/policy");
    await admin("/policy", { method: "POST", body: JSON.stringify({ policy: POLICY }) });
    // The group the policy file names exists once an admin made a token for it.
    const group = { label: "Firefox pilot", group: "Firefox pilot", maxDevices: 10 };
    await admin("/enrollment-tokens", { method: "POST", body: JSON.stringify(group) });

    const xpi = join(base, "shadowlight.xpi");
    writeFileSync(
      xpi,
      await zipFolder(unconfiguredFirefox).generateAsync({ type: "nodebuffer", compression: "DEFLATE" }),
    );
    // The add-on talks to the worker through a relay that keeps the reports that reached it.
    relay = await startRecordingRelay(serverUrl, "/api/v1/reports");
    const files = policyFiles({
      settings: { serverUrl: relay.url, enrollmentToken: TOKENS.enrollment, group: "Firefox pilot", reporting: true },
      targets: { firefox: { id: GECKO_ID, installUrl: pathToFileURL(xpi).href } },
    });
    const policies = [...files].find(([file]) => file.path === "firefox/policies.json")?.[1];
    if (!policies) throw new Error("no policies.json was generated");
    writeFileSync(join(base, "policies.json"), policies);
    restorePolicy = installFirefoxPolicy(join(base, "policies.json"));
    proxy = await startTunnelProxy(HOSTS, site.port);
    await start();
  }, 240_000);

  afterAll(async () => {
    if (browser) await closeFirefox(browser);
    restorePolicy?.();
    await proxy?.close();
    await relay?.close();
    await worker?.stop();
    await site?.close();
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it("the policy installs the add-on, whose managed settings enroll the device as Firefox", async () => {
    const page = await openTab("https://chatgpt.com/c/private-conversation");
    await page.waitForSelector("shadowlight-nudge", { timeout: 30_000 });
    await page.screenshot({ path: join(ARTIFACTS, "firefox-nudge.png") });
    const { devices } = await admin<{ devices: Array<{ browser: string | null; group: string | null }> }>("/devices");
    expect(devices).toEqual([expect.objectContaining({ browser: "firefox", group: "Firefox pilot" })]);
    await page.close();
  });

  it("a blocked tool lands on the add-on's blocked page", async () => {
    const page = await openTab("https://chat.deepseek.com/");
    // Puppeteer does not follow a tab into an extension page (page.url() stays as it was), and
    // extension pages forbid the eval its waitForFunction needs: ask the page, from here.
    const where = () => page.evaluate(() => location.href).catch(() => "");
    await expect.poll(where, { timeout: 15_000 }).toMatch(/^moz-extension:/);
    const url = new URL(await where());
    expect(url.host).toBe(ADDON_UUID);
    expect(url.pathname).toBe("/blocked.html");
    expect(url.searchParams.get("tool")).toBe("deepseek");
    await page.waitForSelector("h1", { timeout: 15_000 });
    await expect
      .poll(() => page.$eval("h1", (heading) => heading.textContent), { timeout: 15_000 })
      .toBe("DeepSeek Chat is blocked at work");
    await page.screenshot({ path: join(ARTIFACTS, "firefox-blocked.png") });
    await page.close();
  });

  /** The person selects `text` in another page and presses Ctrl+C: the clipboard now holds it. */
  async function copy(text: string): Promise<void> {
    const source = await (browser as Browser).newPage();
    await source.goto(`data:text/html,<textarea id="source">${encodeURIComponent(text)}</textarea>`);
    await source.click("#source");
    await shortcut(source, "a");
    await shortcut(source, "c");
    await source.close();
  }

  async function shortcut(page: Page, key: "a" | "c" | "v"): Promise<void> {
    await page.keyboard.down("Control");
    await page.keyboard.press(key);
    await page.keyboard.up("Control");
  }

  /** The person empties the tool's prompt box and presses Ctrl+V in it. */
  async function pasteInto(page: Page): Promise<void> {
    await page.bringToFront();
    await page.click("textarea");
    await shortcut(page, "a");
    await page.keyboard.press("Backspace");
    await shortcut(page, "v");
  }

  const prompt = (page: Page) => page.$eval("textarea", (box) => (box as HTMLTextAreaElement).value);
  const pastesSeen = (page: Page) =>
    page.evaluate(() => (window as unknown as { pastesSeen: Array<{ trusted: boolean; text: string }> }).pastesSeen);
  /** The guard's warning shown on the page (it lives in a closed shadow root). */
  const warnings = (page: Page) => inShadowRoots(page, "shadowlight-guard", "dialog[open]");

  it("the guard warns about a card number pasted from the clipboard, and 'paste anyway' hands it on", async () => {
    const page = await (browser as Browser).newPage();
    await page.evaluateOnNewDocument(pageListens);
    await page.goto("https://claude.ai/new");
    await copy(PASTED);
    await pasteInto(page);
    await expect.poll(async () => (await warnings(page)).length, { timeout: 30_000 }).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, "firefox-guard-warning.png") });
    // Held until the person decides: neither the prompt box nor the page has it.
    expect(await prompt(page)).toBe("");
    expect(await pastesSeen(page)).toEqual([]);
    const [pasteAnyway] = await inShadowRoots(
      page,
      "shadowlight-guard",
      'dialog[open] button[data-does="pasted_anyway"]',
    );
    if (!pasteAnyway) throw new Error("the warning has no 'paste anyway' button");
    await clickNode(page, pasteAnyway);
    await expect.poll(() => prompt(page), { timeout: 15_000 }).toBe(PASTED);
    await expect.poll(async () => (await warnings(page)).length).toBe(0);
    await page.close();
  });

  it("a harmless paste goes through untouched, and a page script's synthetic paste triggers nothing", async () => {
    const page = await (browser as Browser).newPage();
    await page.evaluateOnNewDocument(pageListens);
    await page.goto("https://claude.ai/new");
    // A synthetic paste carrying a card number: the page's own listener gets it (the guard let
    // it by in the capture phase), and no warning comes.
    const received = await page.evaluate((text) => {
      // Firefox gives a constructed paste event its own clipboardData, which the page may fill.
      const event = new ClipboardEvent("paste", { bubbles: true, cancelable: true });
      event.clipboardData?.setData("text/plain", text);
      document.querySelector("textarea")?.dispatchEvent(event);
      return (window as unknown as { pastesSeen: unknown[] }).pastesSeen;
    }, PASTED);
    expect(received).toEqual([{ trusted: false, text: PASTED }]);

    await copy(HARMLESS);
    await pasteInto(page);
    // The positive sign that the guard decided: the paste arrived, as the person made it, and
    // the page saw the browser's own event; a warning about the synthetic paste would be up by now.
    await expect.poll(() => prompt(page), { timeout: 15_000 }).toBe(HARMLESS);
    expect(await pastesSeen(page)).toEqual([
      { trusted: false, text: PASTED },
      { trusted: true, text: HARMLESS },
    ]);
    expect(await warnings(page)).toEqual([]);
    await page.close();
  });

  it("the counts reach the worker when Firefox starts again", async () => {
    if (browser) await closeFirefox(browser);
    await start();
    await expect
      .poll(
        async () => {
          const { tools } = await admin<{ tools: Array<{ id: string; events: Record<string, number> }> }>("/inventory");
          return Object.fromEntries(tools.map((tool) => [tool.id, tool.events]));
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toMatchObject({ chatgpt: { visit: 1, nudge_shown: 1 }, deepseek: { blocked: 1 } });
  });

  it("the report that reached the worker counts the warning and the paste anyway, and nothing else", async () => {
    const guardCounts = () =>
      (relay.bodies as ReportRequest[])
        .flatMap((report) => report.guard ?? [])
        .map((count) => `${count.tool} ${count.detector} ${count.outcome} ${count.n}`)
        .sort();
    await expect
      .poll(guardCounts, { timeout: 60_000, interval: 1000 })
      .toEqual(["claude payment-card pasted_anyway 1", "claude payment-card warned 1"]);
    // The relay saw the report before the worker stored it (a queued report is written by the
    // consumer's next batch): the dashboard's figures are awaited, not read once.
    await expect
      .poll(
        async () =>
          (await admin<{ guard: { byDetector: Array<Record<string, unknown>> } }>("/awareness")).guard.byDetector,
        { timeout: 60_000, interval: 1000 },
      )
      .toEqual([
        expect.objectContaining({ detector: "payment-card", warned: 1, pasted_anyway: 1, removed: 0, blocked: 0 }),
      ]);
    const sent = JSON.stringify(relay.bodies);
    for (const secret of [PASTED, CARD, CARD.replaceAll(" ", ""), HARMLESS]) expect(sent).not.toContain(secret);
  });
});
