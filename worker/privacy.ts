import type { GroupCoverage } from "../shared/admin";
import { weekStart } from "../shared/day";
import { LIMITS } from "../shared/limits";
import type { Env } from "./env";

/*
 * k-anonymity, applied by every admin view, export and webhook: a figure that covers fewer
 * than k devices is withheld (null), never rounded or shown "approximately". What a figure
 * "covers" is the set of devices it describes: a tool's users for its visits and outcomes,
 * the devices reporting on a day for that day's point, a group's active devices for the
 * group's coverage. A thing's existence (a tool, a candidate domain) stays visible, because
 * the security team must know it is in use; only its figures go, and its first and last seen
 * are coarsened to the week.
 */

/** k: the smallest device group a view or export may show (K_ANONYMITY, default LIMITS.kAnonymity). */
export function kAnonymity(env: Env): number {
  const configured = Number(env.K_ANONYMITY);
  return Number.isInteger(configured) && configured >= 1 ? configured : LIMITS.kAnonymity;
}

/** `value` when it describes at least k devices, else null. Zero devices describe nobody: 0 stays 0. */
export function atLeastK(value: number, devices: number, k: number): number | null {
  if (devices === 0) return value === 0 ? 0 : null;
  return devices >= k ? value : null;
}

/** A first or last seen day: exact for k devices or more, else the Monday of its week. */
export function coarseDay(day: string, devices: number, k: number): string {
  return devices >= k ? day : weekStart(day);
}

export interface GroupRow {
  group: string | null;
  /** Devices the row covers: what k is compared with. */
  active: number;
  acknowledged: number;
}

/**
 * Coverage by device group. Groups of fewer than k devices are merged into one "other groups"
 * row, shown when they reach k together. Because the totals are shown elsewhere, a single
 * withheld row could be recovered by subtraction: so while the withheld devices number fewer
 * than k, the smallest visible group is merged too (secondary suppression). What stays hidden
 * is then always at least k devices together, or nothing.
 */
export function suppressSmallGroups(rows: GroupRow[], k: number): GroupCoverage[] {
  const small = new Set(rows.filter((row) => row.active < k));
  const largeSmallestFirst = rows.filter((row) => !small.has(row)).sort((a, b) => a.active - b.active);
  const smallDevices = () => [...small].reduce((sum, row) => sum + row.active, 0);
  // Merged small groups that reach k are shown as one row; below k they stay withheld, and then
  // one more group joins them so the totals shown elsewhere cannot reveal them.
  while (small.size > 0 && smallDevices() < k && largeSmallestFirst.length > 0) {
    small.add(largeSmallestFirst.shift() as GroupRow);
  }
  const visible: GroupCoverage[] = rows
    .filter((row) => !small.has(row))
    .map((row) => ({
      group: row.group,
      other: false,
      active: row.active,
      acknowledged: row.acknowledged,
      suppressed: false,
    }))
    .sort((a, b) => (b.active ?? 0) - (a.active ?? 0) || (a.group ?? "").localeCompare(b.group ?? ""));
  if (small.size === 0) return visible;
  const merged = [...small].reduce(
    (sum, row) => ({ active: sum.active + row.active, acknowledged: sum.acknowledged + row.acknowledged }),
    { active: 0, acknowledged: 0 },
  );
  const shown = merged.active >= k;
  visible.push({
    group: null,
    other: true,
    active: shown ? merged.active : null,
    acknowledged: shown ? merged.acknowledged : null,
    suppressed: !shown,
  });
  return visible;
}
