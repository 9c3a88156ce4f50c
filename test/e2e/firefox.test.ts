import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { zipFolder } from "../../extension/deploy/packages";
import { policyFiles } from "../../extension/deploy/policy-files/index";
import type { PolicyInput } from "../../shared/policy/schema";
import { applyMigrations, buildExtension, type RunningWorker, startWorker } from "../../worker/dev/local";
import { GECKO_ID } from "../../wxt.config";
import { freePort } from "../support/net";
import {
  closeFirefox,
  installFirefoxPolicy,
  launchFirefox,
  requireFirefox,
  startTunnelProxy,
  type TunnelProxy,
} from "./firefox";
import { ARTIFACTS, type FakeSite, startFakeSite } from "./harness";

/*
 * Shadowlight in Debian's Firefox ESR, installed the way an organization installs it: the
 * unconfigured Firefox build as an XPI, force-installed by the policies.json that
 * `npm run policy-files` generates, which also carries the server URL and enrollment token.
 * The add-on must enroll, show the nudge on an AI tool, block a blocked tool, and deliver its
 * counts to the local worker (sent when the browser next starts).
 */
const HOSTS = ["chatgpt.com", "chat.deepseek.com"];
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
};

describe("Firefox ESR with the add-on force-installed by policies.json", () => {
  let base: string;
  let site: FakeSite;
  let worker: RunningWorker;
  let serverUrl: string;
  let proxy: TunnelProxy;
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
    let built: { firefox: string };
    [site, built] = await Promise.all([
      startFakeSite(),
      buildExtension({ serverUrl: "", enrollmentToken: "", outDir: join(base, "extension") }),
      applyMigrations(persistTo),
    ]);
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
    writeFileSync(xpi, await zipFolder(built.firefox).generateAsync({ type: "nodebuffer", compression: "DEFLATE" }));
    const files = policyFiles({
      settings: { serverUrl, enrollmentToken: TOKENS.enrollment, group: "Firefox pilot", reporting: true },
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
});
