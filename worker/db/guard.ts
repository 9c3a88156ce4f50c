import type { GuardOutcomeDevices, GuardSummary } from "../../shared/admin";
import { GUARD_OUTCOMES, GUARD_SUBJECTS, type GuardOutcome, type GuardSubject } from "../../shared/guard/outcomes";
import { atLeastK } from "../privacy";
import { type BatchedRead, type Rows, readAlone } from "./batch";

/*
 * Sensitive-data warnings and what people did, for awareness and the evidence pack: distinct
 * devices per outcome over a period, overall and per detector, from the per-device guard
 * counts (so within the raw retention). A device counts once however many pastes it reported,
 * and devices flagged as outliers stay out until an admin keeps them.
 */

const COUNTED = "NOT EXISTS (SELECT 1 FROM device_flags f WHERE f.device_id = g.device_id AND f.state <> 'kept')";

export interface GuardDevices {
  outcomes: Map<GuardOutcome, number>;
  byDetector: Array<{ detector: GuardSubject; outcome: GuardOutcome; devices: number }>;
  /** Devices warned in the period that took a paste back at least once after a warning. */
  warnedThenRemoved: number;
}

/** Devices per outcome from..to, overall and per detector: a read to batch with others. */
export function guardDevicesRead(d1: D1Database, from: string, to: string): BatchedRead<GuardDevices> {
  const statements = [
    d1
      .prepare(
        `SELECT g.outcome, count(DISTINCT g.device_id) AS devices FROM guard_counts g
         WHERE g.day BETWEEN ?1 AND ?2 AND ${COUNTED} GROUP BY g.outcome`,
      )
      .bind(from, to),
    d1
      .prepare(
        `SELECT g.detector, g.outcome, count(DISTINCT g.device_id) AS devices FROM guard_counts g
         WHERE g.day BETWEEN ?1 AND ?2 AND ${COUNTED} GROUP BY g.detector, g.outcome`,
      )
      .bind(from, to),
    d1
      .prepare(
        `SELECT count(DISTINCT g.device_id) AS devices FROM guard_counts g
         WHERE g.day BETWEEN ?1 AND ?2 AND g.outcome = 'removed' AND ${COUNTED}
           AND EXISTS (SELECT 1 FROM guard_counts w WHERE w.device_id = g.device_id
                       AND w.outcome = 'warned' AND w.day BETWEEN ?1 AND ?2)`,
      )
      .bind(from, to),
  ];
  return { statements, read: guardDevicesOf };
}

export function guardDevices(d1: D1Database, from: string, to: string): Promise<GuardDevices> {
  return readAlone(d1, guardDevicesRead(d1, from, to));
}

function guardDevicesOf([overall, perDetector, removed]: Rows[]): GuardDevices {
  const outcomes = new Set<string>(GUARD_OUTCOMES);
  const subjects = new Set<string>(GUARD_SUBJECTS);
  return {
    outcomes: new Map(
      (overall?.results ?? [])
        .filter((row) => outcomes.has(String(row.outcome)))
        .map((row) => [String(row.outcome) as GuardOutcome, Number(row.devices)]),
    ),
    byDetector: (perDetector?.results ?? [])
      .filter((row) => outcomes.has(String(row.outcome)) && subjects.has(String(row.detector)))
      .map((row) => ({
        detector: String(row.detector) as GuardSubject,
        outcome: String(row.outcome) as GuardOutcome,
        devices: Number(row.devices),
      })),
    warnedThenRemoved: Number(removed?.results?.[0]?.devices ?? 0),
  };
}

/** Each figure withheld below k devices. */
export function guardSummaryView(found: GuardDevices, from: string, to: string, k: number): GuardSummary {
  const masked = (devices: (outcome: GuardOutcome) => number): GuardOutcomeDevices => {
    const cell = (outcome: GuardOutcome) => atLeastK(devices(outcome), devices(outcome), k);
    return {
      warned: cell("warned"),
      pasted_anyway: cell("pasted_anyway"),
      removed: cell("removed"),
      blocked: cell("blocked"),
    };
  };
  const detectors = [...new Set(found.byDetector.map((row) => row.detector))].sort();
  return {
    from,
    to,
    outcomes: masked((outcome) => found.outcomes.get(outcome) ?? 0),
    byDetector: detectors.map((detector) => ({
      detector,
      ...masked(
        (outcome) => found.byDetector.find((row) => row.detector === detector && row.outcome === outcome)?.devices ?? 0,
      ),
    })),
  };
}
