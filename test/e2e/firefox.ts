/**
 * Firefox for the end-to-end tests: Debian's firefox-esr driven over WebDriver BiDi by
 * puppeteer-core, with the extension force-installed by a real enterprise policy
 * (policies.json). AI hostnames reach the local fake site through a CONNECT proxy that
 * tunnels only the mapped hosts, so nothing else leaves the machine and no root port is needed.
 */
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { type Browser, launch, type Page } from "puppeteer-core";
import { freePort } from "../support/net";

const FIREFOX = process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr";
/** Where Firefox on Linux reads machine-wide enterprise policy. */
const FIREFOX_POLICY_DIR = "/etc/firefox/policies";
const FIREFOX_POLICY_FILE = `${FIREFOX_POLICY_DIR}/policies.json`;

/** Throws the reason this machine cannot run the Firefox tests; they must fail, not skip. */
export function requireFirefox(): void {
  if (!existsSync(FIREFOX)) {
    throw new Error(
      `Firefox is not at ${FIREFOX}: install Debian's firefox-esr (apt-get install firefox-esr; .ci/run does) or set FIREFOX_PATH`,
    );
  }
  try {
    mkdirSync(FIREFOX_POLICY_DIR, { recursive: true });
    accessSync(FIREFOX_POLICY_DIR, constants.W_OK);
  } catch (error) {
    throw new Error(
      `the Firefox tests write enterprise policy to ${FIREFOX_POLICY_DIR}, which needs root (CI runs as root): ${(error as Error).message}`,
    );
  }
}

/**
 * Installs a policies.json for the test, keeping any policy the machine already had, and
 * returns the function that puts it back.
 */
export function installFirefoxPolicy(file: string): () => void {
  const saved = `${FIREFOX_POLICY_FILE}.before-shadowlight-test`;
  const hadOne = existsSync(FIREFOX_POLICY_FILE);
  if (hadOne) renameSync(FIREFOX_POLICY_FILE, saved);
  copyFileSync(file, FIREFOX_POLICY_FILE);
  return () => {
    rmSync(FIREFOX_POLICY_FILE, { force: true });
    if (hadOne) renameSync(saved, FIREFOX_POLICY_FILE);
  };
}

export interface TunnelProxy {
  port: number;
  /** Every host:port Firefox asked for, tunnelled or refused. */
  requested: string[];
  close(): Promise<void>;
}

/** An HTTP CONNECT proxy that tunnels the given hostnames to the fake site and refuses the rest. */
export async function startTunnelProxy(hosts: string[], sitePort: number): Promise<TunnelProxy> {
  const requested: string[] = [];
  // Tunnelled sockets leave the HTTP server's bookkeeping: closing ends them explicitly, so a
  // browser that keeps a connection open cannot hold the proxy (and the test's teardown) up.
  const tunnels = new Set<{ destroy(): void }>();
  const server: Server = createServer((_request, response) => response.writeHead(405).end());
  server.on("connect", (request, client) => {
    tunnels.add(client);
    client.on("close", () => tunnels.delete(client));
    const target = request.url ?? "";
    requested.push(target);
    const [host, port] = target.split(":");
    if (!host || port !== "443" || !hosts.includes(host)) {
      client.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    const upstream = connect(sitePort, "127.0.0.1", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.pipe(client);
      client.pipe(upstream);
    });
    tunnels.add(upstream);
    upstream.on("close", () => tunnels.delete(upstream));
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    port,
    requested,
    close: () =>
      new Promise((resolve) => {
        for (const socket of tunnels) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface RecordingRelay {
  url: string;
  /** The JSON body of every POST to `path` the worker accepted, in the order they reached it. */
  bodies: unknown[];
  close(): Promise<void>;
}

/**
 * Stands between the browser and the local worker, forwarding every request as it is and
 * keeping the bodies posted to `path`: what reached the worker, not what the extension meant
 * to send.
 */
export async function startRecordingRelay(target: string, path: string): Promise<RecordingRelay> {
  const bodies: unknown[] = [];
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === "string" && name !== "host" && name !== "connection") headers.set(name, value);
    }
    try {
      const answer = await fetch(`${target}${request.url ?? "/"}`, {
        method: request.method ?? "GET",
        headers,
        ...(body.length > 0 ? { body } : {}),
      });
      if (answer.ok && request.method === "POST" && (request.url ?? "").split("?")[0] === path) {
        bodies.push(JSON.parse(body.toString("utf8")));
      }
      const answered = Buffer.from(await answer.arrayBuffer());
      const passed: Record<string, string> = {};
      answer.headers.forEach((value, name) => {
        if (name !== "content-encoding" && name !== "content-length" && name !== "transfer-encoding")
          passed[name] = value;
      });
      response.writeHead(answer.status, passed).end(answered);
    } catch (error) {
      response.writeHead(502).end(String(error));
    }
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Firefox with a persistent profile: enterprise policy installs the add-on (unsigned builds
 * are accepted because ESR honours `xpinstall.signatures.required`), HTTPS goes through the
 * tunnel proxy, and the add-on's internal UUID is fixed so its pages have a known address.
 */
export function launchFirefox(options: {
  profile: string;
  proxyPort: number;
  addonId: string;
  addonUuid: string;
}): Promise<Browser> {
  return launch({
    browser: "firefox",
    executablePath: FIREFOX,
    headless: true,
    acceptInsecureCerts: true,
    userDataDir: options.profile,
    extraPrefsFirefox: {
      "xpinstall.signatures.required": false,
      "network.proxy.type": 1,
      "network.proxy.ssl": "127.0.0.1",
      "network.proxy.ssl_port": options.proxyPort,
      "network.stricttransportsecurity.preloadlist": false,
      "extensions.webextensions.uuids": JSON.stringify({ [options.addonId]: options.addonUuid }),
      "intl.locale.requested": "en-US",
    },
  });
}

/** A node as WebDriver BiDi describes it: a reference, and for an element its shadow root, open or closed. */
interface BidiNode {
  sharedId?: string;
  value?: { shadowRoot?: { sharedId?: string } | null };
}

/** The WebDriver BiDi browsing context puppeteer-core drives a page through (not in its typed API). */
interface BidiContext {
  locateNodes(locator: { type: "css"; value: string }, startNodes?: Array<{ sharedId: string }>): Promise<BidiNode[]>;
  performActions(actions: unknown[]): Promise<void>;
}

function bidiContext(page: Page): BidiContext {
  const context = (page.mainFrame() as unknown as { browsingContext?: Partial<BidiContext> }).browsingContext;
  if (typeof context?.locateNodes !== "function" || typeof context.performActions !== "function") {
    throw new Error("puppeteer-core no longer exposes the page's WebDriver BiDi browsing context (locateNodes)");
  }
  return context as BidiContext;
}

/**
 * References to the elements matching `selector` inside the shadow roots of `host` elements,
 * closed ones included: WebDriver BiDi sees into them as a screen reader does (in headless
 * Firefox ESR here, puppeteer's ARIA queries find nothing, not even a textarea).
 */
export async function inShadowRoots(page: Page, host: string, selector: string): Promise<string[]> {
  const context = bidiContext(page);
  const roots = (await context.locateNodes({ type: "css", value: host })).flatMap((node) => {
    const root = node.value?.shadowRoot?.sharedId;
    return root ? [{ sharedId: root }] : [];
  });
  if (roots.length === 0) return [];
  const found = await context.locateNodes({ type: "css", value: selector }, roots);
  return found.flatMap((node) => (node.sharedId ? [node.sharedId] : []));
}

/** The person's click: the pointer moves to the element's centre, presses and releases, so Firefox fires trusted events. */
export async function clickNode(page: Page, element: string): Promise<void> {
  await bidiContext(page).performActions([
    {
      type: "pointer",
      id: "person",
      parameters: { pointerType: "mouse" },
      actions: [
        { type: "pointerMove", x: 0, y: 0, origin: { type: "element", element: { sharedId: element } } },
        { type: "pointerDown", button: 0 },
        { type: "pointerUp", button: 0 },
      ],
    },
  ]);
}

/** Closes Firefox, and kills it when it has not exited within 15 s, so a teardown cannot hang. */
export async function closeFirefox(browser: Browser): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), 15_000);
  });
  const outcome = await Promise.race([
    browser.close().then(
      () => "closed" as const,
      () => "closed" as const,
    ),
    late,
  ]);
  clearTimeout(timer);
  if (outcome === "late") browser.process()?.kill("SIGKILL");
}
