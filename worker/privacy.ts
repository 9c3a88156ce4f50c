import { LIMITS } from "../shared/limits";
import type { Env } from "./env";

/** k: the smallest device group a view or export may show (K_ANONYMITY, default LIMITS.kAnonymity). */
export function kAnonymity(env: Env): number {
  const configured = Number(env.K_ANONYMITY);
  return Number.isInteger(configured) && configured >= 1 ? configured : LIMITS.kAnonymity;
}

export interface GroupRow {
  group: string | null;
  /** Devices the row covers: what k is compared with. */
  active: number;
  acknowledged: number;
}

export interface MaskedGroupRow {
  group: string | null;
  active: number | null;
  acknowledged: number | null;
  suppressed: boolean;
}

/**
 * Suppresses every group of fewer than k devices. Because the totals are shown elsewhere
 * (all active devices, all acknowledgements), a single hidden group could be recovered by
 * subtraction; so while the hidden groups together cover fewer than k devices, the smallest
 * visible group is hidden too (secondary suppression). What remains hidden is then always at
 * least k devices together, or nothing.
 */
export function suppressSmallGroups(rows: GroupRow[], k: number): MaskedGroupRow[] {
  const hidden = new Set(rows.filter((row) => row.active < k));
  const visibleSmallestFirst = rows.filter((row) => !hidden.has(row)).sort((a, b) => a.active - b.active);
  const hiddenDevices = () => [...hidden].reduce((sum, row) => sum + row.active, 0);
  while (hidden.size > 0 && hiddenDevices() < k && visibleSmallestFirst.length > 0) {
    hidden.add(visibleSmallestFirst.shift() as GroupRow);
  }
  return rows
    .map((row) =>
      hidden.has(row)
        ? { group: row.group, active: null, acknowledged: null, suppressed: true }
        : { group: row.group, active: row.active, acknowledged: row.acknowledged, suppressed: false },
    )
    .sort((a, b) => (b.active ?? -1) - (a.active ?? -1) || (a.group ?? "").localeCompare(b.group ?? ""));
}
