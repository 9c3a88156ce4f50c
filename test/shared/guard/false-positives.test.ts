/**
 * The guard's false-positive rate on ordinary business text, printed and held below
 * 0.5% of pastes, with the default policy's detectors and markings. Three corpora:
 *   written    test/corpus/guard/business.txt: pastes written for this test (mail, notes,
 *              code, logs, tables, invoices, contracts, in English and German)
 *   generated  2,000 pastes from test/support/business-text.ts (invoices with EAN-13 codes,
 *              CSV and Markdown tables, logs with timestamps, ids and hashes, code, notes)
 *   npm-docs   the Markdown documentation of this project's npm dependencies as pinned by
 *              package-lock.json (node_modules/**\/*.md), cut into 4 KB pastes: public text
 *              full of code, configuration and examples
 * Every paste with any hit counts as a false positive, even where the hit is a published
 * test value (a documentation's sample card number): the employee sees a warning either way.
 * Also prints each detector's precision over all corpora (its positives against every hit
 * it gave on near misses and ordinary text).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import defaultPolicy from "../../../policies/default-policy.json";
import { DETECTOR_IDS } from "../../../shared/guard/ids";
import { prepareGuard, scan } from "../../../shared/guard/scan";
import type { GuardSettings } from "../../../shared/guard/types";
import { guardSettingsOf } from "../../../shared/policy/guard";
import { policySchema } from "../../../shared/policy/schema";
import { businessPaste } from "../../support/business-text";
import { rngFor } from "../../support/guard-samples";
import { CASE_MARKINGS, CASE_PATTERNS, CASES, unmark } from "./cases";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const MAX_FALSE_POSITIVE_RATE = 0.005;
const PASTE_CHARS = 4000;

function writtenCorpus(): string[] {
  const text = readFileSync(join(ROOT, "test/corpus/guard/business.txt"), "utf8");
  return text
    .split(/^=====$/m)
    .slice(1)
    .map((paste) => paste.trim());
}

function generatedCorpus(): string[] {
  const rng = rngFor(2026);
  return Array.from({ length: 2000 }, () => businessPaste(rng));
}

function npmDocsCorpus(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (stat?.isDirectory()) walk(path);
      else if (stat && /\.md$/i.test(name) && stat.size < 512 * 1024) files.push(path);
    }
  };
  walk(join(ROOT, "node_modules"));
  const pastes: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    for (let i = 0; i < text.length; i += PASTE_CHARS) pastes.push(text.slice(i, i + PASTE_CHARS));
  }
  return pastes;
}

const settings = guardSettingsOf(policySchema.parse(defaultPolicy)) as GuardSettings;

describe("false positives on ordinary business text", () => {
  it("flags fewer than 0.5% of pastes (default policy)", () => {
    const guard = prepareGuard(settings);
    const corpora: Record<string, string[]> = {
      written: writtenCorpus(),
      generated: generatedCorpus(),
      "npm-docs": npmDocsCorpus(),
    };
    let total = 0;
    let flagged = 0;
    const lines: string[] = [];
    for (const [name, pastes] of Object.entries(corpora)) {
      // A corpus that failed to load would make the rate meaningless.
      expect(pastes.length, `${name} corpus is empty`).toBeGreaterThan(20);
      const hits = pastes
        .map((paste) => ({ paste, hits: scan(paste, guard).hits }))
        .filter((entry) => entry.hits.length > 0);
      total += pastes.length;
      flagged += hits.length;
      lines.push(
        `  ${name.padEnd(10)} ${String(pastes.length).padStart(5)} pastes  ${String(hits.length).padStart(3)} flagged  ${((100 * hits.length) / pastes.length).toFixed(2)}%`,
      );
      for (const { paste, hits: found } of hits) {
        for (const hit of found) {
          const context = paste.slice(Math.max(0, hit.start - 30), hit.end + 10).replace(/\s+/g, " ");
          lines.push(`      ${hit.detector}: …${context}…`);
        }
      }
    }
    const rate = flagged / total;
    console.log(
      [
        `guard false positives: ${flagged} of ${total} pastes = ${(100 * rate).toFixed(3)}% (limit ${100 * MAX_FALSE_POSITIVE_RATE}%)`,
        ...lines,
      ].join("\n"),
    );
    expect(rate).toBeLessThan(MAX_FALSE_POSITIVE_RATE);
  });

  it("prints each detector's precision over the corpora", () => {
    const business = [...writtenCorpus(), ...generatedCorpus(), ...npmDocsCorpus()];
    const rows: string[] = [];
    for (const detector of DETECTOR_IDS) {
      const guard = prepareGuard({
        ...settings,
        detectors: [detector],
        markings: CASE_MARKINGS,
        patterns: CASE_PATTERNS,
      });
      let truePositives = 0;
      let missed = 0;
      let falsePositives = 0;
      for (const marked of CASES[detector].positives) {
        const { text, spans } = unmark(marked);
        const found = scan(text, guard).hits.map((hit) => `${hit.start}:${hit.end}`);
        for (const [start, end] of spans) {
          if (found.includes(`${start}:${end}`)) truePositives++;
          else missed++;
        }
        falsePositives += found.filter((span) => !spans.some(([start, end]) => span === `${start}:${end}`)).length;
      }
      for (const text of [...CASES[detector].nearMisses, ...business]) falsePositives += scan(text, guard).hits.length;
      const precision = truePositives / Math.max(1, truePositives + falsePositives);
      const recall = truePositives / Math.max(1, truePositives + missed);
      rows.push(
        `  ${detector.padEnd(24)} ${String(truePositives).padStart(3)} found ${String(missed).padStart(2)} missed ${String(falsePositives).padStart(3)} false  precision ${(100 * precision).toFixed(1)}%  recall ${(100 * recall).toFixed(1)}%`,
      );
      expect(recall, `${detector} misses positives`).toBe(1);
    }
    console.log(["guard precision per detector (positives + near misses + business corpora):", ...rows].join("\n"));
  });
});
