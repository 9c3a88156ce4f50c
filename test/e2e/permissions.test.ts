import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { buildPackages, type PackageSummary } from "../../extension/deploy/packages";
import { unzipTo } from "../support/zip";
import { ARTIFACTS, type Browser, launchBrowser } from "./harness";

/*
 * What the Chrome Web Store and Edge Add-ons show at install, asked of Chromium itself:
 * chrome.management.getPermissionWarningsByManifest (open to every extension) on the store
 * package's manifest. The rollout guide quotes these lines.
 */
const CHROME_PERMISSION_WARNINGS = [
  "Read and change all your data on all websites",
  "Manage your apps, extensions, and themes",
];

let work: string;
let summary: PackageSummary;
let browser: Browser | undefined;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "shadowlight-permissions-"));
  summary = await buildPackages({ outDir: join(work, "packages") });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

it("the store package asks for exactly the permissions the rollout guide announces", async () => {
  const pkg = summary.files.find((file) => file.target === "chrome-web-store");
  if (!pkg) throw new Error("no Chrome Web Store package was built");
  const unpacked = await unzipTo(join(work, "packages", pkg.file), join(work, "chrome"));
  browser = await launchBrowser(unpacked, [], 443);
  const manifest = readFileSync(join(unpacked, "manifest.json"), "utf8");
  const warnings = await browser.serviceWorker.evaluate((text) => {
    const api = (
      globalThis as unknown as {
        chrome: { management: { getPermissionWarningsByManifest(manifest: string): Promise<string[]> } };
      }
    ).chrome;
    return api.management.getPermissionWarningsByManifest(text);
  }, manifest);
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, "permission-warnings.json"), `${JSON.stringify({ chrome: warnings }, null, 2)}\n`);
  expect(warnings).toEqual(CHROME_PERMISSION_WARNINGS);
});
