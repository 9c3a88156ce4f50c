/**
 * The packages an organization deploys (`npm run package`, see package.ts).
 *
 *   chrome.zip, edge.zip       Chrome Web Store and Edge Add-ons uploads (no `key`: the stores
 *                              assign the id)
 *   firefox.zip, sources.zip   addons.mozilla.org upload (Firefox MV2) and the sources AMO asks for
 *   .crx + updates.xml         self-hosted Chrome/Edge package signed with the organization's key
 *                              (SHADOWLIGHT_CRX_KEY), served from SHADOWLIGHT_UPDATE_URL
 *   -firefox-unsigned.xpi      self-distributed Firefox add-on with `update_url`, to be signed
 *   + updates.json             on AMO's unlisted channel (done here when WEB_EXT_API_KEY is set)
 *
 * What a package bakes in: the server URL when SHADOWLIGHT_SERVER_URL is set, and nothing
 * secret. The enrollment token and the group come from managed settings only, so a package
 * that leaks is harmless; this script refuses to build one with either set.
 */

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import JSZip from "jszip";
import { ROOT, run } from "../../worker/dev/local";
import { GECKO_ID } from "../../wxt.config";
import { CHROME_ID_PATTERN, chromeExtensionId, publicKeyDer } from "./chrome-id";
import { firefoxLintProblems } from "./firefox-lint";
import { readManifest, storeManifestProblems } from "./manifest-rules";
import { deploymentUrl } from "./urls";

type Crx3 = (zip: NodeJS.ReadableStream, options: { keyPath: string; crxPath: string }) => Promise<{ appId: string }>;
const crx3 = createRequire(import.meta.url)("crx3") as Crx3;

export interface PackageOptions {
  /** Where the packages go (default dist/packages). */
  outDir: string;
  /** Baked in as the default server; managed settings still win. */
  serverUrl?: string;
  /** PEM file of the RSA key that signs the self-hosted CRX (and so fixes its id). */
  crxKey?: string;
  /** Base URL the self-hosted files are served from, ending in "/". */
  updateUrl?: string;
  /** AMO API credentials for signing the self-distributed XPI on the unlisted channel. */
  amo?: { key: string; secret: string };
}

interface PackageFile {
  file: string;
  target: "chrome-web-store" | "edge-add-ons" | "firefox-amo" | "firefox-amo-sources" | "self-hosted";
  bytes: number;
  sha256: string;
  /** The extension id the package installs as, where the package fixes it. */
  id?: string;
}

export interface PackageSummary {
  version: string;
  serverUrl: string;
  files: PackageFile[];
  /** Self-hosted Chrome/Edge id, from the CRX key. */
  chromeId?: string;
  geckoId: string;
  notes: string[];
}

function httpsUrl(name: string, value: string, { base }: { base: boolean }): string {
  const url = deploymentUrl(name, value);
  if (url.search || url.hash) {
    throw new Error(`${name} must not carry a query or a fragment`);
  }
  if (base && !url.pathname.endsWith("/")) throw new Error(`${name} must end with "/", got "${value}"`);
  return url.href;
}

/** Reads and checks the options from the environment, refusing anything secret. */
export function optionsFromEnv(env: NodeJS.ProcessEnv): PackageOptions {
  for (const name of ["SHADOWLIGHT_ENROLLMENT_TOKEN", "SHADOWLIGHT_GROUP"]) {
    if (env[name]) {
      throw new Error(
        `${name} is set: packages never carry the enrollment token or group; set them in managed settings`,
      );
    }
  }
  const options: PackageOptions = { outDir: env.SHADOWLIGHT_PACKAGE_DIR ?? join(ROOT, "dist", "packages") };
  if (env.SHADOWLIGHT_SERVER_URL) {
    options.serverUrl = httpsUrl("SHADOWLIGHT_SERVER_URL", env.SHADOWLIGHT_SERVER_URL, { base: false }).replace(
      /\/$/,
      "",
    );
  }
  if (env.SHADOWLIGHT_UPDATE_URL) {
    options.updateUrl = httpsUrl("SHADOWLIGHT_UPDATE_URL", env.SHADOWLIGHT_UPDATE_URL, { base: true });
  }
  if (env.SHADOWLIGHT_CRX_KEY) {
    if (!existsSync(env.SHADOWLIGHT_CRX_KEY))
      throw new Error(`SHADOWLIGHT_CRX_KEY: no file ${env.SHADOWLIGHT_CRX_KEY}`);
    if (!options.updateUrl)
      throw new Error("SHADOWLIGHT_CRX_KEY needs SHADOWLIGHT_UPDATE_URL (where the CRX is served)");
    options.crxKey = env.SHADOWLIGHT_CRX_KEY;
  }
  if (env.WEB_EXT_API_KEY && env.WEB_EXT_API_SECRET) {
    options.amo = { key: env.WEB_EXT_API_KEY, secret: env.WEB_EXT_API_SECRET };
  }
  return options;
}

function describe(path: string, target: PackageFile["target"], id?: string): PackageFile {
  const bytes = readFileSync(path);
  return {
    file: path.split("/").pop() as string,
    target,
    bytes: statSync(path).size,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    ...(id ? { id } : {}),
  };
}

function editManifest(dir: string, edit: (manifest: Record<string, unknown>) => void): void {
  const manifest = readManifest(dir) as Record<string, unknown>;
  edit(manifest);
  writeFileSync(join(dir, "manifest.json"), JSON.stringify(manifest));
}

/** A zip of a folder's files at the archive's root, with fixed dates so equal input gives equal bytes. */
export function zipFolder(dir: string): JSZip {
  const zip = new JSZip();
  const add = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) add(path);
      else zip.file(relative(dir, path), readFileSync(path), { date: new Date("2000-01-01T00:00:00Z") });
    }
  };
  add(dir);
  return zip;
}

/** The files git tracks in this checkout, zipped with fixed dates. */
async function writeSourcesZip(path: string): Promise<void> {
  let tracked: string[];
  try {
    tracked = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
  } catch (error) {
    throw new Error(`the AMO sources zip is made from the git checkout's tracked files: ${(error as Error).message}`);
  }
  const zip = new JSZip();
  for (const file of tracked.sort()) {
    if (existsSync(join(ROOT, file))) {
      zip.file(file, readFileSync(join(ROOT, file)), { date: new Date("2000-01-01T00:00:00Z") });
    }
  }
  writeFileSync(path, await zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE" }));
}

async function writeZip(dir: string, path: string): Promise<void> {
  writeFileSync(path, await zipFolder(dir).generateAsync({ type: "nodebuffer", compression: "DEFLATE" }));
}

function xmlAttribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
}

/** Chrome's update manifest (the protocol's `gupdate` response) for one self-hosted CRX. */
function updateManifestXml(id: string, version: string, crxUrl: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<gupdate xmlns="http://www.google.com/update2/response" protocol="2.0">
  <app appid="${id}">
    <updatecheck codebase="${xmlAttribute(crxUrl)}" version="${version}" />
  </app>
</gupdate>
`;
}

/** Firefox's update manifest for a self-distributed add-on. */
function firefoxUpdateManifest(id: string, version: string, xpiUrl: string): string {
  return `${JSON.stringify({ addons: { [id]: { updates: [{ version, update_link: xpiUrl }] } } }, null, 2)}\n`;
}

async function selfHostedChrome(
  options: PackageOptions & { crxKey: string; updateUrl: string },
  built: string,
  version: string,
): Promise<{ files: string[]; id: string }> {
  const der = publicKeyDer(readFileSync(options.crxKey, "utf8"));
  const id = chromeExtensionId(der);
  if (!CHROME_ID_PATTERN.test(id)) throw new Error(`unexpected extension id ${id}`);
  const dir = mkdtempSync(join(tmpdir(), "shadowlight-crx-"));
  try {
    cpSync(built, dir, { recursive: true });
    editManifest(dir, (manifest) => {
      // The key keeps the id equal for an unpacked copy of this package; update_url is where
      // Chrome and Edge look for new versions.
      manifest.key = der.toString("base64");
      manifest.update_url = new URL("updates.xml", options.updateUrl).href;
    });
    const crxFile = join(options.outDir, `shadowlight-${version}.crx`);
    const zipFile = join(dir, "..", `${dir.split("/").pop()}.zip`);
    await writeZip(dir, zipFile);
    const { appId } = await crx3(createReadStream(zipFile), { keyPath: options.crxKey, crxPath: crxFile });
    rmSync(zipFile);
    if (appId !== id) throw new Error(`the CRX's id ${appId} differs from the key's ${id}`);
    const xmlFile = join(options.outDir, "updates.xml");
    writeFileSync(
      xmlFile,
      updateManifestXml(id, version, new URL(`shadowlight-${version}.crx`, options.updateUrl).href),
    );
    return { files: [crxFile, xmlFile], id };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function selfHostedFirefox(
  options: PackageOptions & { updateUrl: string },
  built: string,
  version: string,
  notes: string[],
): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "shadowlight-xpi-"));
  try {
    cpSync(built, dir, { recursive: true });
    editManifest(dir, (manifest) => {
      const settings = manifest.browser_specific_settings as { gecko: Record<string, unknown> };
      settings.gecko.update_url = new URL("updates.json", options.updateUrl).href;
    });
    const problems = await firefoxLintProblems(dir, { selfHosted: true });
    if (problems.length > 0) throw new Error(`web-ext lint (self-hosted):\n${problems.join("\n")}`);
    const unsigned = join(options.outDir, `shadowlight-${version}-firefox-unsigned.xpi`);
    await writeZip(dir, unsigned);
    const files = [unsigned];
    const signedName = `shadowlight-${version}.xpi`;
    if (options.amo) {
      const artifacts = mkdtempSync(join(tmpdir(), "shadowlight-signed-"));
      await run(
        "web-ext",
        ["sign", "--channel=unlisted", `--source-dir=${dir}`, `--artifacts-dir=${artifacts}`],
        { ...process.env, WEB_EXT_API_KEY: options.amo.key, WEB_EXT_API_SECRET: options.amo.secret },
        false,
      );
      const signed = readdirSync(artifacts).find((name) => name.endsWith(".xpi"));
      if (!signed) throw new Error("web-ext sign produced no .xpi");
      renameSync(join(artifacts, signed), join(options.outDir, signedName));
      rmSync(artifacts, { recursive: true, force: true });
      files.push(join(options.outDir, signedName));
    } else {
      notes.push(
        `Firefox refuses unsigned add-ons: sign ${unsigned.split("/").pop()} on AMO's unlisted channel ` +
          `(set WEB_EXT_API_KEY and WEB_EXT_API_SECRET and run again) and serve it as ${signedName}.`,
      );
    }
    const json = join(options.outDir, "updates.json");
    writeFileSync(json, firefoxUpdateManifest(GECKO_ID, version, new URL(signedName, options.updateUrl).href));
    files.push(json);
    return files;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function buildPackages(options: PackageOptions): Promise<PackageSummary> {
  const build = mkdtempSync(join(tmpdir(), "shadowlight-package-"));
  rmSync(options.outDir, { recursive: true, force: true });
  mkdirSync(options.outDir, { recursive: true });
  const env = {
    ...process.env,
    SHADOWLIGHT_STORE_BUILD: "1",
    SHADOWLIGHT_OUT_DIR: build,
    SHADOWLIGHT_SERVER_URL: options.serverUrl ?? "",
    SHADOWLIGHT_ENROLLMENT_TOKEN: "",
    SHADOWLIGHT_GROUP: "",
  };
  const notes: string[] = [];
  try {
    for (const browser of ["chrome", "edge", "firefox"]) await run("wxt", ["zip", "-b", browser], env);
    for (const browser of ["chrome", "edge"]) {
      const problems = storeManifestProblems(join(build, `${browser}-mv3`));
      if (problems.length > 0) throw new Error(`${browser} package breaks store rules:\n${problems.join("\n")}`);
    }
    const lint = await firefoxLintProblems(join(build, "firefox-mv2"), { selfHosted: false });
    if (lint.length > 0) throw new Error(`web-ext lint:\n${lint.join("\n")}`);

    const version = readManifest(join(build, "chrome-mv3")).version as string;
    const files: PackageFile[] = [];
    const take = (name: string, target: PackageFile["target"], id?: string) => {
      renameSync(join(build, name), join(options.outDir, name));
      files.push(describe(join(options.outDir, name), target, id));
    };
    take(`shadowlight-${version}-chrome.zip`, "chrome-web-store");
    take(`shadowlight-${version}-edge.zip`, "edge-add-ons");
    take(`shadowlight-${version}-firefox.zip`, "firefox-amo", GECKO_ID);
    // AMO's reviewers rebuild the add-on from these sources: the repository's tracked files,
    // so nothing generated, local or secret (.dev.vars, keys, test artifacts) is uploaded.
    await writeSourcesZip(join(build, `shadowlight-${version}-sources.zip`));
    take(`shadowlight-${version}-sources.zip`, "firefox-amo-sources");

    let chromeId: string | undefined;
    const { crxKey, updateUrl } = options;
    if (crxKey && updateUrl) {
      const crx = await selfHostedChrome({ ...options, crxKey, updateUrl }, join(build, "chrome-mv3"), version);
      chromeId = crx.id;
      for (const file of crx.files) files.push(describe(file, "self-hosted", crx.id));
    } else {
      notes.push(
        "No self-hosted CRX: set SHADOWLIGHT_CRX_KEY (an RSA key in PEM; it fixes the extension id) and " +
          "SHADOWLIGHT_UPDATE_URL (where updates.xml and the CRX are served).",
      );
    }
    if (updateUrl?.startsWith("http:")) {
      notes.push("No self-distributed Firefox add-on: Firefox requires an https update URL.");
    } else if (updateUrl) {
      const xpi = await selfHostedFirefox({ ...options, updateUrl }, join(build, "firefox-mv2"), version, notes);
      for (const file of xpi) files.push(describe(file, "self-hosted", GECKO_ID));
    } else {
      notes.push("No self-distributed Firefox add-on: set SHADOWLIGHT_UPDATE_URL.");
    }
    const summary: PackageSummary = {
      version,
      serverUrl: options.serverUrl ?? "",
      files,
      ...(chromeId ? { chromeId } : {}),
      geckoId: GECKO_ID,
      notes,
    };
    writeFileSync(join(options.outDir, "packages.json"), `${JSON.stringify(summary, null, 2)}\n`);
    return summary;
  } finally {
    rmSync(build, { recursive: true, force: true });
  }
}
