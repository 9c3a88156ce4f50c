/**
 * The extension's service worker in a puppeteer-driven Chromium, for `npm run bench:nudge`:
 * finding it, reading how long its start took (its own performance mark), stopping it as the
 * browser does after 30 s of idleness.
 */
import type { Browser } from "puppeteer-core";
import { COMMITTED_MARK, DECIDED_MARK, EVALUATING_MARK, STARTED_MARK, UI_SENT_MARK } from "../../extension/lib/marks";

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

/** The phases of a cold navigation, in ms, each from the end of the one before. */
export interface ColdPhases {
  /** From the page's DOMContentLoaded to the worker's start (negative: it started before). */
  workerStart: number;
  /** From the worker's start to its first module running: the browser loading the script. */
  scriptLoad: number;
  /** Evaluating the worker's modules and registering its listeners. */
  evaluation: number;
  /** Until the navigation's event reached the worker. */
  toEvent: number;
  /** Deciding the nudge (reading the catalog, the policy and the nudge memory). */
  decision: number;
  /** Injecting the nudge's UI into the page. */
  uiInjection: number;
  /** Until the nudge is in the page's DOM. */
  toDom: number;
}

/**
 * A cold navigation taken apart, from the running worker's marks (lib/marks.ts) and the page's
 * own timing: null when the worker has no mark of a phase (a build without them, or a nudge
 * that came by the page's ask rather than at commit).
 */
export async function coldPhases(
  browser: Browser,
  page: { origin: number; dcl: number; nudgeAt: number | null },
): Promise<ColdPhases | null> {
  const worker = await (await extensionWorker(browser)).worker();
  const names = [EVALUATING_MARK, STARTED_MARK, COMMITTED_MARK, DECIDED_MARK, UI_SENT_MARK];
  const read = (await worker?.evaluate(
    (marks: string[]) => ({
      origin: performance.timeOrigin,
      at: marks.map((mark) => performance.getEntriesByName(mark)[0]?.startTime ?? null),
    }),
    names,
  )) as { origin: number; at: Array<number | null> } | undefined;
  if (!read || page.nudgeAt === null || read.at.some((at) => at === null)) return null;
  // Every moment on the page's clock: ms since the page's navigation started.
  const start = read.origin - page.origin;
  const [evaluating, listening, committed, decided, uiSent] = read.at.map((at) => start + (at as number)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  return {
    workerStart: start - page.dcl,
    scriptLoad: evaluating - start,
    evaluation: listening - evaluating,
    toEvent: committed - listening,
    decision: decided - committed,
    uiInjection: uiSent - decided,
    toDom: page.nudgeAt - uiSent,
  };
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
