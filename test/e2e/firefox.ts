/**
 * Firefox for the end-to-end tests: Debian's firefox-esr driven over WebDriver BiDi by
 * puppeteer-core, with the extension force-installed by a real enterprise policy
 * (policies.json). AI hostnames reach the local fake site through a CONNECT proxy that
 * tunnels only the mapped hosts, so nothing else leaves the machine and no root port is needed.
 */
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { type Browser, launch } from "puppeteer-core";
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
