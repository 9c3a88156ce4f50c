/**
 * What the benchmarks share: percentiles, rounding, and the line that
 * states a figure against its target. Every benchmark prints each figure with its target and
 * ends with one JSON line.
 */

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] as number;
}

export function median(values: number[]): number {
  const sorted = sortedCopy(values);
  if (sorted.length === 0) return 0;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export const round = (value: number, digits = 1): number => Number(value.toFixed(digits));

export function sortedCopy(values: number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

export interface Target {
  name: string;
  value: number;
  /** "min": the value must be at least `limit`; "max": at most. */
  kind: "min" | "max";
  limit: number;
  unit?: string;
}

export function met(target: Target): boolean {
  return target.kind === "min" ? target.value >= target.limit : target.value <= target.limit;
}

/** "name 0.86 (target >= 0.8, met)" */
export function describeTarget(target: Target): string {
  const unit = target.unit ? ` ${target.unit}` : "";
  const sign = target.kind === "min" ? ">=" : "<=";
  return `${target.name} ${target.value}${unit} (target ${sign} ${target.limit}${unit}, ${met(target) ? "met" : "MISSED"})`;
}
