/**
 * How the guard's speed is measured, shared by `npm run bench:guard` and the throughput
 * test: pastes of ordinary business text with a few sensitive values in them (the work a
 * real paste causes), the default policy's guard, and a baseline measured in the same run.
 *
 * The baseline is the paste path without the guard: reading every character of the pasted
 * text once (what taking it from the clipboard and handing it on costs at least). The guard
 * adds its scan on top; on a busy shared machine both slow down alike, so their ratio is the
 * stable figure and absolute times are reported beside it.
 */
import defaultPolicy from "../../policies/default-policy.json";
import { type Guard, prepareGuard, scan } from "../../shared/guard/scan";
import type { GuardSettings } from "../../shared/guard/types";
import { guardSettingsOf } from "../../shared/policy/guard";
import { policySchema } from "../../shared/policy/schema";
import { businessText } from "./business-text";
import { cardNumber, ibanNumber, printedIban, rngFor, tokens } from "./guard-samples";

export function defaultGuard(): Guard {
  return prepareGuard(guardSettingsOf(policySchema.parse(defaultPolicy)) as GuardSettings);
}

/** Ordinary text of `length` characters with one sensitive value about every 20 KB. */
export function pasteOf(length: number, seed: number): string {
  const rng = rngFor(seed);
  const text = businessText(rng, length);
  const parts: string[] = [];
  const step = 20_000;
  for (let at = 0; at < text.length; at += step) {
    const sensitive = [
      `card ${cardNumber(rng)}`,
      `IBAN ${printedIban(ibanNumber(rng))}`,
      `token ${tokens.github(rng)}`,
    ][Math.floor(at / step) % 3] as string;
    parts.push(text.slice(at, at + step - sensitive.length - 2), ` ${sensitive}\n`);
  }
  return parts.join("").slice(0, length);
}

/** The paste path without the guard: every character read once. */
function baseline(text: string): number {
  let sum = 0;
  for (let i = 0; i < text.length; i++) sum = (sum + text.charCodeAt(i)) | 0;
  return sum;
}

export interface Samples {
  guard: number[];
  baseline: number[];
}

/**
 * Times the guard and the baseline on the same texts, alternating, `rounds` times over each
 * text, so drift and garbage collection fall on both alike.
 */
export function measure(texts: string[], rounds: number, guard: Guard = defaultGuard()): Samples {
  const samples: Samples = { guard: [], baseline: [] };
  let sink = 0;
  // Warm up both paths so the first timed runs are not the compiler's.
  for (const text of texts.slice(0, 3)) {
    scan(text, guard);
    sink += baseline(text);
  }
  for (let round = 0; round < rounds; round++) {
    for (const text of texts) {
      let started = performance.now();
      sink += scan(text, guard).hits.length;
      samples.guard.push(performance.now() - started);
      started = performance.now();
      sink += baseline(text);
      samples.baseline.push(performance.now() - started);
    }
  }
  if (sink === 0.5) console.log("unreachable");
  return samples;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/**
 * A reference workload for a speed gate that holds on a busy machine: a few simple regular
 * expressions run over the same text, on the same engine the detectors use, taking about
 * as long as the guard. Machine load slows both alike, so their ratio barely moves.
 */
const REFERENCE = [/\d{4,}/g, /[A-Z]{2}\d{2}/g, /\w+@\w+/g, /\b[a-z]{3,}\b/g, /[0-9a-f]{8,}/g, /\s{2,}/g];

function reference(text: string): number {
  let count = 0;
  for (const pattern of REFERENCE) {
    pattern.lastIndex = 0;
    while (pattern.exec(text) !== null) count++;
  }
  return count;
}

/** Median over rounds of the guard's time divided by the reference's, measured back to back. */
export function referenceRatio(texts: string[], rounds: number, guard: Guard = defaultGuard()): number {
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const text of texts) {
      let started = performance.now();
      scan(text, guard);
      const guardMs = performance.now() - started;
      started = performance.now();
      reference(text);
      ratios.push(guardMs / (performance.now() - started));
    }
  }
  return percentile(ratios, 50);
}
