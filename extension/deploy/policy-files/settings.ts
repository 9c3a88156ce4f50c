import { readFileSync } from "node:fs";
import * as z from "zod";
import { censusKey } from "../../../shared/catalog/discovery";
import { groupLabel } from "../../../shared/protocol";
import { deploymentUrl } from "../urls";

/*
 * The managed settings every policy file carries, checked against the one source of truth:
 * the managed-storage schema the extension ships (extension/public/managed_schema.json). A key
 * the schema does not know, or a value of the wrong type, is refused before any file is written.
 */

type SettingType = "string" | "boolean" | "integer" | "number" | "array" | "object";

export interface SchemaProperty {
  title?: string;
  description?: string;
  type: SettingType;
}

export interface ManagedSchema {
  type: "object";
  properties: Record<string, SchemaProperty>;
}

const SCHEMA_FILE = new URL("../../public/managed_schema.json", import.meta.url);

export function managedSchema(): ManagedSchema {
  return JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as ManagedSchema;
}

export type SettingValue = string | boolean | number | unknown[] | Record<string, unknown>;
export type ManagedSettings = Record<string, SettingValue>;

const serverUrl = z.string().refine((value) => {
  try {
    deploymentUrl("serverUrl", value);
    return true;
  } catch {
    return false;
  }
}, "must be an https URL such as https://shadowlight.example.com");

/** Product rules on top of the schema's types, for the settings the extension knows. */
const RULES: Record<string, z.ZodType> = {
  serverUrl,
  enrollmentToken: z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters"),
  group: groupLabel,
  censusKey,
};

const REQUIRED = ["serverUrl", "enrollmentToken"];

function hasControlCharacter(text: string): boolean {
  return [...text].some((char) => (char.codePointAt(0) ?? 0) < 0x20 || char === "\u007f");
}

/** Every string in a value, keys of dictionaries included. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([key, inner]) => [key, ...strings(inner)]);
  }
  return [];
}

function typeOf(value: unknown): SettingType | "other" {
  if (typeof value === "string" || typeof value === "boolean") return typeof value as SettingType;
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  if (Array.isArray(value)) return "array";
  if (value && typeof value === "object") return "object";
  return "other";
}

/** Validates settings against the schema and the product's rules; throws one error listing every problem. */
export function checkSettings(input: Record<string, unknown>, schema = managedSchema()): ManagedSettings {
  const problems: string[] = [];
  const settings: ManagedSettings = {};
  for (const key of REQUIRED) if (input[key] === undefined) problems.push(`${key} is required`);
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const property = schema.properties[key];
    if (!property) {
      problems.push(`${key} is not a managed setting (known: ${Object.keys(schema.properties).join(", ")})`);
      continue;
    }
    const actual = typeOf(value);
    const fits = actual === property.type || (property.type === "number" && actual === "integer");
    if (!fits) {
      problems.push(`${key} must be ${property.type}, got ${actual}`);
      continue;
    }
    if (strings(value).some(hasControlCharacter)) {
      // A line break would end a .reg line or a script line early and start another.
      problems.push(`${key} must not contain control characters (line breaks, tabs, NUL)`);
      continue;
    }
    const rule = RULES[key]?.safeParse(value);
    if (rule && !rule.success) {
      problems.push(`${key} ${rule.error.issues[0]?.message}`);
      continue;
    }
    settings[key] = value as SettingValue;
  }
  if (problems.length > 0) throw new Error(`managed settings refused:\n  ${problems.join("\n  ")}`);
  return settings;
}

/** A command-line value read as the schema's type for that key. */
export function parseSettingArgument(key: string, text: string, schema = managedSchema()): unknown {
  const type = schema.properties[key]?.type;
  if (type === "boolean") {
    if (text !== "true" && text !== "false") throw new Error(`${key} must be true or false, got "${text}"`);
    return text === "true";
  }
  if (type === "integer" || type === "number") {
    const number = Number(text);
    if (text.trim() === "" || !Number.isFinite(number)) throw new Error(`${key} must be a number, got "${text}"`);
    return number;
  }
  if (type === "array" || type === "object") {
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`${key} must be JSON (${type}), got "${text}"`);
    }
  }
  return text;
}
