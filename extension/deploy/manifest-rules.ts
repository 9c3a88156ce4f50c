import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/*
 * The rules the Chrome Web Store and Edge Add-ons apply to an uploaded package's manifest
 * that a build can break: checked before a package is written, and by the package tests.
 * Sources: developer.chrome.com "Manifest file format" (name, short_name, description,
 * version, icons) and "Publish in the Chrome Web Store" (no `key`, no foreign `update_url`).
 */

const STORE_LIMITS = { name: 75, shortName: 12, description: 132 } as const;

interface Manifest {
  manifest_version?: number;
  name?: string;
  short_name?: string;
  description?: string;
  version?: string;
  default_locale?: string;
  icons?: Record<string, string>;
  key?: string;
  update_url?: string;
  storage?: { managed_schema?: string };
  [key: string]: unknown;
}

export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Manifest;
}

/** `__MSG_name__` resolved in the default locale, as the store shows it. */
function localized(dir: string, manifest: Manifest, value: string | undefined): string | undefined {
  const match = /^__MSG_(\w+)__$/.exec(value ?? "");
  if (!match?.[1]) return value;
  const file = join(dir, "_locales", manifest.default_locale ?? "", "messages.json");
  if (!manifest.default_locale || !existsSync(file)) return undefined;
  const messages = JSON.parse(readFileSync(file, "utf8")) as Record<string, { message: string }>;
  return messages[match[1]]?.message;
}

/** Width and height of a PNG, from its IHDR chunk; undefined for anything that is not a PNG. */
function pngSize(file: string): { width: number; height: number } | undefined {
  const bytes = readFileSync(file);
  const signature = "89504e470d0a1a0a";
  if (bytes.length < 24 || bytes.subarray(0, 8).toString("hex") !== signature) return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** Every rule a Chrome Web Store or Edge Add-ons package breaks; empty when it may be uploaded. */
export function storeManifestProblems(dir: string): string[] {
  const manifest = readManifest(dir);
  const problems: string[] = [];
  if (manifest.manifest_version !== 3) problems.push("manifest_version must be 3");
  const limits: Array<[keyof Manifest, number]> = [
    ["name", STORE_LIMITS.name],
    ["short_name", STORE_LIMITS.shortName],
    ["description", STORE_LIMITS.description],
  ];
  for (const [field, limit] of limits) {
    const raw = manifest[field] as string | undefined;
    if (raw === undefined && field !== "short_name") problems.push(`${field} is missing`);
    if (raw === undefined) continue;
    const text = localized(dir, manifest, raw);
    if (text === undefined) problems.push(`${field} refers to a message missing from the default locale`);
    else if (text.length > limit) problems.push(`${field} is ${text.length} characters, the limit is ${limit}`);
  }
  const parts = (manifest.version ?? "").split(".");
  const validPart = (part: string) => /^(0|[1-9]\d{0,4})$/.test(part) && Number(part) <= 65535;
  if (parts.length > 4 || !parts.every(validPart)) {
    problems.push(`version "${manifest.version}" must be one to four integers 0-65535 without leading zeros`);
  }
  const icons = manifest.icons ?? {};
  if (!icons["128"]) problems.push("a 128x128 icon is required");
  for (const [size, path] of Object.entries(icons)) {
    const file = join(dir, path);
    const actual = existsSync(file) ? pngSize(file) : undefined;
    if (!actual) problems.push(`icon ${size} (${path}) is missing or not a PNG`);
    else if (actual.width !== Number(size) || actual.height !== Number(size)) {
      problems.push(`icon ${size} (${path}) is ${actual.width}x${actual.height}`);
    }
  }
  if (manifest.key !== undefined) problems.push("the stores refuse a manifest `key`");
  if (manifest.update_url !== undefined) problems.push("the stores set their own update_url");
  const schema = manifest.storage?.managed_schema;
  if (!schema || !existsSync(join(dir, schema))) problems.push("storage.managed_schema is missing");
  return problems;
}
