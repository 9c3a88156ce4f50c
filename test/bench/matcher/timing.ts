/**
 * Timing the matcher benchmark's engines: the mix is cut into batches; every round visits the
 * batches in a fresh random order and runs all engines on each batch, in a rotating order, so
 * drift, GC and cache effects spread evenly. Per-URL time is a batch's time over its size;
 * p50/p99 are taken over batches. A second, smaller pass times single calls (timer cost
 * subtracted) to show the tail.
 */
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CompiledIndex } from "../../../shared/catalog/compile";
import { seededRandom as random } from "../../support/random";
import type { Engine } from "./engines";

export const BATCH = 100;
const COLD_CHILDREN = 15;

export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

export interface Timing {
  p50: number;
  p99: number;
  mean: number;
  oneP50: number;
  oneP99: number;
}

export function timeEngines(engines: Engine[], urls: string[], rounds: number): Timing[] {
  const batches = Math.ceil(urls.length / BATCH);
  const perUrl = engines.map(() => new Float64Array(batches * rounds));
  const rng = random(7);
  const order = Array.from({ length: batches }, (_, i) => i);
  let sink = 0;
  let sample = 0;
  for (let round = 0; round < rounds; round++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (const batch of order) {
      const from = batch * BATCH;
      const to = Math.min(urls.length, from + BATCH);
      // Rotate which engine goes first: the first one pays for bringing the batch into cache.
      for (let k = 0; k < engines.length; k++) {
        const e = (k + sample) % engines.length;
        const engine = engines[e] as Engine;
        const started = process.hrtime.bigint();
        sink += engine.run(urls, from, to);
        const elapsed = Number(process.hrtime.bigint() - started);
        (perUrl[e] as Float64Array)[sample] = elapsed / (to - from);
      }
      sample++;
    }
  }

  // Single calls on a sample of the mix, less the timer's own cost, for the tail.
  const singles = urls.filter((_, i) => i % 10 === 3);
  const timer = new Float64Array(singles.length);
  for (let i = 0; i < singles.length; i++) {
    const started = process.hrtime.bigint();
    timer[i] = Number(process.hrtime.bigint() - started);
  }
  const timerCost = quantile(timer.sort(), 0.5);
  const timings = engines.map((engine, e) => {
    const one = new Float64Array(singles.length);
    for (let i = 0; i < singles.length; i++) {
      const url = singles[i] as string;
      const started = process.hrtime.bigint();
      if (engine.one(url)) sink++;
      one[i] = Math.max(0, Number(process.hrtime.bigint() - started) - timerCost);
    }
    one.sort();
    const batchTimes = (perUrl[e] as Float64Array).sort();
    let total = 0;
    for (const t of batchTimes) total += t;
    return {
      p50: quantile(batchTimes, 0.5),
      p99: quantile(batchTimes, 0.99),
      mean: total / batchTimes.length,
      oneP50: quantile(one, 0.5),
      oneP99: quantile(one, 0.99),
    };
  });
  if (sink === -1) console.log("unreachable");
  return timings;
}

/**
 * Cold load of the compiled index: `script --cold-load <file>` in a fresh process (fresh heap,
 * no JIT) times parsing it, building the matcher and one lookup; warm: the same in this process.
 */
export async function coldLoad(script: string, indexText: string): Promise<{ coldMs: number; warmMs: number }> {
  const { createMatcher } = await import("../../../shared/catalog/matcher");
  const file = join(tmpdir(), `shadowlight-index-${process.pid}.json`);
  writeFileSync(file, indexText);
  const cold: number[] = [];
  try {
    for (let i = 0; i < COLD_CHILDREN; i++) {
      // The same interpreter and loader flags (tsx) as this process, in a fresh process.
      const child = spawnSync(process.execPath, [...process.execArgv, script, "--cold-load", file], {
        encoding: "utf8",
      });
      const line = child.stdout.trim().split("\n").pop() ?? "";
      if (child.status !== 0 || !line.startsWith("{")) {
        throw new Error(`cold-load child failed: ${child.stderr || child.stdout}`);
      }
      const result = JSON.parse(line) as { ms: number; found: string | null };
      if (result.found === null) throw new Error("cold-load child did not recognize chatgpt.com");
      cold.push(result.ms);
    }
  } finally {
    rmSync(file, { force: true });
  }
  const warm: number[] = [];
  for (let i = 0; i < 50; i++) {
    const started = performance.now();
    createMatcher(JSON.parse(indexText) as CompiledIndex).classify("https://chatgpt.com/");
    warm.push(performance.now() - started);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  return { coldMs: median(cold), warmMs: median(warm) };
}
