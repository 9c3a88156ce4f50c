import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromeExtensionId, publicKeyDer } from "../../extension/deploy/chrome-id";
import { firefoxLint } from "../../extension/deploy/firefox-lint";
import { storeManifestProblems } from "../../extension/deploy/manifest-rules";
import { buildPackages, optionsFromEnv, type PackageSummary } from "../../extension/deploy/packages";
import { CHROME_EXTENSION_ID, GECKO_ID } from "../../wxt.config";
import { type Browser, launchBrowser } from "../support/chromium";
import { unzipTo } from "../support/zip";

/*
 * `npm run package` as an organization runs it: store packages, a self-hosted CRX signed with
 * the organization's key and a self-distributed Firefox add-on, with a server URL baked in.
 */
const SERVER_URL = "https://shadowlight.example.com";
const ARTIFACTS = new URL("../artifacts/", import.meta.url).pathname;
const UPDATE_URL = "https://downloads.example.com/shadowlight/";

let work: string;
let outDir: string;
let keyFile: string;
let summary: PackageSummary;
let browser: Browser | undefined;

/*
 * What the Chrome Web Store and Edge Add-ons show at install, asked of Chromium itself:
 * chrome.management.getPermissionWarningsByManifest (open to every extension) on the store
 * package's manifest. The rollout guide quotes these lines.
 */
const CHROME_PERMISSION_WARNINGS = [
  "Read and change all your data on all websites",
  "Manage your apps, extensions, and themes",
];

async function manifestOf(file: string): Promise<Record<string, unknown>> {
  const zip = await JSZip.loadAsync(readFileSync(file));
  return JSON.parse((await zip.file("manifest.json")?.async("string")) ?? "null");
}

async function allText(file: string): Promise<string> {
  const zip = await JSZip.loadAsync(readFileSync(file));
  const texts = await Promise.all(Object.values(zip.files).map((entry) => (entry.dir ? "" : entry.async("string"))));
  return texts.join("\n");
}

function fileOf(name: string): string {
  const entry = summary.files.find((file) => file.file === name);
  if (!entry) throw new Error(`${name} is not in the summary: ${summary.files.map((f) => f.file).join(", ")}`);
  return join(outDir, entry.file);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "shadowlight-packages-"));
  outDir = join(work, "packages");
  keyFile = join(work, "crx.pem");
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  writeFileSync(keyFile, privateKey.export({ type: "pkcs8", format: "pem" }));
  summary = await buildPackages(
    optionsFromEnv({
      SHADOWLIGHT_PACKAGE_DIR: outDir,
      SHADOWLIGHT_SERVER_URL: SERVER_URL,
      SHADOWLIGHT_CRX_KEY: keyFile,
      SHADOWLIGHT_UPDATE_URL: UPDATE_URL,
    }),
  );
}, 180_000);

afterAll(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

describe("npm run package", () => {
  it("writes every package with its size and digest, and a summary", () => {
    const v = summary.version;
    expect(summary.files.map((file) => file.file).sort()).toEqual(
      [
        `shadowlight-${v}-chrome.zip`,
        `shadowlight-${v}-edge.zip`,
        `shadowlight-${v}-firefox.zip`,
        `shadowlight-${v}-sources.zip`,
        `shadowlight-${v}.crx`,
        "updates.xml",
        `shadowlight-${v}-firefox-unsigned.xpi`,
        "updates.json",
      ].sort(),
    );
    for (const file of summary.files) {
      expect(readFileSync(join(outDir, file.file)).length).toBe(file.bytes);
      expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(JSON.parse(readFileSync(join(outDir, "packages.json"), "utf8"))).toEqual(summary);
    // Without AMO credentials the signing step is left to the admin, and said so.
    expect(summary.notes.join(" ")).toContain("unlisted");
  });

  it("store packages pass the stores' manifest rules, without key or update_url", async () => {
    for (const name of ["chrome", "edge"]) {
      const dir = await unzipTo(fileOf(`shadowlight-${summary.version}-${name}.zip`), join(work, name));
      expect(storeManifestProblems(dir)).toEqual([]);
      const manifest = await manifestOf(fileOf(`shadowlight-${summary.version}-${name}.zip`));
      expect(manifest.key).toBeUndefined();
      expect(manifest.update_url).toBeUndefined();
      expect(manifest.storage).toEqual({ managed_schema: "managed_schema.json" });
    }
  });

  it("the store package asks Chromium for exactly the permissions the rollout guide announces", async () => {
    const unpacked = await unzipTo(fileOf(`shadowlight-${summary.version}-chrome.zip`), join(work, "warnings"));
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

  it("the manifest rules catch what a store would refuse", async () => {
    const dir = await unzipTo(fileOf(`shadowlight-${summary.version}-chrome.zip`), join(work, "broken"));
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    writeFileSync(
      join(dir, "manifest.json"),
      JSON.stringify({ ...manifest, version: "1.02", key: "abc", icons: { "128": "icon/16.png" } }),
    );
    expect(storeManifestProblems(dir)).toEqual([
      'version "1.02" must be one to four integers 0-65535 without leading zeros',
      "icon 128 (icon/16.png) is 16x16",
      "the stores refuse a manifest `key`",
    ]);
  });

  it("bakes in the server URL and nothing secret", async () => {
    for (const name of ["chrome", "edge", "firefox"]) {
      const text = await allText(fileOf(`shadowlight-${summary.version}-${name}.zip`));
      expect(text).toContain(SERVER_URL);
      expect(text).not.toContain(".example.com/shadowlight/");
    }
    expect(() => optionsFromEnv({ SHADOWLIGHT_ENROLLMENT_TOKEN: "t0ken" })).toThrow(/never carry the enrollment token/);
    expect(() => optionsFromEnv({ SHADOWLIGHT_GROUP: "Finance" })).toThrow(/never carry/);
    expect(() => optionsFromEnv({ SHADOWLIGHT_SERVER_URL: "http://shadowlight.example.com" })).toThrow(/https/);
    expect(() => optionsFromEnv({ SHADOWLIGHT_UPDATE_URL: "https://downloads.example.com/x" })).toThrow(/end with/);
    expect(() => optionsFromEnv({ SHADOWLIGHT_CRX_KEY: keyFile })).toThrow(/needs SHADOWLIGHT_UPDATE_URL/);
  });

  it("the AMO sources are the repository's tracked files, nothing generated or secret", async () => {
    const zip = await JSZip.loadAsync(readFileSync(fileOf(`shadowlight-${summary.version}-sources.zip`)));
    const names = Object.keys(zip.files);
    expect(names).toContain("package.json");
    expect(names).toContain("wxt.config.ts");
    expect(names).toContain("extension/public/managed_schema.json");
    for (const name of names) {
      expect(name).not.toMatch(/^(node_modules|\.output|dist|policies\/dist|test\/artifacts)\/|^\.dev\.vars$|\.pem$/);
    }
  });

  it("the Firefox package is AMO-clean: no errors, only the explained library warnings", async () => {
    const dir = await unzipTo(fileOf(`shadowlight-${summary.version}-firefox.zip`), join(work, "firefox"));
    const report = await firefoxLint(dir, { selfHosted: false });
    expect(report.errors).toEqual([]);
    expect([...new Set(report.warnings.map((warning) => warning.code))].sort()).toEqual([
      "DANGEROUS_EVAL",
      "UNSAFE_VAR_ASSIGNMENT",
    ]);
    const manifest = await manifestOf(fileOf(`shadowlight-${summary.version}-firefox.zip`));
    expect(manifest.browser_specific_settings).toMatchObject({ gecko: { id: GECKO_ID } });
    expect(JSON.stringify(manifest)).not.toContain("update_url");
    // The linter parses every script of the package: seconds alone, minutes on a shared machine.
  }, 240_000);

  it("the self-hosted CRX is a CRX3 signed with the organization's key, and updates.xml points at it", async () => {
    const crx = readFileSync(fileOf(`shadowlight-${summary.version}.crx`));
    expect(crx.subarray(0, 4).toString("latin1")).toBe("Cr24");
    expect(crx.readUInt32LE(4)).toBe(3);
    const id = chromeExtensionId(publicKeyDer(readFileSync(keyFile, "utf8")));
    expect(summary.chromeId).toBe(id);
    expect(id).not.toBe(CHROME_EXTENSION_ID);
    // The archive after the signed header carries the key (so an unpacked copy keeps the id)
    // and the update URL.
    const header = crx.readUInt32LE(8);
    const zip = await JSZip.loadAsync(crx.subarray(12 + header));
    const manifest = JSON.parse((await zip.file("manifest.json")?.async("string")) ?? "{}");
    expect(manifest.key).toBe(publicKeyDer(readFileSync(keyFile, "utf8")).toString("base64"));
    expect(manifest.update_url).toBe(`${UPDATE_URL}updates.xml`);

    const xml = readFileSync(fileOf("updates.xml"), "utf8");
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(xml);
    expect(parsed.gupdate.app).toEqual({
      appid: id,
      updatecheck: { codebase: `${UPDATE_URL}shadowlight-${summary.version}.crx`, version: summary.version },
    });
  });

  it("the self-distributed Firefox add-on names its update manifest, which lists the signed file", async () => {
    const manifest = await manifestOf(fileOf(`shadowlight-${summary.version}-firefox-unsigned.xpi`));
    expect(manifest.browser_specific_settings).toMatchObject({
      gecko: { id: GECKO_ID, update_url: `${UPDATE_URL}updates.json` },
    });
    expect(JSON.parse(readFileSync(fileOf("updates.json"), "utf8"))).toEqual({
      addons: {
        [GECKO_ID]: {
          updates: [{ version: summary.version, update_link: `${UPDATE_URL}shadowlight-${summary.version}.xpi` }],
        },
      },
    });
  });
});
