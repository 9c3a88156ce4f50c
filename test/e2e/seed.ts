/**
 * Realistic data for the dashboard's end-to-end tests, written through the real APIs: an admin
 * creates one enrollment token per group (with the group's headcount as its cap), devices
 * enroll with them from addresses of their own and report three weeks of cumulative daily
 * counters the way the extension does (visits, and the nudge and its outcome as the default
 * policy decides it, on the day it was shown), justifications and unknown AI domains. Two
 * groups stay below k and must never be named; two devices report far above the fleet and
 * are flagged by the daily job; one device is revoked. An admin then reviews a tool and
 * decides an exception, with hostile text wherever free text is accepted.
 *
 * Two things a fresh local database cannot have are simulated, both as a deployment that has
 * run for weeks would hold them: the default policy published 60 days ago (counts dated before
 * their policy version was published are refused), and the daily job having recorded the
 * database's size a week ago (it runs with that week's time, before the data arrives).
 *
 * When a device answers a nudge, it takes the lesson the policy offers there (the shared
 * lesson plan decides which, and whether it is required) most of the time, and counts it as
 * the extension does: opened, completed, passed at the first try.
 *
 * The generator is seeded, and what it sent is returned as ground truth for the tests.
 */
import defaultPolicy from "../../policies/dist/default-policy.json";
import indexJson from "../../policies/dist/index.json";
import type { CompiledIndex, CompiledTool } from "../../shared/catalog/compile";
import { addDays, dayOf } from "../../shared/day";
import type { EventKind } from "../../shared/events";
import { evaluatePolicy } from "../../shared/policy/evaluate";
import { type LessonMemory, planLesson, rememberCompleted, rememberRequired } from "../../shared/policy/lessons";
import { policySchema } from "../../shared/policy/schema";
import type {
  CandidateCount,
  EnrollResponse,
  JustificationCount,
  LessonCount,
  ReportRequest,
} from "../../shared/protocol";
import { call, enrollFrom, publishedAt, runCron } from "../../worker/dev/device-api";
import { seededRandom as random } from "../support/random";
import type { Stack } from "./harness";

/** Markup that would run script if any view rendered network text as HTML. */
export const HOSTILE = "<img src=x onerror=alert(1)>";

/** Groups below k devices: no view may name them (the token list, where an admin made them, aside). */
export const SMALL_GROUPS = ["Legal", "Finance"];

const index = indexJson as unknown as CompiledIndex;
const policy = policySchema.parse(defaultPolicy);
const toolsById = new Map(index.tools.map((tool) => [tool.id, tool]));
const DAY_MS = 86_400_000;

interface Usage {
  tool: string;
  /** Chance of using the tool on a given day. */
  daily: number;
  /** First day (days ago) the tool can be used; recent ones count as new this week. */
  since?: number;
  /** Only the first `devices` devices of the group use it. */
  devices?: number;
  /** The justification reason these people give (otherwise most give the policy's first). */
  reason?: string;
}

/** One tool's usage in a group: its daily chance, and what else sets it apart. */
const uses = (tool: string, daily: number, more: Omit<Usage, "tool" | "daily"> = {}): Usage => ({
  tool,
  daily,
  ...more,
});

const ALL: Usage[] = [uses("chatgpt", 0.8)];
interface GroupSpec {
  group: string | null;
  devices: number;
  browser: "chrome" | "edge" | "firefox";
  usage: Usage[];
}
const GROUPS: GroupSpec[] = [
  {
    group: "Engineering",
    devices: 9,
    browser: "chrome",
    usage: [
      uses("claude", 0.6),
      uses("github-copilot", 0.7),
      uses("cursor", 0.8, { since: 3 }),
      uses("deepseek", 0.5, { devices: 2 }),
    ],
  },
  {
    group: "Sales",
    devices: 7,
    browser: "edge",
    usage: [uses("deepl", 0.5), uses("otter", 0.4), uses("grammarly", 0.5), uses("perplexity", 0.3)],
  },
  {
    group: "Support",
    devices: 6,
    browser: "chrome",
    usage: [uses("claude", 0.4), uses("perplexity", 0.4), uses("grammarly", 0.3)],
  },
  { group: "Legal", devices: 2, browser: "firefox", usage: [uses("m365-copilot", 0.5)] },
  {
    group: "Finance",
    devices: 3,
    browser: "edge",
    usage: [
      uses("google-gemini", 0.4),
      // Fewer than k devices give this reason for this tool: an exception with withheld figures.
      uses("otter", 0.5, { reason: "customer-requirement" }),
    ],
  },
  // Enrolled with the worker's own ENROLLMENT_TOKEN: no group.
  {
    group: null,
    devices: 5,
    browser: "chrome",
    usage: [uses("midjourney", 0.5), uses("character-ai", 0.2, { devices: 1 }), uses("suno", 0.3, { devices: 3 })],
  },
];

/** Unknown sites that looked like AI tools, by the group whose devices visit them. */
const CANDIDATES: Array<{ domain: string; group: string | null; daily: number; devices?: number }> = [
  { domain: "tinyllm.dev", group: "Engineering", daily: 0.4 },
  { domain: "promptforge.io", group: "Sales", daily: 0.3 },
  { domain: "aiwriter-pro.com", group: null, daily: 0.5 },
  // One device only: listed, its figures withheld.
  { domain: "quietprompt.net", group: "Support", daily: 0.3, devices: 1 },
];

const DAYS = 21;

interface SeededDevice {
  deviceId: string;
  deviceToken: string;
  group: string | null;
}

export interface Seeded {
  today: string;
  devices: SeededDevice[];
  /** Sum of `visit` per tool, as sent. */
  visits: Map<string, number>;
  /** Devices that sent anything about a tool. */
  devicesByTool: Map<string, Set<string>>;
  /** Sum per `tool/reason` of the justifications sent. */
  justifications: Map<string, number>;
  candidates: string[];
  /** The enrollment token of each group, by group. */
  groupTokens: Map<string, string>;
  /** Devices flagged by the daily job: one for visits, one for answers to nudges. */
  outliers: { visits: SeededDevice; answers: SeededDevice };
  /** The device the seed revoked. */
  revoked: SeededDevice;
  /** The tool the seed reviewed and the exception it decided. */
  reviewedTool: string;
  tokenLabel: string;
  decidedException: { tool: string; reason: string };
}

/** What the seed records while it sends. */
type Truth = Omit<Seeded, "outliers" | "revoked">;

let addresses = 0;

/** Enrolls a device from an address of its own, as in a fleet (enrollment is rate limited per address). */
export function enroll(stack: Stack, token: string, extra: Record<string, string> = {}): Promise<EnrollResponse> {
  addresses++;
  return enrollFrom(stack, token, `10.77.${addresses >> 8}.${addresses & 255}`, extra);
}

/** Sets a published version's date back, as if it had been published `days` ago. */
function publishedDaysAgo(stack: Stack, version: number, days: number): Promise<void> {
  return publishedAt(stack, version, Date.now() - days * DAY_MS);
}

/** Cumulative daily counters of one device, built up the way the extension counts. */
class Counters {
  private readonly days = new Map<string, Map<string, number>>();
  readonly justifications: JustificationCount[] = [];
  readonly candidates: CandidateCount[] = [];
  readonly lessons: LessonCount[] = [];
  /** What the device remembers of lessons, as the extension keeps it. */
  lessonMemory: LessonMemory = {};
  constructor(
    private readonly device: SeededDevice,
    private readonly seeded: Truth,
  ) {}

  bump(day: string, tool: string, event: EventKind, n: number): void {
    const key = `${tool}\t${event}`;
    const counters = this.days.get(day) ?? new Map<string, number>();
    counters.set(key, (counters.get(key) ?? 0) + n);
    this.days.set(day, counters);
    if (event === "visit") this.seeded.visits.set(tool, (this.seeded.visits.get(tool) ?? 0) + n);
    const users = this.seeded.devicesByTool.get(tool) ?? new Set<string>();
    users.add(this.device.deviceId);
    this.seeded.devicesByTool.set(tool, users);
  }

  report(): ReportRequest {
    return {
      days: [...this.days]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([day, counters]) => ({
          day,
          counters: [...counters].map(([key, n]) => {
            const [tool, event] = key.split("\t") as [string, EventKind];
            return { tool, event, policyVersion: policy.version, n };
          }),
        })),
      ...(this.justifications.length ? { justifications: this.justifications } : {}),
      ...(this.candidates.length ? { candidates: this.candidates } : {}),
      ...(this.lessons.length ? { lessons: this.lessons } : {}),
    };
  }

  /**
   * The lesson offered with a nudge answered on `day`: taken when required, else three times
   * in four; passed at the first try two times in three. Its own random stream, so the rest
   * of the seed stays as it was.
   */
  lesson(day: string, decision: ReturnType<typeof evaluatePolicy>, tool: CompiledTool, rand: () => number): void {
    const plan = planLesson(policy, decision, tool, this.lessonMemory, day);
    if (!plan.lesson || (!plan.required && rand() >= 0.75)) return;
    const { id, version } = plan.lesson;
    if (plan.required) this.lessonMemory = rememberRequired(this.lessonMemory, day);
    const outcomes: LessonCount["outcome"][] = ["opened", "completed"];
    if (rand() < 2 / 3) outcomes.push("passed_first_try");
    for (const outcome of outcomes) {
      const known = this.lessons.find(
        (l) => l.day === day && l.lesson === id && l.version === version && l.outcome === outcome,
      );
      if (known) known.n += 1;
      else this.lessons.push({ day, lesson: id, version, outcome, n: 1 });
    }
    this.lessonMemory = rememberCompleted(this.lessonMemory, plan.lesson);
  }
}

/** A device's three weeks: each tool on the days it is used, the nudge due until answered. */
function use(
  counters: Counters,
  usages: Usage[],
  d: number,
  today: string,
  rand: () => number,
  seeded: Truth,
  lessonRand: () => number,
) {
  for (const usage of usages) {
    if (usage.devices !== undefined && d >= usage.devices) continue;
    const tool = toolsById.get(usage.tool);
    if (!tool) throw new Error(`${usage.tool} is not in the catalog`);
    const decision = evaluatePolicy(policy, tool);
    let answered = false;
    for (let ago = Math.min(usage.since ?? DAYS - 1, DAYS - 1); ago >= 0; ago--) {
      // Every device uses its first tool today, so every device counts as active.
      if (rand() >= usage.daily && !(ago === 0 && usage === usages[0])) continue;
      const day = addDays(today, -ago);
      const visits = 1 + Math.floor(rand() * 6);
      counters.bump(day, tool.id, "visit", visits);
      if (decision.action === "block") {
        counters.bump(day, tool.id, "blocked", visits);
        if (!answered) counters.bump(day, tool.id, "review_requested", 1);
        answered = true;
        continue;
      }
      if (answered || decision.action === "allow") continue;
      counters.bump(day, tool.id, "nudge_shown", 1);
      // One in five leaves the first time and answers on a later day.
      if (rand() < 0.2) {
        counters.bump(day, tool.id, "left", 1);
        continue;
      }
      counters.lesson(day, decision, tool, lessonRand);
      if (decision.action === "acknowledge") counters.bump(day, tool.id, "acknowledged", 1);
      if (decision.action === "justify") {
        counters.bump(day, tool.id, "justified", 1);
        // Most people give the first reason, so some exceptions reach k devices.
        const reason = usage.reason
          ? policy.reasons.find((r) => r.id === usage.reason)
          : policy.reasons[rand() < 0.85 ? 0 : Math.floor(rand() * policy.reasons.length)];
        if (!reason) throw new Error("the default policy has no reasons");
        counters.justifications.push({ day, tool: tool.id, reason: reason.id, policyVersion: policy.version, n: 1 });
        const key = `${tool.id}/${reason.id}`;
        seeded.justifications.set(key, (seeded.justifications.get(key) ?? 0) + 1);
      }
      if (decision.action === "inform") counters.bump(day, tool.id, "dismissed", 1);
      answered = true;
    }
  }
}

export async function seed(stack: Stack): Promise<Seeded> {
  const rand = random(42);
  const lessonRand = random(7);
  const now = Date.now();
  const today = dayOf(now);
  const admin = stack.tokens.admin;
  await publishedDaysAgo(stack, policy.version, 60);
  // The daily job a week ago, while the database was still nearly empty.
  await runCron(stack, now - 7 * DAY_MS);

  const seeded: Truth = {
    today,
    devices: [],
    visits: new Map(),
    devicesByTool: new Map(),
    justifications: new Map(),
    candidates: CANDIDATES.map((c) => c.domain),
    groupTokens: new Map(),
    reviewedTool: "perplexity",
    tokenLabel: `Support rollout ${HOSTILE}`,
    decidedException: { tool: "", reason: "" },
  };

  for (const spec of GROUPS) {
    let token = stack.tokens.enrollment;
    if (spec.group) {
      const label = spec.group === "Support" ? seeded.tokenLabel : `${spec.group} laptops`;
      const body = { label, group: spec.group, maxDevices: spec.devices + 3 };
      token = (
        await call<{ token: string }>(stack, "/api/admin/enrollment-tokens", {
          method: "POST",
          bearer: admin,
          body: JSON.stringify(body),
        })
      ).token;
      seeded.groupTokens.set(spec.group, token);
    }
    for (let d = 0; d < spec.devices; d++) {
      const enrolled = await enroll(stack, token, { browser: spec.browser });
      const device: SeededDevice = {
        deviceId: enrolled.deviceId,
        deviceToken: enrolled.deviceToken,
        group: spec.group,
      };
      seeded.devices.push(device);
      const counters = new Counters(device, seeded);
      use(counters, [...ALL, ...spec.usage], d, today, rand, seeded, lessonRand);
      for (const candidate of CANDIDATES) {
        if (candidate.group !== spec.group || (candidate.devices !== undefined && d >= candidate.devices)) continue;
        for (let ago = DAYS - 1; ago >= 0; ago--) {
          if (rand() < candidate.daily) {
            const n = 1 + Math.floor(rand() * 3);
            counters.candidates.push({ day: addDays(today, -ago), domain: candidate.domain, n });
          }
        }
      }
      // The last device of Engineering reloads a tool thousands of times yesterday, the last of
      // Sales answers dozens of nudges: the daily job flags both.
      const yesterday = addDays(today, -1);
      if (spec.group === "Engineering" && d === spec.devices - 1) counters.bump(yesterday, "chatgpt", "visit", 2_500);
      if (spec.group === "Sales" && d === spec.devices - 1) {
        counters.bump(yesterday, "grammarly", "nudge_shown", 60);
        counters.bump(yesterday, "grammarly", "dismissed", 60);
      }
      await call(stack, "/api/v1/reports", {
        method: "POST",
        bearer: device.deviceToken,
        body: JSON.stringify(counters.report()),
      });
    }
  }
  const inGroup = (group: string) => seeded.devices.filter((device) => device.group === group);
  const outliers = { visits: inGroup("Engineering").at(-1), answers: inGroup("Sales").at(-1) };
  const revoked = inGroup("Engineering")[1];
  if (!outliers.visits || !outliers.answers || !revoked) throw new Error("the seed has too few devices");
  // The daily job of today: flags yesterday's outliers and records the database's size.
  await runCron(stack, now);

  // What a security team would already have done, with hostile text in every free-text field.
  await call(stack, `/api/admin/devices/${revoked.deviceId}/revoke`, { method: "POST", bearer: admin });
  await call(stack, `/api/admin/tools/${seeded.reviewedTool}/review`, {
    method: "PUT",
    bearer: admin,
    body: JSON.stringify({
      status: "approved_with_conditions",
      owner: `Search team ${HOSTILE}`,
      notes: `Reviewed the terms. ${HOSTILE}`,
      conditions: "Public information only.",
      nextReview: addDays(today, 90),
    }),
  });
  const [first] = [...seeded.justifications.keys()].sort();
  if (!first) throw new Error("the seed produced no justification");
  const [tool, reason] = first.split("/") as [string, string];
  seeded.decidedException = { tool, reason };
  await call(stack, `/api/admin/exceptions/${tool}/${reason}`, {
    method: "PUT",
    bearer: admin,
    body: JSON.stringify({ decision: "granted", owner: `Compliance ${HOSTILE}`, expiry: addDays(today, 30) }),
  });
  return { ...seeded, outliers: { visits: outliers.visits, answers: outliers.answers }, revoked };
}
