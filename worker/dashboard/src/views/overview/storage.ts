/**
 * The database's growth against D1's size cap, from the daily sizes the cron records: how
 * fast it grows and, at that pace, when it would reach the cap.
 */
import { LIMITS } from "../../../../../shared/limits";

export interface StorageOutlook {
  /** Share of the cap in use now, 0..1. */
  used: number;
  /** Bytes a day, over the recorded span; null until two days are recorded. */
  perDay: number | null;
  /** Days recorded behind `perDay`. */
  spanDays: number;
  /** Days until the cap at that pace; null when it does not grow (or cannot be told yet). */
  daysLeft: number | null;
  /** The day the cap would be reached, `YYYY-MM-DD`. */
  capDay: string | null;
}

const DAY_MS = 86_400_000;

export function storageOutlook(
  bytesNow: number,
  history: Array<{ day: string; bytes: number }>,
  today: string,
  cap: number = LIMITS.d1MaxDatabaseBytes,
): StorageOutlook {
  const points = [...history].sort((a, b) => a.day.localeCompare(b.day));
  if (!points.some((point) => point.day === today)) points.push({ day: today, bytes: bytesNow });
  const first = points[0];
  const last = points.at(-1);
  const spanDays = first && last ? Math.round((Date.parse(last.day) - Date.parse(first.day)) / DAY_MS) : 0;
  const perDay = first && last && spanDays > 0 ? (last.bytes - first.bytes) / spanDays : null;
  const daysLeft = perDay !== null && perDay > 0 ? Math.max(0, Math.floor((cap - bytesNow) / perDay)) : null;
  return {
    used: Math.min(1, bytesNow / cap),
    perDay,
    spanDays,
    daysLeft,
    capDay: daysLeft === null ? null : new Date(Date.parse(today) + daysLeft * DAY_MS).toISOString().slice(0, 10),
  };
}
