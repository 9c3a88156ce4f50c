/**
 * `npm run screenshots`: the README's pictures, taken from `npm run demo` in Debian's Chromium.
 * Seeds the demo again (the same organization, so the pictures change only with the product
 * and the calendar) and starts it on a free port, opens the dashboard's main views signed in
 * as an admin, then loads the demo's built extension and opens AI tools, whose hostnames a
 * local HTTPS page stands in for, so the nudges and the blocked page appear as an employee
 * sees them. Writes `test/screenshots/*.png` and stops the demo. The browser's extension
 * enrolls as one more device of the demo (after the dashboard's pictures were taken).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Page } from "playwright-core";
import { ensureDevVars, ROOT } from "../../worker/dev/local";
import { find } from "../e2e/screen";
import { type Browser, CHROMIUM, launchBrowser, startFakeSite } from "../support/chromium";
import { freePort } from "../support/net";

const OUT = join(ROOT, "test", "screenshots");
const VIEWPORT = { width: 1440, height: 900 };

/**
 * The dashboard views, by route, with the heading that says the view has rendered; `from`
 * names the text the picture starts at (the top of the view otherwise), `height` its height.
 */
const VIEWS: Array<{ name: string; route: string; heading: string; from?: string; height?: number }> = [
  { name: "overview", route: "overview", heading: "Overview", height: 1300 },
  { name: "inventory", route: "inventory", heading: "Inventory" },
  { name: "tool", route: "tools/cursor", heading: "Cursor", height: 1400 },
  { name: "awareness", route: "awareness", heading: "Awareness", height: 1400 },
  { name: "evidence", route: "evidence", heading: "Evidence" },
  { name: "policy", route: "policy", heading: "Policy", from: "Rules, first match wins", height: 1100 },
];

/** What an employee meets under the demo's policy v2 and reviews. */
const NUDGES = [
  { name: "nudge-inform", url: "https://claude.ai/new", role: "region" },
  { name: "nudge-acknowledge", url: "https://www.perplexity.ai/", role: "dialog" },
  { name: "nudge-justify", url: "https://fireflies.ai/", role: "dialog" },
  { name: "nudge-redirect", url: "https://www.midjourney.com/imagine", role: "dialog" },
];
const HOSTS = ["claude.ai", "www.perplexity.ai", "fireflies.ai", "www.midjourney.com", "chat.deepseek.com"];

/** The page the fake site serves in place of each AI tool. */
const standIn = (host: string) => `<!doctype html><html lang="en"><head><title>${host}</title><style>
body{margin:0;font:15px system-ui,sans-serif;background:#f7f7f8;color:#222}
header{padding:14px 24px;border-bottom:1px solid #ddd;background:#fff;font-weight:600}
main{max-width:720px;margin:48px auto;padding:0 24px}
.bubble{background:#fff;border:1px solid #e3e3e3;border-radius:12px;padding:14px 16px;margin:12px 0}
textarea{width:100%;height:90px;border-radius:12px;border:1px solid #ccc;padding:12px;font:inherit;box-sizing:border-box}
.note{color:#777;font-size:13px}</style></head><body><header>${host}</header><main>
<p class="bubble">How can I help you today?</p><textarea placeholder="Message"></textarea>
<p class="note">A local page standing in for ${host} in the Shadowlight demo.</p></main></body></html>`;

/** Starts `npm run demo` on `port` and resolves once it prints that it is running. */
function startDemo(port: number, args: string[]): Promise<ChildProcess> {
  const child = spawn(join(ROOT, "node_modules", ".bin", "tsx"), ["worker/dev/demo.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const seen = (chunk: Buffer) => {
      output += chunk;
      if (output.includes("demo is running")) resolve(child);
    };
    child.stdout?.on("data", seen);
    child.stderr?.on("data", seen);
    child.on("exit", (code) => reject(new Error(`npm run demo exited (${code}) before it was running:\n${output}`)));
  });
}

function stopDemo(child: ChildProcess): void {
  try {
    if (child.pid) process.kill(-child.pid, "SIGTERM");
  } catch {
    // Already gone.
  }
}

/** Waits for the view's heading and until no part of it is still loading. */
async function settle(page: Page, heading: string): Promise<void> {
  await page.locator("main h2", { hasText: heading }).first().waitFor({ timeout: 30_000 });
  await page.waitForFunction(() => document.querySelectorAll('[role="status"].loading').length === 0);
  await page.waitForLoadState("networkidle");
}

/** The dashboard's views in a browser without the extension, signed in as an admin. */
async function dashboard(serverUrl: string): Promise<void> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--lang=en-US"],
  });
  try {
    const context = await browser.newContext({ viewport: VIEWPORT, locale: "en-US", timezoneId: "UTC" });
    const admin = ensureDevVars().vars.ADMIN_TOKEN;
    await context.addInitScript((token) => sessionStorage.setItem("shadowlight.adminToken", token), admin);
    for (const view of VIEWS) {
      const page = await context.newPage();
      await page.goto(`${serverUrl}/#/${view.route}`);
      await settle(page, view.heading);
      const top = view.from ? ((await page.getByText(view.from).first().boundingBox())?.y ?? 0) - 24 : 0;
      const { height } = await page.evaluate(() => ({ height: document.documentElement.scrollHeight }));
      const clip = {
        x: 0,
        y: top,
        width: VIEWPORT.width,
        height: Math.min(view.height ?? VIEWPORT.height, height - top),
      };
      await page.screenshot({ path: join(OUT, `${view.name}.png`), fullPage: true, clip });
      console.log(`  ${view.name}.png`);
      await page.close();
    }
  } finally {
    await browser.close();
  }
}

mkdirSync(OUT, { recursive: true });
const port = await freePort();
console.log(`Seeding and starting the demo on port ${port}…`);
const demo = await startDemo(port, ["--reseed"]);
const serverUrl = `http://127.0.0.1:${port}`;
const site = await startFakeSite(standIn);
let browser: Browser | undefined;
try {
  await dashboard(serverUrl);
  browser = await launchBrowser(join(ROOT, ".output", "chrome-mv3"), HOSTS, site.port);

  // The extension enrolled when the browser started; the nudges follow the policy it fetched.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { policy } = await browser.serviceWorker.evaluate(() => {
      const api = (globalThis as unknown as { chrome: { storage: { local: { get(key: string): Promise<unknown> } } } })
        .chrome;
      return api.storage.local.get("policy") as Promise<{ policy?: { response: { policy: { version: number } } } }>;
    });
    if (policy?.response.policy.version === 2) break;
    if (Date.now() > deadline) throw new Error("the extension never fetched the demo's policy v2");
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  for (const nudge of NUDGES) {
    const page = await browser.context.newPage();
    await page.goto(nudge.url);
    await find(page, nudge.role);
    // The nudge fades in: wait until every animation on the page has finished.
    await page.waitForFunction(() => document.getAnimations().every((animation) => animation.playState === "finished"));
    await page.screenshot({ path: join(OUT, `${nudge.name}.png`) });
    console.log(`  ${nudge.name}.png`);
    await page.close();
  }
  const blocked = await browser.context.newPage();
  await blocked.goto("https://chat.deepseek.com/").catch(() => undefined);
  await blocked.waitForURL(/blocked\.html/, { timeout: 15_000 });
  await blocked.getByRole("heading", { level: 1 }).waitFor();
  await blocked.screenshot({ path: join(OUT, "blocked.png") });
  console.log("  blocked.png");
  await blocked.close();
  console.log(`Screenshots written to ${OUT}`);
} finally {
  await browser?.close();
  await site.close();
  stopDemo(demo);
}
