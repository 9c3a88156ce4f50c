/*
 * Debian's Chromium with the built extension loaded, and a local HTTPS fake site standing in
 * for AI tools (their hostnames are mapped to it inside Chromium). Free of vitest, so the
 * end-to-end harness, benchmarks and scripts (the README's screenshots) share it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpsServer, type Server } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Worker } from "playwright-core";
import { generate } from "selfsigned";
import { freePort } from "./net";

/** Debian's Chromium, or the one CHROMIUM_PATH names. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Flags for every Chromium the tests and benchmarks start: the given hostnames answered by
 * the local fake site (over TLS with its self-signed certificate), and nothing fetched from
 * the internet on the browser's own account.
 */
export function chromiumFlags(hosts: string[], sitePort: number): string[] {
  return [
    `--host-resolver-rules=${hosts.map((host) => `MAP ${host} 127.0.0.1:${sitePort}`).join(", ")}`,
    "--ignore-certificate-errors",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=en-US",
  ];
}

export interface FakeSite {
  port: number;
  requests: Array<{ host: string; path: string }>;
  close(): Promise<void>;
}

/**
 * Serves a page for any hostname over TLS (self-signed; Chromium ignores the errors): by
 * default a plain page full of things that must never leave the device, or `page(host)`.
 */
export async function startFakeSite(page?: (host: string) => string): Promise<FakeSite> {
  const pems = await generate([{ name: "commonName", value: "fake-ai.test" }], { keySize: 2048 });
  const requests: FakeSite["requests"] = [];
  const server: Server = createHttpsServer({ key: pems.private, cert: pems.cert }, (request, response) => {
    const host = (request.headers.host ?? "").replace(/:\d+$/, "");
    requests.push({ host, path: request.url ?? "/" });
    response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    if (page) {
      response.end(page(host));
      return;
    }
    response.end(`<!doctype html><html><head><title>Private project plan on ${host}</title>
<style>body{font:16px serif;background:#fafafa} button,h2,p{all:unset;color:red !important}</style></head>
<body><h1>${host}</h1><p>Confidential: alice@example.com drafts the Q3 acquisition memo here.</p>
<textarea>my secret prompt</textarea></body></html>`);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    port,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface Browser {
  context: BrowserContext;
  serviceWorker: Worker;
  extensionId: string;
  close(): Promise<void>;
}

/**
 * Chromium with the extension loaded and the given hostnames mapped to the fake site. A
 * given `profile` folder survives `close()`, so a test can restart the browser on it.
 */
export async function launchBrowser(
  extensionPath: string,
  hosts: string[],
  sitePort: number,
  /**
   * `otherExtensions`: unpacked extensions installed beside it (the extension census's subjects);
   * `lang`: the browser's language (Chromium on Linux takes it from LANGUAGE; --lang for the rest).
   */
  options: { profile?: string; otherExtensions?: string[]; lang?: string } = {},
): Promise<Browser> {
  const profile = options.profile ?? mkdtempSync(join(tmpdir(), "shadowlight-profile-"));
  const extensions = [extensionPath, ...(options.otherExtensions ?? [])].join(",");
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    ...(options.lang ? { env: { ...process.env, LANGUAGE: options.lang } } : {}),
    args: [
      `--disable-extensions-except=${extensions}`,
      `--load-extension=${extensions}`,
      "--headless=new",
      // The browser's language replaces the flags' default one.
      ...chromiumFlags(hosts, sitePort).map((flag) =>
        options.lang && flag.startsWith("--lang=") ? `--lang=${options.lang}` : flag,
      ),
    ],
  });
  const ours = () => context.serviceWorkers().find((worker) => worker.url().endsWith("/background.js"));
  const serviceWorker =
    ours() ??
    (await context.waitForEvent("serviceworker", { predicate: (worker) => worker.url().endsWith("/background.js") }));
  const extensionId = new URL(serviceWorker.url()).host;
  // The worker can be reported before its script has run: wait until its listeners exist, or
  // the test's first navigation could happen before anyone listens.
  const deadline = Date.now() + 10_000;
  while (
    !(await serviceWorker
      .evaluate(() => {
        const api = (
          globalThis as unknown as { chrome: { webNavigation: { onCommitted: { hasListeners(): boolean } } } }
        ).chrome;
        return api.webNavigation.onCommitted.hasListeners();
      })
      .catch(() => false)) &&
    Date.now() < deadline
  ) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    context,
    serviceWorker,
    extensionId,
    close: async () => {
      await context.close();
      if (!options.profile) rmSync(profile, { recursive: true, force: true });
    },
  };
}
