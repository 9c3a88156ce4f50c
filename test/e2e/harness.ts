/**
 * The end-to-end harness: a local HTTPS fake site standing in for AI tools (their hostnames
 * are mapped to it inside Chromium), the real worker under `wrangler dev` on local D1, the
 * built extension, and Debian's Chromium driven by playwright-core.
 */
import { generateKeyPairSync } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page, Worker } from "playwright-core";
import { getDomain } from "tldts";
import { expect, inject } from "vitest";
import { chromeExtensionId } from "../../extension/deploy/chrome-id";
import type { CounterBook } from "../../extension/lib/counters";
import type { TabDecision } from "../../extension/lib/state";
import indexJson from "../../policies/dist/index.json";
import type { CompiledIndex } from "../../shared/catalog/compile";
import type { PolicyInput } from "../../shared/policy/schema";
import { type ReportRequest, reportRequest } from "../../shared/protocol";
import { newEvidenceKey, type RunningWorker, startWorker } from "../../worker/dev/local";
import { type Browser, CHROMIUM, type FakeSite, launchBrowser, startFakeSite } from "../support/chromium";
import { countsByName } from "../support/counts";

export { type Browser, CHROMIUM, type FakeSite, launchBrowser, startFakeSite };
export const ARTIFACTS = new URL("../artifacts/", import.meta.url).pathname;

export interface Stack {
  site: FakeSite;
  worker: RunningWorker;
  port: number;
  serverUrl: string;
  persistTo: string;
  /** The worker's variables and inspector port, kept for a restart. */
  vars: Record<string, string>;
  inspectorPort: number;
  extensionPath: string;
  tokens: { enrollment: string; admin: string; viewer: string };
  close(): Promise<void>;
}

/**
 * The fake site, a fresh migrated local D1 (a copy of the run's template) and the worker, on the
 * port the file's slot was built for (test/e2e/global-setup.ts builds once per run and slot).
 * `vars` are extra worker variables: tests of the counting pipeline itself run with
 * K_ANONYMITY=1 so one test device's counts are visible through the admin API; the k rules
 * have their own tests (worker, and the dashboard on seeded data).
 */
export async function startStack(options: { vars?: Record<string, string> } = {}): Promise<Stack> {
  const build = inject("e2e");
  // The slot of the vitest worker running this file: files of other slots run at the same time.
  const slot = build.slots[(Number(process.env.VITEST_POOL_ID ?? "1") - 1) % build.slots.length];
  if (!slot) throw new Error("the end-to-end global setup provided no slot");
  const base = mkdtempSync(join(tmpdir(), "shadowlight-e2e-"));
  const persistTo = join(base, "state");
  const tokens = { enrollment: build.enrollmentToken, admin: "e2e-admin-token", viewer: "e2e-viewer-token" };
  const port = slot.port;
  const serverUrl = `http://127.0.0.1:${port}`;
  cpSync(build.stateTemplate, persistTo, { recursive: true });
  const site = await startFakeSite();
  const vars = {
    ENROLLMENT_TOKEN: tokens.enrollment,
    ADMIN_TOKEN: tokens.admin,
    VIEWER_TOKEN: tokens.viewer,
    EVIDENCE_SIGNING_KEY: newEvidenceKey(),
    ...options.vars,
  };
  // `testScheduled`: the cron runs on demand (the dashboard's seed runs the daily job).
  const worker = await startWorker({ port, persistTo, vars, testScheduled: true, inspectorPort: slot.inspectorPort });
  // Publish the default policy into the fresh database, as `npm start` does.
  await fetch(`${serverUrl}/api/admin/policy`, { headers: { Authorization: `Bearer ${tokens.admin}` } });
  const stack: Stack = {
    site,
    worker,
    port,
    serverUrl,
    persistTo,
    vars,
    inspectorPort: slot.inspectorPort,
    extensionPath: slot.configured,
    tokens,
    close: async () => {
      await stack.worker.stop();
      await site.close();
      rmSync(base, { recursive: true, force: true });
    },
  };
  return stack;
}

/** Stops the stack's worker (the server is down) until `restartWorker`. */
export async function stopWorker(stack: Stack): Promise<void> {
  await stack.worker.stop();
}

/** Starts the worker again on the same port and data. */
export async function restartWorker(stack: Stack): Promise<void> {
  stack.worker = await startWorker({
    port: stack.port,
    persistTo: stack.persistTo,
    vars: stack.vars,
    testScheduled: true,
    inspectorPort: stack.inspectorPort,
  });
}

/** Another unpacked extension with a pinned id (its manifest `key`), written under `dir`: a subject of the census. */
export function testExtension(dir: string, name: string, description: string): { path: string; id: string } {
  const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const der = publicKey.export({ type: "spki", format: "der" });
  const path = join(dir, name.replaceAll(" ", "-").toLowerCase());
  mkdirSync(path, { recursive: true });
  const manifest = { manifest_version: 3, name, description, version: "1.0", key: der.toString("base64") };
  writeFileSync(join(path, "manifest.json"), JSON.stringify(manifest));
  return { path, id: chromeExtensionId(der) };
}

/** What the fake site puts on every page: none of it may ever reach the server. */
export const PAGE_SECRETS = [
  "Private project plan",
  "alice@example.com",
  "Confidential",
  "secret prompt",
  "acquisition",
];

export interface Traffic {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** Records every request the browser makes to the worker (the extension's, and nothing else). */
export function recordServerTraffic(browser: Browser, serverUrl: string): Traffic[] {
  const traffic: Traffic[] = [];
  browser.context.on("request", (request) => {
    if (request.url().startsWith(serverUrl) && !request.url().startsWith(`${serverUrl}/api/admin`)) {
      traffic.push({ url: request.url(), body: request.postData() ?? "", headers: request.headers() });
    }
  });
  return traffic;
}

/**
 * Every report is exactly the wire schema (strict: an extra field fails) and its discovery
 * sections and candidates hold catalog ids (or the organization's "org-" entries), registrable domains,
 * numbers and hashes only.
 */
export function expectReportsAreCounts(traffic: Traffic[]): void {
  const known = new Set((indexJson as unknown as CompiledIndex).tools.map((tool) => tool.id));
  const entry = (id: string) => known.has(id) || id.startsWith("org-");
  for (const request of traffic.filter((r) => r.url.endsWith("/api/v1/reports"))) {
    const report = reportRequest.parse(JSON.parse(request.body));
    for (const embed of report.embeds ?? [])
      expect(getDomain(embed.site, { allowPrivateDomains: false })).toBe(embed.site);
    for (const candidate of report.candidates ?? [])
      expect(getDomain(candidate.domain, { allowPrivateDomains: false })).toBe(candidate.domain);
    const ids = [
      ...(report.extensions ?? []).map((e) => e.extension),
      ...(report.browsers ?? []).map((b) => b.browser),
      ...(report.embeds ?? []).map((e) => e.tool),
    ];
    for (const id of ids) expect(entry(id), `${id} is a catalog entry`).toBe(true);
  }
}

/** The privacy promise: no path, query, page title, page text or e-mail in any request. */
export function expectOnlyCounts(traffic: Traffic[], secrets: string[]): void {
  expect(traffic.some((request) => request.url.endsWith("/api/v1/reports"))).toBe(true);
  expectReportsAreCounts(traffic);
  for (const request of traffic) {
    const everything = `${request.url}\n${request.body}\n${JSON.stringify(request.headers)}`;
    for (const secret of [...PAGE_SECRETS, ...secrets]) expect(everything).not.toContain(secret);
  }
}

/**
 * The extension's service worker as it runs now: the browser stops an idle one and starts a
 * new one on the next event, so the one found at launch may be gone.
 */
export async function liveServiceWorker(browser: Browser): Promise<Worker> {
  const running = browser.context
    .serviceWorkers()
    .filter((worker) => worker.url().startsWith(`chrome-extension://${browser.extensionId}/`));
  return running.at(-1) ?? (await browser.context.waitForEvent("serviceworker", { timeout: 10_000 }));
}

/** Everything the extension keeps in storage.local, read inside its service worker. */
export async function extensionStorage(browser: Browser): Promise<Record<string, unknown>> {
  return (await liveServiceWorker(browser)).evaluate(() => {
    const api = (globalThis as unknown as { chrome: { storage: { local: { get(keys: null): Promise<object> } } } })
      .chrome;
    return api.storage.local.get(null) as Promise<Record<string, unknown>>;
  });
}

export async function adminGet<T>(stack: Stack, path: string): Promise<T> {
  const response = await fetch(`${stack.serverUrl}/api/admin${path}`, {
    headers: { Authorization: `Bearer ${stack.tokens.admin}` },
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Sends an admin change (PUT) and returns the parsed answer; fails with the server's answer otherwise. */
export async function adminPut<T>(stack: Stack, path: string, body: unknown): Promise<T> {
  const response = await fetch(`${stack.serverUrl}/api/admin${path}`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${stack.tokens.admin}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** The report the extension sent last, as it keeps it for the popup's "last sent" view. */
export async function lastSentReport(browser: Browser): Promise<ReportRequest> {
  const { lastReport } = (await extensionStorage(browser)) as { lastReport?: { report: unknown } };
  if (!lastReport) throw new Error("the extension keeps no sent report");
  return reportRequest.parse(lastReport.report);
}

/** The device id the extension enrolled with; null before it enrolled or once it forgot it. */
export async function enrolledDeviceId(browser: Browser): Promise<string | null> {
  const { device } = (await extensionStorage(browser)) as { device?: { deviceId: string } | null };
  return device?.deviceId ?? null;
}

/** The device's counts by name, summed over days ("chatgpt acknowledged v1" = 1). */
export async function deviceCounts(browser: Browser): Promise<Record<string, number>> {
  const { counters } = (await extensionStorage(browser)) as { counters?: CounterBook };
  return countsByName(counters ?? {});
}

/** Everything the extension keeps in storage.session (open tabs' nudges and decisions). */
export async function sessionStorage(browser: Browser): Promise<Record<string, unknown>> {
  return (await liveServiceWorker(browser)).evaluate(() => {
    const api = (globalThis as unknown as { chrome: { storage: { session: { get(keys: null): Promise<object> } } } })
      .chrome;
    return api.storage.session.get(null) as Promise<Record<string, unknown>>;
  });
}

/**
 * Waits for the extension's decision on a page of `tool` made after `since`: the positive sign
 * that it looked at the page, before a test checks that nothing appeared. Returns whether a
 * nudge was served.
 */
export async function decided(browser: Browser, tool: string, since: number, timeout = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const { decisions } = (await sessionStorage(browser)) as { decisions?: Record<string, TabDecision> };
    const decision = Object.values(decisions ?? {}).find((d) => d.tool === tool && d.at >= since);
    if (decision) return decision.ticket !== null;
    if (Date.now() > deadline) throw new Error(`the extension made no decision on ${tool} within ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Publishes a policy through the admin API; returns the version the server gave it. */
export async function publishPolicy(stack: Stack, policy: PolicyInput): Promise<number> {
  const response = await fetch(`${stack.serverUrl}/api/admin/policy`, {
    method: "POST",
    headers: { Authorization: `Bearer ${stack.tokens.admin}`, "Content-Type": "application/json" },
    body: JSON.stringify({ policy }),
  });
  if (!response.ok) throw new Error(`publishing the policy failed: ${response.status} ${await response.text()}`);
  return (await adminGet<{ current: { version: number } }>(stack, "/policy")).current.version;
}

/** Waits until the extension holds a policy version (and so its block rules). */
export async function waitForPolicy(browser: Browser, version: number, timeout = 30_000): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const { policy } = (await extensionStorage(browser)) as { policy?: { response: { policy: { version: number } } } };
    if (policy?.response.policy.version === version) return;
    if (Date.now() > deadline) throw new Error(`the extension never fetched policy v${version}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export interface Session {
  stack: Stack;
  browser: Browser;
  /** The version the server gave the session's policy; 0 when it published none. */
  version: number;
  /** What the browser exchanged with the worker, from its launch on (empty unless asked for). */
  traffic: Traffic[];
}

/**
 * How most end-to-end files begin: the stack (with the extra worker variables `vars`), `policy`
 * published when given, `prepare` run against the worker (what the extension must find at
 * start-up), then Chromium with the extension and the fake site serving `hosts`, its exchanges
 * with the worker recorded from the start when `recordTraffic` is set. `watch` sees the browser
 * before anything waits on it, so it can observe the first requests too. With a policy,
 * the session is open once the extension holds it. A session that fails to open closes what it
 * started.
 */
export async function openSession(options: {
  hosts: string[];
  vars?: Record<string, string>;
  policy?: PolicyInput;
  prepare?: (stack: Stack) => Promise<unknown>;
  launch?: Parameters<typeof launchBrowser>[3];
  recordTraffic?: boolean;
  watch?: (browser: Browser, stack: Stack) => void;
}): Promise<Session> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const stack = await startStack({ vars: options.vars });
  let browser: Browser | undefined;
  try {
    const version = options.policy ? await publishPolicy(stack, options.policy) : 0;
    await options.prepare?.(stack);
    browser = await launchBrowser(stack.extensionPath, options.hosts, stack.site.port, options.launch);
    const traffic = options.recordTraffic ? recordServerTraffic(browser, stack.serverUrl) : [];
    options.watch?.(browser, stack);
    if (options.policy) await waitForPolicy(browser, version);
    return { stack, browser, version, traffic };
  } catch (error) {
    await browser?.close();
    await stack.close();
    throw error;
  }
}

/**
 * Opens the popup, presses "Send now" and waits for its result ("Sent…" or "Not sent…");
 * returns the result and the popup, still open, for the caller to read and close.
 */
export async function sendNow(browser: Browser): Promise<{ result: string; popup: Page }> {
  const popup = await browser.context.newPage();
  await popup.goto(`chrome-extension://${browser.extensionId}/popup.html`);
  await popup.getByRole("button", { name: "Send now" }).click();
  const result = popup.getByTestId("send-result").filter({ hasText: /Sent|Not sent/ });
  await result.waitFor({ timeout: 20_000 });
  return { result: (await result.textContent()) ?? "", popup };
}
