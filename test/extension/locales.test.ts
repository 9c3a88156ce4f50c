import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FAILURE_CODES } from "../../extension/ui/standing";
import { REVIEW_STATUSES } from "../../shared/events";
import { DETECTOR_IDS } from "../../shared/guard/ids";
import { ACTIONS } from "../../shared/policy/schema";
import { REFUSAL_REASONS } from "../../shared/protocol";

// Vitest runs from the repository root (import.meta.url is not a file URL under WXT's plugin).
const root = join(process.cwd(), "extension");
const messages = (lang: string) =>
  JSON.parse(readFileSync(join(root, "public/_locales", lang, "messages.json"), "utf8")) as Record<
    string,
    { message: string; placeholders?: Record<string, { content: string }> }
  >;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "public" ? [] : sources(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

describe("translations", () => {
  const en = messages("en");
  const de = messages("de");

  it("has the same keys and placeholders in every language", () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
    for (const [key, entry] of Object.entries(en)) {
      expect(Object.keys(de[key]?.placeholders ?? {}), key).toEqual(Object.keys(entry.placeholders ?? {}));
    }
  });

  it("has every key the code asks for, including the families built from the vocabularies", () => {
    const used = new Set<string>();
    for (const file of [...sources(root), ...sources(join(process.cwd(), "shared", "policy"))]) {
      for (const match of readFileSync(file, "utf8").matchAll(/\bt\("([A-Za-z_]+)"/g)) used.add(match[1] as string);
    }
    for (const action of ACTIONS) used.add(`heading_${action}`).add(`action_${action}`);
    for (const status of REVIEW_STATUSES) used.add(`status_${status}`);
    for (const status of REVIEW_STATUSES.filter((s) => s !== "approved")) used.add(`whyStatus_${status}`);
    for (const level of ["low", "medium", "high"]) used.add(`riskLevel_${level}`);
    for (const key of ["serverUrl", "enrollmentToken", "group", "reporting"]) used.add(`setting_${key}`);
    for (const reason of [...REFUSAL_REASONS, "expired", "candidateOverflow"]) used.add(`notKept_${reason}`);
    for (const code of FAILURE_CODES) used.add(`failure_${code}`);
    for (const family of ["counts", "days"]) used.add(`${family}_one`).add(`${family}_other`);
    for (const kind of ["Counts", "Reasons", "Domains", "Lessons", "Enrollment", "Guard"]) used.add(`sentKind${kind}`);
    for (const id of DETECTOR_IDS) used.add(`guardDetector_${id.replaceAll("-", "_")}`);
    for (const action of ["warn", "block"]) used.add(`guardHeading_${action}`);
    for (const kind of ["paste", "drop", "files"]) used.add(`guardRemove_${kind}`).add(`guardAnyway_${kind}`);
    expect(used.size).toBeGreaterThan(40);
    for (const key of used) expect(en, key).toHaveProperty(key);
  });
});
