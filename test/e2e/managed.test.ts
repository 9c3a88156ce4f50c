import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import type { CounterBook } from "../../extension/lib/counters";
import type { DiscoveryRuns } from "../../extension/lib/state";
import { dayOf } from "../../shared/day";
import { CHROME_EXTENSION_ID } from "../../wxt.config";
import {
  ARTIFACTS,
  adminGet,
  type Browser,
  extensionStorage,
  launchBrowser,
  type Stack,
  startStack,
  testExtension,
} from "./harness";
import { find } from "./screen";

/*
 * Managed settings for real: Debian's Chromium reads enterprise policy from
 * /etc/chromium/policies/managed, and hands `3rdparty.extensions.<id>` to the extension's
 * storage.managed. The extension here is an unconfigured build, as from a store.
 */
const POLICY_DIR = "/etc/chromium/policies/managed";
const POLICY_FILE = join(POLICY_DIR, "shadowlight-e2e.json");

/** Fails with the reason when Chromium's policy folder cannot be written (it needs root, as CI has). */
function ensurePolicyFolder(): void {
  try {
    mkdirSync(POLICY_DIR, { recursive: true });
    accessSync(POLICY_DIR, constants.W_OK);
  } catch (error) {
    throw new Error(
      `managed settings need Chromium's policy folder ${POLICY_DIR} to be writable (run the end-to-end tests as root, as CI does): ${(error as Error).message}`,
    );
  }
}

function writePolicy(settings: Record<string, unknown>): void {
  writeFileSync(POLICY_FILE, JSON.stringify({ "3rdparty": { extensions: { [CHROME_EXTENSION_ID]: settings } } }));
}

describe("managed settings (enterprise policy)", () => {
  let stack: Stack;
  const unconfigured = inject("e2e").unconfigured;
  let browser: Browser | undefined;

  beforeAll(async () => {
    ensurePolicyFolder();
    mkdirSync(ARTIFACTS, { recursive: true });
    stack = await startStack();
  });

  afterEach(async () => {
    await browser?.close();
    browser = undefined;
    rmSync(POLICY_FILE, { force: true });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it("enrolls with the managed server, token and group, and locks those fields", async () => {
    // A group exists once an admin made a token for it; a managed group may pick it.
    const created = await fetch(`${stack.serverUrl}/api/admin/enrollment-tokens`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${stack.tokens.admin}` },
      body: JSON.stringify({ label: "Finance laptops", group: "Finance", maxDevices: 10 }),
    });
    expect(created.status).toBe(201);
    writePolicy({ serverUrl: stack.serverUrl, enrollmentToken: stack.tokens.enrollment, group: "Finance" });
    browser = await launchBrowser(unconfigured, ["chatgpt.com"], stack.site.port);
    expect(browser.extensionId).toBe(CHROME_EXTENSION_ID);
    const page = await browser.context.newPage();
    await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
    const group = page.getByLabel("Group (optional)");
    await expect.poll(() => group.inputValue(), { timeout: 20_000 }).toBe("Finance");
    expect(await group.isDisabled()).toBe(true);
    expect(await page.getByText("set by your administrator").count()).toBe(3);
    await page.screenshot({ path: `${ARTIFACTS}/options-managed.png`, fullPage: true });

    const enrolled = async () =>
      ((await extensionStorage(browser as Browser)).device as { deviceId: string } | null)?.deviceId;
    await expect.poll(enrolled, { timeout: 20_000 }).toBeTruthy();
    // The group the server decided is what the device shows.
    await page.getByTestId("standing").filter({ hasText: "Group: Finance" }).waitFor({ timeout: 20_000 });
    // Groups under k devices are withheld from every admin view: four more Finance devices
    // make the group visible, and it must then hold the browser's enrollment too.
    for (let i = 0; i < 4; i++) {
      await fetch(`${stack.serverUrl}/api/v1/enroll`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ token: stack.tokens.enrollment, group: "Finance" }),
      });
    }
    const { devices } = await adminGet<{ devices: Array<{ id: string; group: string | null }> }>(stack, "/devices");
    const deviceId = await enrolled();
    expect(devices.find((device) => device.id === deviceId)?.group).toBe("Finance");
    expect(new Set(devices.map((device) => device.group))).toEqual(new Set(["Finance"]));
  });

  it("refuses malformed managed values with a visible message and keeps working", async () => {
    writePolicy({
      serverUrl: "javascript:alert(1)",
      group: "<b>Finance</b>",
      enrollmentToken: stack.tokens.enrollment,
    });
    browser = await launchBrowser(unconfigured, ["chatgpt.com"], stack.site.port);
    const page = await browser.context.newPage();
    await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
    const problems = page.getByTestId("settings-problems");
    await expect.poll(() => problems.count(), { timeout: 20_000 }).toBe(1);
    const text = (await problems.textContent()) ?? "";
    expect(text).toContain("managed policy: serverUrl must be an http(s) URL");
    expect(text).toContain("managed policy: group must be letters");
    await page.screenshot({ path: `${ARTIFACTS}/options-refused.png`, fullPage: true });
    // The refused values are not in force: no server, nothing sent, nudges still shown.
    expect((await extensionStorage(browser)).device ?? null).toBeNull();
    const site = await browser.context.newPage();
    await site.goto("https://chatgpt.com/");
    await find(site, "dialog", "Before you use ChatGPT");
  });

  it("a managed setting turns the extension census off: the list is never read, no extension count kept", async () => {
    const work = mkdtempSync(join(tmpdir(), "shadowlight-census-off-"));
    try {
      const other = testExtension(work, "GPT Writing Helper", "Drafts with AI on every page.");
      writePolicy({ serverUrl: stack.serverUrl, enrollmentToken: stack.tokens.enrollment, extensionCensus: false });
      browser = await launchBrowser(unconfigured, [], stack.site.port, { otherExtensions: [other.path] });
      // The positive sign: the census decided today, after the managed settings arrived.
      const storage = async () => extensionStorage(browser as Browser);
      await expect
        .poll(async () => ((await storage()).discovery as DiscoveryRuns | undefined)?.censusDay, { timeout: 20_000 })
        .toBe(dayOf(Date.now()));
      const { discovery, counters } = (await storage()) as { discovery: DiscoveryRuns; counters?: CounterBook };
      expect(discovery.censusOff).toBe(true);
      const keys = Object.values(counters ?? {}).flatMap((day) => Object.keys(day));
      expect(keys.filter((key) => key.startsWith("x\t"))).toEqual([]);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
