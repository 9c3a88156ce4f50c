import { dayOf } from "../../shared/day";
import { policySchema } from "../../shared/policy/schema";
import type { ReportRequest } from "../../shared/protocol";
import type { StoredState } from "../plausibility";
import { PUBLISHED_LESSON_VERSIONS } from "./lessons";

/**
 * What the plausibility checks need besides the report, read in one D1 round trip: the
 * device's stored counters, justification reasons, candidate domains and guard counts for the
 * report's days, every published policy version's day, and the reasons of the versions it
 * names; when the report carries lesson outcomes, also the device's stored outcomes and every
 * published lesson version's day.
 */
export async function readStoredState(d1: D1Database, deviceId: string, report: ReportRequest): Promise<StoredState> {
  const days = [
    ...new Set([
      ...report.days.map((entry) => entry.day),
      ...(report.justifications ?? []).map((j) => j.day),
      ...(report.candidates ?? []).map((c) => c.day),
      ...(report.lessons ?? []).map((l) => l.day),
      ...(report.browsers ?? []).map((b) => b.day),
      ...(report.embeds ?? []).map((e) => e.day),
      ...(report.extensionTokens ?? []).map((t) => t.day),
      ...(report.revealedExtensions ?? []).map((r) => r.day),
      ...(report.guard ?? []).map((g) => g.day),
    ]),
  ];
  const versions = [...new Set((report.justifications ?? []).map((j) => j.policyVersion))];
  // Days are at most LIMITS.maxDaysPerReport (40) plus the device id: under 100 parameters.
  const dayList = days.map((_, i) => `?${i + 2}`).join(", ") || "NULL";
  const versionList = versions.map((_, i) => `?${i + 1}`).join(", ") || "NULL";
  const [
    counters,
    justifications,
    candidates,
    published,
    bodies,
    embeds,
    browsers,
    tokens,
    revealed,
    guard,
    lessons,
    lessonVersions,
  ] = await d1.batch([
    d1
      .prepare(
        `SELECT day, tool, event, policy_version AS version, n FROM daily_counters
         WHERE device_id = ?1 AND day IN (${dayList})`,
      )
      .bind(deviceId, ...days),
    d1
      .prepare(
        `SELECT day, tool, reason, policy_version AS version, n FROM justifications
         WHERE device_id = ?1 AND day IN (${dayList})`,
      )
      .bind(deviceId, ...days),
    d1
      .prepare(`SELECT day, domain FROM candidates WHERE device_id = ?1 AND day IN (${dayList})`)
      .bind(deviceId, ...days),
    d1.prepare("SELECT version, published_at AS publishedAt FROM policy_versions"),
    d1.prepare(`SELECT version, body FROM policy_versions WHERE version IN (${versionList})`).bind(...versions),
    d1
      .prepare(`SELECT day, site, tool FROM embeds WHERE device_id = ?1 AND day IN (${dayList})`)
      .bind(deviceId, ...days),
    d1
      .prepare(`SELECT day, browser FROM device_browsers WHERE device_id = ?1 AND day IN (${dayList})`)
      .bind(deviceId, ...days),
    d1
      .prepare(`SELECT day, token AS key FROM extension_tokens WHERE device_id = ?1 AND day IN (${dayList})`)
      .bind(deviceId, ...days),
    d1
      .prepare(
        `SELECT day, store || '|' || extension_id AS key FROM revealed_extensions WHERE device_id = ?1 AND day IN (${dayList})`,
      )
      .bind(deviceId, ...days),
    d1
      .prepare(
        `SELECT day, tool, detector, outcome, policy_version AS version, n FROM guard_counts
         WHERE device_id = ?1 AND day IN (${dayList})`,
      )
      .bind(deviceId, ...days),
    // Lesson outcomes are rarer than counters: their state is read only when the report has some.
    ...(report.lessons?.length
      ? [
          d1
            .prepare(
              `SELECT day, lesson, version, outcome, n FROM lesson_outcomes
               WHERE device_id = ?1 AND day IN (${dayList})`,
            )
            .bind(deviceId, ...days),
          d1.prepare(PUBLISHED_LESSON_VERSIONS),
        ]
      : []),
  ]);
  type Row = Record<string, string | number>;
  const rows = (result: D1Result | undefined) => (result?.results ?? []) as Row[];
  const state: StoredState = {
    counters: new Map(rows(counters).map((r) => [`${r.day}|${r.tool}|${r.event}|${r.version}`, Number(r.n)])),
    justifications: new Map(
      rows(justifications).map((r) => [`${r.day}|${r.tool}|${r.reason}|${r.version}`, Number(r.n)]),
    ),
    candidates: new Map(),
    guard: new Map(rows(guard).map((r) => [`${r.day}|${r.tool}|${r.detector}|${r.outcome}|${r.version}`, Number(r.n)])),
    published: new Map(rows(published).map((r) => [Number(r.version), dayOf(Number(r.publishedAt))])),
    reasons: new Map(
      rows(bodies).map((r) => [
        Number(r.version),
        new Set(policySchema.parse(JSON.parse(String(r.body))).reasons.map((reason) => reason.id)),
      ]),
    ),
    lessons: new Map(rows(lessons).map((r) => [`${r.day}|${r.lesson}|${r.version}|${r.outcome}`, Number(r.n)])),
    lessonVersions: new Map(
      rows(lessonVersions).map((r) => [`${r.lesson}|${r.version}`, dayOf(Number(r.publishedAt))]),
    ),
  };
  state.browsers = new Map(rows(browsers).map((r) => [String(r.day), String(r.browser)]));
  const byDay = (list: Row[], keyOf: (row: Row) => string) => {
    const found = new Map<string, Set<string>>();
    for (const row of list) {
      const keys = found.get(String(row.day)) ?? new Set<string>();
      keys.add(keyOf(row));
      found.set(String(row.day), keys);
    }
    return found;
  };
  state.embeds = byDay(rows(embeds), (row) => `${row.site}|${row.tool}`);
  state.extensionTokens = byDay(rows(tokens), (row) => String(row.key));
  state.revealedExtensions = byDay(rows(revealed), (row) => String(row.key));
  for (const row of rows(candidates)) {
    const day = String(row.day);
    const domains = state.candidates.get(day) ?? new Set<string>();
    domains.add(String(row.domain));
    state.candidates.set(day, domains);
  }
  return state;
}
