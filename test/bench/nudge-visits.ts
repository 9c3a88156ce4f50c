/**
 * The pages, visits and browsers of `npm run bench:nudge` (nudge.ts): a fake AI tool's page
 * that times the nudge's arrival itself, one visit to it, and a Chromium with or without an
 * extension.
 */
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { CHROMIUM, chromiumFlags } from "../support/chromium";
import { percentile } from "../support/guard-timing";
import { PASTE_TIMING_SCRIPT } from "./page-cost";
import { extensionWorker } from "./service-worker";

/**
 * The page: its first script notes when the nudge's element is in the document (already
 * there when the script runs, or added later), as a site's own script would see it.
 */
export function page(host: string): string {
  const paragraphs = Array.from(
    { length: 40 },
    (_, i) => `<p>Paragraph ${i} of a conversation on ${host}: enough text for the parser to do some work.</p>`,
  ).join("\n");
  return `<!doctype html><html><head><meta charset="utf-8"><title>${host}</title>
<script>
(() => {
  let at = null;
  const look = () => { if (at === null && document.querySelector("shadowlight-nudge")) at = performance.now(); };
  look();
  new MutationObserver(look).observe(document.documentElement, { childList: true, subtree: true });
  window.nudgeAt = () => at;
})();
${PASTE_TIMING_SCRIPT}
</script>
<style>body{font:16px sans-serif;margin:2rem} textarea{width:100%;height:6rem}</style></head>
<body><h1>${host}</h1>${paragraphs}<textarea placeholder="Ask anything"></textarea></body></html>`;
}

export interface Visit {
  dcl: number;
  load: number;
  /** ms from DOMContentLoaded to the nudge in the DOM (null: no extension). */
  nudge: number | null;
  /** ms from the navigation's start to the nudge in the DOM (null: no extension). */
  nudgeAt: number | null;
  /** The page's time origin (ms since the epoch), to set the service worker's marks against. */
  origin: number;
}

export async function visit(tab: Page, url: string, expectNudge: boolean): Promise<Visit> {
  await tab.goto(url, { waitUntil: "load" });
  if (expectNudge) {
    await tab
      .waitForFunction(() => (window as unknown as { nudgeAt(): number | null }).nudgeAt() !== null, {
        timeout: 15_000,
        polling: 20,
      })
      .catch(() => {
        throw new Error(`no nudge appeared on ${url}`);
      });
  }
  return tab.evaluate(() => {
    const [entry] = performance.getEntriesByType("navigation") as PerformanceNavigationTiming[];
    if (!entry) throw new Error("no navigation entry");
    const at = (window as unknown as { nudgeAt(): number | null }).nudgeAt();
    return {
      dcl: entry.domContentLoadedEventEnd,
      load: entry.loadEventEnd,
      nudge: at === null ? null : at - entry.domContentLoadedEventEnd,
      nudgeAt: at,
      origin: performance.timeOrigin,
    };
  });
}

/**
 * Chromium, with the extension or without. Driven by puppeteer-core: Playwright keeps a
 * session on every service worker, which keeps the extension's worker from being stopped.
 */
export async function launch(profile: string, hosts: string[], sitePort: number, extension?: string): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: profile,
    acceptInsecureCerts: true,
    ...(extension ? { enableExtensions: [extension] } : {}),
    args: chromiumFlags(hosts, sitePort),
  });
}

export interface Summary {
  median: number;
  p95: number;
  n: number;
}

export function summary(values: number[]): Summary {
  const round = (value: number) => Math.round(value * 10) / 10;
  return { median: round(percentile(values, 50)), p95: round(percentile(values, 95)), n: values.length };
}

export function cells(s: Summary): string[] {
  return [s.median.toFixed(1), s.p95.toFixed(1), String(s.n)];
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Waits until the extension in a browser holds the published policy of that name (it enrolls and fetches it on install). */
export async function policyHeld(browser: Browser, name: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const worker = await (await extensionWorker(browser)).worker();
    const held = await worker
      ?.evaluate(() =>
        (
          globalThis as unknown as { chrome: { storage: { local: { get(key: string): Promise<object> } } } }
        ).chrome.storage.local.get("policy"),
      )
      .catch(() => ({}));
    if ((held as { policy?: { response: { policy: { name: string } } } }).policy?.response.policy.name === name) return;
    if (Date.now() > deadline) throw new Error("the extension never fetched the benchmark policy");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
