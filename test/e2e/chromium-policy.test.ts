import { generateKeyPairSync } from "node:crypto";
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildPackages, type PackageSummary } from "../../extension/deploy/packages";
import { policyFiles } from "../../extension/deploy/policy-files/index";
import { freePort } from "../support/net";
import { ARTIFACTS, CHROMIUM, type Stack, startStack } from "./harness";
import { find } from "./screen";

/*
 * The rollout as an IT admin does it on Linux, for real: `npm run package` signs a
 * self-hosted CRX with the organization's key, `npm run policy-files` writes the Linux JSON,
 * which goes to /etc/chromium/policies/managed. Chromium then force-installs the CRX from the
 * update server named in the policy (no --load-extension), hands it the managed settings, and
 * the extension enrolls with the worker and nudges on an AI tool.
 */
const POLICY_DIR = "/etc/chromium/policies/managed";
const POLICY_FILE = join(POLICY_DIR, "shadowlight-rollout-e2e.json");

let work: string;
let stack: Stack;
let updates: Server;
let updatePort: number;
let summary: PackageSummary;
let context: BrowserContext | undefined;
const served: string[] = [];

/** One storage area of the extension, read from one of its pages. */
function storageArea(page: Page, area: "managed" | "local"): Promise<Record<string, unknown>> {
  return page.evaluate((name) => {
    type Area = { get(keys: null): Promise<Record<string, unknown>> };
    const api = (globalThis as unknown as { chrome: { storage: Record<string, Area> } }).chrome;
    return (api.storage[name] as Area).get(null);
  }, area);
}

beforeAll(async () => {
  try {
    mkdirSync(POLICY_DIR, { recursive: true });
    accessSync(POLICY_DIR, constants.W_OK);
  } catch (error) {
    throw new Error(
      `this test writes Chromium's enterprise policy to ${POLICY_DIR}, which needs root (CI runs as root): ${(error as Error).message}`,
    );
  }
  work = mkdtempSync(join(tmpdir(), "shadowlight-rollout-"));
  const keyFile = join(work, "crx.pem");
  writeFileSync(
    keyFile,
    generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }),
  );
  updatePort = await freePort();
  const packages = join(work, "packages");
  updates = createServer((request, response) => {
    const name = (request.url ?? "/").replace(/^\/+/, "").split("?")[0] ?? "";
    served.push(name);
    try {
      const body = readFileSync(join(packages, name.replace(/[^\w.-]/g, "")));
      response.writeHead(200, {
        "Content-Type": name.endsWith(".xml") ? "text/xml" : "application/x-chrome-extension",
      });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => updates.listen(updatePort, "127.0.0.1", resolve));
  [stack, summary] = await Promise.all([
    startStack(),
    buildPackages({ outDir: packages, crxKey: keyFile, updateUrl: `http://127.0.0.1:${updatePort}/` }),
  ]);
  // The group the policy file names exists once an admin made a token for it.
  const created = await fetch(`${stack.serverUrl}/api/admin/enrollment-tokens`, {
    method: "POST",
    headers: { Authorization: `Bearer ${stack.tokens.admin}`, "Content-Type": "application/json" },
    body: JSON.stringify({ label: "Pilot", group: "Pilot", maxDevices: 10 }),
  });
  if (created.status !== 201) throw new Error(`the Pilot group's token: ${created.status} ${await created.text()}`);
}, 240_000);

afterAll(async () => {
  await context?.close();
  rmSync(POLICY_FILE, { force: true });
  await new Promise((resolve) => updates?.close(resolve));
  await stack?.close();
  rmSync(work, { recursive: true, force: true });
});

it("Chromium force-installs the self-hosted CRX from the generated Linux policy and applies its settings", async () => {
  const id = summary.chromeId as string;
  const files = policyFiles({
    settings: {
      serverUrl: stack.serverUrl,
      enrollmentToken: stack.tokens.enrollment,
      group: "Pilot",
      reporting: true,
    },
    targets: { chrome: { id, updateUrl: `http://127.0.0.1:${updatePort}/updates.xml` } },
  });
  const linux = [...files].find(([file]) => file.path === "chrome/linux/shadowlight.json")?.[1];
  if (!linux) throw new Error("no Linux policy was generated");
  writeFileSync(POLICY_FILE, linux);

  const profile = join(work, "profile");
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    // Playwright turns extensions and background networking (which fetches force-installed
    // extensions) off by default; a managed browser has both.
    ignoreDefaultArgs: ["--disable-extensions", "--disable-background-networking", "--disable-component-update"],
    args: [
      `--host-resolver-rules=MAP chatgpt.com 127.0.0.1:${stack.site.port}`,
      "--ignore-certificate-errors",
      "--headless=new",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--lang=en-US",
    ],
  });
  // The extension arrives a few seconds after start, once Chromium has fetched updates.xml and
  // the CRX: its options page then loads, and from it the extension's storage can be read.
  await expect.poll(() => served, { timeout: 60_000 }).toContain(`shadowlight-${summary.version}.crx`);
  // Until the extension is installed, its pages fail to load (ERR_BLOCKED_BY_CLIENT); each try
  // takes a fresh tab.
  const deadline = Date.now() + 60_000;
  let options: Page | undefined;
  const errors: string[] = [];
  while (!options && Date.now() < deadline) {
    const tab = await context.newPage();
    try {
      await tab.goto(`chrome-extension://${id}/options.html`);
      options = tab;
    } catch (error) {
      errors.push((error as Error).message.split("\n")[0] ?? "");
      await tab.close();
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
  if (!options) throw new Error(`the force-installed extension never loaded: ${errors.slice(-3).join("; ")}`);
  expect(served[0]).toBe("updates.xml");

  // Chromium hands a newly installed extension its policy a moment after it starts.
  await expect
    .poll(() => storageArea(options as Page, "managed"), { timeout: 30_000 })
    .toEqual({
      serverUrl: stack.serverUrl,
      enrollmentToken: stack.tokens.enrollment,
      group: "Pilot",
      reporting: true,
    });
  await expect
    .poll(async () => Boolean((await storageArea(options as Page, "local")).device), {
      timeout: 30_000,
    })
    .toBe(true);
  expect(await options.getByText("set by your administrator").count()).toBe(4);

  const page = await context.newPage();
  await page.goto("https://chatgpt.com/");
  // The nudge is in a closed shadow root: found as a screen reader finds it.
  await find(page, "dialog", "Before you use ChatGPT");
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, "policy-force-installed-nudge.png") });
});
