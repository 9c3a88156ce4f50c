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
export function baseline(text: string): number {
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
