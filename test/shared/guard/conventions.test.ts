/**
 * Keeps the detector registry honest: one detector per id, in the order of DETECTOR_IDS,
 * each in its own file named after it, documented (what it matches, its source, its known
 * limits), listed in the guard's README, with positive and near-miss corpora, and with
 * regular expressions whose matches are bounded in length (the scanner relies on it).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DETECTOR_CATEGORIES, DETECTOR_IDS } from "../../../shared/guard/ids";
import { DETECTORS } from "../../../shared/guard/registry";
import { CASES } from "./cases";

const GUARD = fileURLToPath(new URL("../../../shared/guard/", import.meta.url));
const source = (id: string) => readFileSync(join(GUARD, "detectors", `${id}.ts`), "utf8");

/** The regular-expression literals a detector scans with (`pattern:` and `PATTERN =`). */
function regexLiterals(text: string): string[] {
  return [...text.matchAll(/(?:pattern:|PATTERN =)\s*\/((?:\\.|\[(?:\\.|[^\]\\\n])*\]|[^/\\\n[])+)\/[dgimsuy]*/g)].map(
    (match) => match[1] as string,
  );
}

/** Whether a regex source has an unbounded quantifier (*, + or {n,}) outside a class. */
function unbounded(regex: string): boolean {
  for (let i = 0; i < regex.length; i++) {
    const char = regex[i];
    if (char === "\\") i++;
    else if (char === "[") {
      for (i++; i < regex.length && regex[i] !== "]"; i++) if (regex[i] === "\\") i++;
    } else if (char === "*" || char === "+") return true;
    else if (char === "{" && /^\{\d+,\}/.test(regex.slice(i))) return true;
  }
  return false;
}

describe("detector registry", () => {
  it("registers one detector per id, in order", () => {
    expect(DETECTORS.map((detector) => detector.id)).toEqual([...DETECTOR_IDS]);
    for (const detector of DETECTORS) expect(DETECTOR_CATEGORIES).toContain(detector.category);
  });

  it("keeps one file per detector, named after its id", () => {
    const files = readdirSync(join(GUARD, "detectors")).map((name) => name.replace(/\.ts$/, ""));
    expect(files.sort()).toEqual([...DETECTOR_IDS].sort());
  });

  it.each(DETECTOR_IDS)("documents %s: what it matches, its source and its limits", (id) => {
    const header = source(id).split("*/")[0] as string;
    expect(header.startsWith(`/**\n * ${id}: `)).toBe(true);
    expect(header).toMatch(/\* Sources?: /);
    expect(header).toMatch(/\* Known limits: /);
  });

  it.each(DETECTOR_IDS)("lists %s in the guard's README", (id) => {
    expect(readFileSync(join(GUARD, "README.md"), "utf8")).toMatch(new RegExp(`^\\| \`${id}\` +\\|`, "m"));
  });

  it.each(DETECTOR_IDS)("has positive and near-miss corpora for %s", (id) => {
    expect(CASES[id].positives.length).toBeGreaterThanOrEqual(3);
    expect(CASES[id].nearMisses.length).toBeGreaterThanOrEqual(3);
  });

  it.each(DETECTOR_IDS)("bounds every regular expression of %s", (id) => {
    for (const regex of regexLiterals(source(id))) expect(unbounded(regex), regex).toBe(false);
  });

  it("recognizes unbounded quantifiers (self-check)", () => {
    expect(regexLiterals("const PATTERN = /x+y/g;")).toEqual(["x+y"]);
    expect(regexLiterals(`pattern: /[/+]a{1,2}/g,`)).toEqual(["[/+]a{1,2}"]);
    expect(unbounded("a+")).toBe(true);
    expect(unbounded("a{2,}")).toBe(true);
    expect(unbounded("[+*]\\+a{2,5}")).toBe(false);
  });
});
