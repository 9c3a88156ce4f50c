/**
 * The extension's service worker in a puppeteer-driven Chromium, for `npm run bench:nudge`:
 * finding it, reading how long its start took (its own performance mark), stopping it as the
 * browser does after 30 s of idleness.
 */
import type { Browser } from "puppeteer-core";
import { STARTED_MARK } from "../../extension/lib/marks";

export function extensionWorker(browser: Browser, timeout = 15_000) {
  return browser.waitForTarget(
    (target) => target.type() === "service_worker" && target.url().startsWith("chrome-extension://"),
    { timeout },
  );
}

/** How long the running service worker took from its start to listening (its own mark). */
export async function startupMs(browser: Browser): Promise<number> {
  const worker = await (await extensionWorker(browser)).worker();
  const at = await worker?.evaluate((mark) => performance.getEntriesByName(mark)[0]?.startTime ?? null, STARTED_MARK);
  if (typeof at !== "number") throw new Error("the service worker set no start-up mark");
  return at;
}

/** Stops the extension's service worker, as the browser does after 30 s of idleness. */
export async function stopServiceWorker(browser: Browser): Promise<void> {
  const running = () =>
    browser.targets().some((t) => t.type() === "service_worker" && t.url().startsWith("chrome-extension://"));
  // A message or event that arrives as the worker stops (a page's last report of its nudge)
  // starts it again at once: then it is stopped again.
  for (let attempt = 0; attempt < 5; attempt++) {
    const worker = await (await extensionWorker(browser)).worker();
    if (!worker) throw new Error("the extension's service worker is not running");
    await worker.close();
    const deadline = Date.now() + 3_000;
    while (running() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    if (!running()) return;
  }
  throw new Error("the service worker did not stop");
}
