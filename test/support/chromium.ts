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
