import type { CandidateSignal } from "../../shared/catalog/candidates";
import type { EventKind } from "../../shared/events";
import { LIMITS } from "../../shared/limits";
import type { LessonMemory } from "../../shared/policy/lessons";
import type { LessonCount, ReportRequest } from "../../shared/protocol";

/** What one device counted, day by day, in the report's shape. */
export class DeviceCounts {
  private readonly days = new Map<string, Map<string, number>>();
  readonly justifications = new Map<string, number>();
  readonly candidates = new Map<string, number>();
  /** domain -> the signals its candidate entries carry */
  readonly candidateSignals = new Map<string, CandidateSignal[]>();
  readonly lessons = new Map<string, number>();
  readonly extensions = new Map<string, boolean>();
  readonly browsers = new Map<string, string>();
  readonly tools = new Set<string>();
  lessonMemory: LessonMemory = {};

  bump(day: string, tool: string, event: EventKind, version: number, n = 1): void {
    const counters = this.days.get(day) ?? new Map<string, number>();
    const key = `${tool}\t${event}\t${version}`;
    counters.set(key, (counters.get(key) ?? 0) + n);
    this.days.set(day, counters);
    this.tools.add(tool);
  }

  add(map: Map<string, number>, key: string, n = 1): void {
    map.set(key, (map.get(key) ?? 0) + n);
  }

  /** The reports that carry it all, each within the days one report may hold. */
  reports(): ReportRequest[] {
    const days = [
      ...new Set([...this.days.keys(), ...[...this.candidates.keys()].map((k) => k.split("\t")[0] as string)]),
    ]
      .concat(
        [...this.extensions.keys()].map((k) => k.split("\t")[0] as string),
        [...this.browsers.keys()],
      )
      .filter((day, i, all) => all.indexOf(day) === i)
      .sort();
    const reports: ReportRequest[] = [];
    for (let start = 0; start < days.length; start += LIMITS.maxDaysPerReport) {
      const chunk = new Set(days.slice(start, start + LIMITS.maxDaysPerReport));
      const within = <T>(map: Map<string, T>) =>
        [...map]
          .filter(([key]) => chunk.has(key.split("\t")[0] as string))
          .map(([key, value]) => [key.split("\t"), value] as const);
      const report: ReportRequest = {
        days: [...chunk].flatMap((day) => {
          const counters = this.days.get(day);
          if (!counters) return [];
          return [
            {
              day,
              counters: [...counters].map(([key, n]) => {
                const [tool, event, version] = key.split("\t") as [string, EventKind, string];
                return { tool, event, policyVersion: Number(version), n };
              }),
            },
          ];
        }),
      };
      const justifications = within(this.justifications).map(([[day, tool, reason, version], n]) => ({
        day: day as string,
        tool: tool as string,
        reason: reason as string,
        policyVersion: Number(version),
        n,
      }));
      const candidates = within(this.candidates).map(([[day, domain], n]) => {
        const signals = this.candidateSignals.get(domain as string);
        return { day: day as string, domain: domain as string, n, ...(signals ? { signals } : {}) };
      });
      const lessons = within(this.lessons).map(([[day, lesson, version, outcome], n]) => ({
        day: day as string,
        lesson: lesson as string,
        version: Number(version),
        outcome: outcome as LessonCount["outcome"],
        n,
      }));
      const extensions = within(this.extensions).map(([[day, extension], enabled]) => ({
        day: day as string,
        extension: extension as string,
        enabled,
      }));
      const browsers = within(this.browsers).map(([[day], browser]) => ({ day: day as string, browser }));
      if (justifications.length) report.justifications = justifications;
      if (candidates.length) report.candidates = candidates;
      if (lessons.length) report.lessons = lessons;
      if (extensions.length) report.extensions = extensions;
      if (browsers.length) report.browsers = browsers;
      reports.push(report);
    }
    return reports;
  }
}
