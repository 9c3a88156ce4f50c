/**
 * The demo organization: about 330 people in eight departments, 90 days of AI use across
 * some 60 catalog tools, two policy versions, reviews, exceptions and unknown AI sites, all of
 * it sent through the real device and admin APIs so every figure has passed the same checks a
 * real fleet's counts pass (rate limits included: each device enrolls from an address of its
 * own, with its department's enrollment token, and sends three reports).
 *
 * How people use tools: a few tools are everyday tools for most of a department, most are
 * used by a handful of people; some spread over the quarter (each new user starts on a day of
 * their own, so the curve rises), some fade (each user stops on a day of their own). Weekends
 * are quiet. A device answers a nudge the way the extension asks it (acknowledge and justify
 * once per policy version, inform once a day, a block on every visit), takes the lesson the
 * policy offers most of the time, and moves to the new policy version within a day or two of
 * its publication (a few laptops stay closed for weeks).
 *
 * Seeded: the same organization, counts and pseudonym order on every run, given the same day.
 */
import canonicalize from "canonicalize";
import defaultPolicyJson from "../../policies/dist/default-policy.json";
import indexJson from "../../policies/dist/index.json";
import type { PolicyListResponse, PolicyPublishResponse } from "../../shared/admin";
import type { CompiledIndex, CompiledTool } from "../../shared/catalog/compile";
import { addDays, dayOf } from "../../shared/day";
import type { EventKind, ReviewStatus } from "../../shared/events";
import { LIMITS } from "../../shared/limits";
import { evaluatePolicy } from "../../shared/policy/evaluate";
import { type LessonMemory, planLesson, rememberCompleted, rememberRequired } from "../../shared/policy/lessons";
import { type Policy, policySchema } from "../../shared/policy/schema";
import type { LessonCount, ReportRequest } from "../../shared/protocol";
import { call, enrollFrom, type LocalServer, publishedAt, runCron } from "./device-api";
import { seededRandom } from "./random";

const DAY_MS = 86_400_000;
/** Days of use the demo holds: the worker keeps (and accepts) no older days. */
export const DEMO_DAYS = LIMITS.retentionDays;
/** When the two policy versions were published, in days before today. */
export const DEMO_VERSIONS = [
  { version: 1, daysAgo: 100 },
  { version: 2, daysAgo: 30 },
] as const;

type Browser = "chrome" | "edge" | "firefox";
interface Department {
  name: string;
  devices: number;
  browsers: Browser[];
}

/** Each department enrolls with a token of its own (never more devices in a minute than a token takes). */
export const DEPARTMENTS: Department[] = [
  { name: "Engineering", devices: 84, browsers: ["chrome", "chrome", "firefox"] },
  { name: "Sales", devices: 62, browsers: ["edge", "edge", "chrome"] },
  { name: "Customer Support", devices: 48, browsers: ["edge", "chrome"] },
  { name: "Product and Design", devices: 36, browsers: ["chrome"] },
  { name: "Marketing", devices: 34, browsers: ["chrome", "edge"] },
  { name: "Operations", devices: 26, browsers: ["edge"] },
  { name: "Finance", devices: 24, browsers: ["edge"] },
  { name: "Legal and People", devices: 16, browsers: ["edge", "firefox"] },
];
type DepartmentName = (typeof DEPARTMENTS)[number]["name"];

interface Adoption {
  tool: string;
  /** Share of each department's people who take the tool up; `all` for the rest. */
  reach: Partial<Record<DepartmentName | "all", number>>;
  /** Chance that a user opens it on a working day. */
  daily: number;
  /** Growing: users start between `since` days ago and today. Fading: they stop before `until` days ago. */
  curve?: { growing: number } | { fading: number };
}

const ENG = "Engineering";
const DESIGN = "Product and Design";
const ADOPTION: Adoption[] = [
  // Everyday assistants.
  { tool: "chatgpt", reach: { all: 0.8 }, daily: 0.65 },
  { tool: "m365-copilot", reach: { all: 0.55, [ENG]: 0.2 }, daily: 0.45 },
  { tool: "claude", reach: { [ENG]: 0.7, [DESIGN]: 0.5, all: 0.2 }, daily: 0.5, curve: { growing: 80 } },
  { tool: "google-gemini", reach: { all: 0.2 }, daily: 0.3 },
  { tool: "microsoft-copilot", reach: { all: 0.15 }, daily: 0.25, curve: { fading: 20 } },
  { tool: "perplexity", reach: { all: 0.25, Sales: 0.4 }, daily: 0.35, curve: { growing: 90 } },
  { tool: "deepseek", reach: { [ENG]: 0.12, all: 0.02 }, daily: 0.3 },
  { tool: "grok", reach: { all: 0.03 }, daily: 0.2 },
  { tool: "poe", reach: { all: 0.015 }, daily: 0.2 },
  { tool: "kimi", reach: { [ENG]: 0.03 }, daily: 0.2 },
  { tool: "you-com", reach: { all: 0.02 }, daily: 0.15, curve: { fading: 45 } },
  // Coding.
  { tool: "github-copilot", reach: { [ENG]: 0.85 }, daily: 0.75 },
  { tool: "cursor", reach: { [ENG]: 0.55 }, daily: 0.7, curve: { growing: 75 } },
  { tool: "windsurf", reach: { [ENG]: 0.1 }, daily: 0.5 },
  { tool: "v0", reach: { [ENG]: 0.15, [DESIGN]: 0.3 }, daily: 0.3, curve: { growing: 50 } },
  { tool: "bolt-new", reach: { [DESIGN]: 0.15 }, daily: 0.25 },
  { tool: "lovable", reach: { [DESIGN]: 0.2, Marketing: 0.08 }, daily: 0.25, curve: { growing: 40 } },
  { tool: "replit", reach: { [ENG]: 0.06 }, daily: 0.2 },
  { tool: "tabnine", reach: { [ENG]: 0.12 }, daily: 0.6, curve: { fading: 35 } },
  { tool: "sourcegraph-cody", reach: { [ENG]: 0.07 }, daily: 0.4, curve: { fading: 50 } },
  { tool: "phind", reach: { [ENG]: 0.05 }, daily: 0.2 },
  { tool: "openai-platform", reach: { [ENG]: 0.2 }, daily: 0.2 },
  { tool: "anthropic-console", reach: { [ENG]: 0.12 }, daily: 0.2, curve: { growing: 60 } },
  { tool: "google-ai-studio", reach: { [ENG]: 0.08 }, daily: 0.15 },
  // Writing and translation.
  { tool: "deepl", reach: { all: 0.35, Sales: 0.6, "Customer Support": 0.55 }, daily: 0.4 },
  { tool: "grammarly", reach: { Sales: 0.5, Marketing: 0.6, "Customer Support": 0.4, all: 0.08 }, daily: 0.55 },
  { tool: "google-translate", reach: { all: 0.15 }, daily: 0.2 },
  { tool: "quillbot", reach: { Marketing: 0.15, "Customer Support": 0.1 }, daily: 0.3 },
  { tool: "jasper", reach: { Marketing: 0.35 }, daily: 0.4, curve: { fading: 25 } },
  { tool: "copy-ai", reach: { Marketing: 0.2, Sales: 0.05 }, daily: 0.3, curve: { fading: 40 } },
  { tool: "writesonic", reach: { Marketing: 0.1 }, daily: 0.25 },
  // Meetings.
  { tool: "otter", reach: { Sales: 0.3, "Customer Support": 0.1 }, daily: 0.4, curve: { fading: 15 } },
  { tool: "fireflies", reach: { Sales: 0.25, Operations: 0.15 }, daily: 0.35, curve: { growing: 60 } },
  { tool: "gong", reach: { Sales: 0.45 }, daily: 0.5 },
  { tool: "granola", reach: { [DESIGN]: 0.2, all: 0.03 }, daily: 0.4, curve: { growing: 30 } },
  { tool: "read-ai", reach: { Operations: 0.12, "Legal and People": 0.1 }, daily: 0.3 },
  { tool: "tldv", reach: { "Customer Support": 0.08 }, daily: 0.3 },
  // Design, image, video, voice, music.
  { tool: "canva-ai", reach: { Marketing: 0.7, Sales: 0.15, [DESIGN]: 0.2 }, daily: 0.45 },
  { tool: "figma-make", reach: { [DESIGN]: 0.6 }, daily: 0.5, curve: { growing: 55 } },
  { tool: "gamma", reach: { Sales: 0.25, Marketing: 0.3 }, daily: 0.25, curve: { growing: 70 } },
  { tool: "midjourney", reach: { Marketing: 0.35, [DESIGN]: 0.3 }, daily: 0.35, curve: { fading: 20 } },
  { tool: "adobe-firefly", reach: { Marketing: 0.4, [DESIGN]: 0.5 }, daily: 0.4, curve: { growing: 45 } },
  { tool: "ideogram", reach: { Marketing: 0.08 }, daily: 0.2 },
  { tool: "leonardo-ai", reach: { [DESIGN]: 0.08 }, daily: 0.2 },
  { tool: "heygen", reach: { Marketing: 0.15, Sales: 0.05 }, daily: 0.2 },
  { tool: "synthesia", reach: { Marketing: 0.12, "Legal and People": 0.2 }, daily: 0.2 },
  { tool: "descript", reach: { Marketing: 0.12 }, daily: 0.25 },
  { tool: "runway", reach: { Marketing: 0.08, [DESIGN]: 0.06 }, daily: 0.2 },
  { tool: "elevenlabs", reach: { Marketing: 0.2, "Customer Support": 0.05 }, daily: 0.25, curve: { growing: 60 } },
  { tool: "suno", reach: { all: 0.015 }, daily: 0.15 },
  // Research and analysis.
  { tool: "notebooklm", reach: { all: 0.08, "Legal and People": 0.25 }, daily: 0.25, curve: { growing: 65 } },
  { tool: "julius", reach: { Finance: 0.3, Operations: 0.1 }, daily: 0.3 },
  { tool: "chatpdf", reach: { Finance: 0.15, "Legal and People": 0.3 }, daily: 0.25, curve: { fading: 30 } },
  { tool: "harvey", reach: { "Legal and People": 0.4 }, daily: 0.4 },
  { tool: "elicit", reach: { [DESIGN]: 0.08 }, daily: 0.2 },
  { tool: "consensus", reach: { [DESIGN]: 0.06, Marketing: 0.04 }, daily: 0.2 },
  // Companions on work devices: blocked by the policy.
  { tool: "character-ai", reach: { all: 0.02 }, daily: 0.15 },
];

/** Reviews the security team has already made (applied before the devices report). */
const REVIEWS: Array<{
  tool: string;
  status: ReviewStatus;
  owner: string;
  notes: string;
  conditions?: string;
  alternative?: string;
}> = [
  {
    tool: "chatgpt",
    status: "approved",
    owner: "IT Security",
    notes: "ChatGPT Enterprise workspace with SSO; training on company data is off by contract.",
  },
  {
    tool: "m365-copilot",
    status: "approved",
    owner: "IT Security",
    notes: "Covered by the Microsoft 365 data protection addendum.",
  },
  {
    tool: "github-copilot",
    status: "approved",
    owner: "Engineering Enablement",
    notes: "Business plan; code snippets are not retained.",
  },
  {
    tool: "claude",
    status: "approved_with_conditions",
    owner: "IT Security",
    notes: "Team plan under evaluation for the whole company.",
    conditions: "Team workspace only; no source code of the payments service.",
  },
  {
    tool: "deepl",
    status: "approved",
    owner: "Customer Support Operations",
    notes: "DeepL Pro: texts are deleted after translation.",
  },
  {
    tool: "adobe-firefly",
    status: "approved",
    owner: "Brand Studio",
    notes: "Licensed through Creative Cloud for teams.",
  },
  {
    tool: "grammarly",
    status: "approved_with_conditions",
    owner: "Marketing Operations",
    notes: "Business plan rolled out to Sales and Marketing.",
    conditions: "Switch it off in contracts and HR documents.",
  },
  {
    tool: "midjourney",
    status: "restricted",
    owner: "Brand Studio",
    notes: "Images are public by default on the current plan.",
    alternative: "adobe-firefly",
  },
  {
    tool: "otter",
    status: "restricted",
    owner: "IT Security",
    notes: "Joins calls with external parties without consent prompts.",
    alternative: "m365-copilot",
  },
  { tool: "character-ai", status: "banned", owner: "IT Security", notes: "Companion app: no business use." },
];

/** Unknown sites that looked like AI tools, by department. */
const CANDIDATES: Array<{ domain: string; department: DepartmentName; reach: number; daily: number }> = [
  { domain: "tinyllm.dev", department: ENG, reach: 0.15, daily: 0.3 },
  { domain: "promptforge.io", department: "Sales", reach: 0.12, daily: 0.25 },
  { domain: "aiwriter-pro.com", department: "Marketing", reach: 0.3, daily: 0.3 },
  { domain: "slidegenie.app", department: "Sales", reach: 0.1, daily: 0.2 },
  { domain: "ledgerbot.ai", department: "Finance", reach: 0.3, daily: 0.25 },
  { domain: "quietprompt.net", department: "Customer Support", reach: 0.04, daily: 0.3 },
];

/** Catalogued AI extensions some people installed, and AI browsers a few people work in. */
const EXTENSIONS = [
  { extension: "immersive-translate", reach: 0.05 },
  { extension: "languagetool-extension", reach: 0.04 },
  { extension: "superpower-chatgpt", reach: 0.025 },
];
const AI_BROWSERS = [
  { browser: "comet", reach: 0.02 },
  { browser: "dia", reach: 0.015 },
];

const index = indexJson as unknown as CompiledIndex;
const toolsById = new Map(index.tools.map((tool) => [tool.id, tool]));

/** The second version: the security team blocks chat tools that keep data outside its reach. */
export function secondVersion(first: Policy): Policy {
  const rules = [...first.rules];
  const at = Math.max(
    0,
    rules.findIndex((rule) => rule.id === "high-risk"),
  );
  rules.splice(at, 0, {
    id: "data-residency",
    description: "Chat tools that store conversations where the company's contracts do not reach are blocked.",
    when: { tools: ["deepseek", "kimi"] },
    action: "block",
    message: "This tool stores conversations outside the regions the company's data may go to.",
    alternatives: ["claude"],
  });
  return { ...first, name: `${first.name} (data residency)`, rules };
}

export interface DemoOptions {
  adminToken: string;
  /** Share of each department's devices to enroll (the tests use a smaller organization). */
  scale?: number;
  seed?: number;
  /** Progress, one line at a time. */
  log?: (line: string) => void;
}

export interface DemoSummary {
  devices: number;
  groups: Record<string, number>;
  tools: number;
  versions: number[];
  reports: number;
  days: number;
}

/** What one device counted, day by day, in the report's shape. */
export class DeviceCounts {
  private readonly days = new Map<string, Map<string, number>>();
  readonly justifications = new Map<string, number>();
  readonly candidates = new Map<string, number>();
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
      const candidates = within(this.candidates).map(([[day, domain], n]) => ({
        day: day as string,
        domain: domain as string,
        n,
      }));
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

interface Simulation {
  today: string;
  policies: Map<number, Policy>;
  reviews: Map<string, { status: ReviewStatus; alternative: string | null }>;
  /** Day (days ago) from which a device may be on version 2. */
  secondFrom: number;
}

/** The 90 days of one person: which tools, when, and what the extension counted. */
function simulateDevice(sim: Simulation, department: DepartmentName, rand: () => number): DeviceCounts {
  const counts = new DeviceCounts();
  // How much this person uses AI compared with colleagues, and when they moved to version 2.
  const intensity = 0.5 + rand();
  const lateLaptop = rand() < 0.04;
  const moved = sim.secondFrom - (lateLaptop ? 3 + Math.floor(rand() * 20) : Math.floor(rand() * 2.5));
  const adopted: Array<{ adoption: Adoption; tool: CompiledTool; from: number; until: number }> = [];
  for (const adoption of ADOPTION) {
    const reach = adoption.reach[department] ?? adoption.reach.all ?? 0;
    if (rand() >= reach) continue;
    const tool = toolsById.get(adoption.tool);
    if (!tool) throw new Error(`the demo names "${adoption.tool}", which the catalog lacks`);
    const curve = adoption.curve;
    let from = DEMO_DAYS - 1;
    let until = 0;
    if (curve && "growing" in curve) from = Math.floor(rand() * curve.growing);
    if (curve && "fading" in curve) until = curve.fading + Math.floor(rand() * (DEMO_DAYS - curve.fading));
    adopted.push({ adoption, tool, from, until });
  }
  const answered = new Set<string>();
  const extension = EXTENSIONS.find((e) => rand() < e.reach);
  const aiBrowser = AI_BROWSERS.find((b) => rand() < b.reach);
  const candidates = CANDIDATES.filter((c) => c.department === department && rand() < c.reach);
  for (let ago = DEMO_DAYS - 1; ago >= 0; ago--) {
    const day = addDays(sim.today, -ago);
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
    const working = weekday !== 0 && weekday !== 6;
    const version = ago <= moved ? 2 : 1;
    const policy = sim.policies.get(version) as Policy;
    let active = false;
    for (const { adoption, tool, from, until } of adopted) {
      if (ago > from || ago < until) continue;
      if (rand() >= Math.min(0.95, adoption.daily * intensity * (working ? 1 : 0.25))) continue;
      active = true;
      const visits = 1 + Math.floor(rand() * rand() * 12 * intensity);
      counts.bump(day, tool.id, "visit", version, visits);
      const review = sim.reviews.get(tool.id);
      const decision = evaluatePolicy(policy, tool, review ? { ...review } : undefined);
      const once = `${tool.id}\t${version}`;
      if (decision.action === "allow") continue;
      if (decision.action === "block") {
        counts.bump(day, tool.id, "blocked", version, visits);
        if (!answered.has(once) && rand() < 0.3) counts.bump(day, tool.id, "review_requested", version);
        answered.add(once);
        continue;
      }
      if ((decision.action === "acknowledge" || decision.action === "justify") && answered.has(once)) continue;
      counts.bump(day, tool.id, "nudge_shown", version);
      if (rand() < 0.06) {
        counts.bump(day, tool.id, "left", version);
        continue;
      }
      lesson(counts, policy, decision, tool, day, rand);
      if (decision.action === "acknowledge") counts.bump(day, tool.id, "acknowledged", version);
      if (decision.action === "inform") counts.bump(day, tool.id, "dismissed", version);
      if (decision.action === "redirect") counts.bump(day, tool.id, rand() < 0.6 ? "redirected" : "dismissed", version);
      if (decision.action === "justify") {
        counts.bump(day, tool.id, "justified", version);
        const reasons = policy.reasons;
        const reason = reasons[rand() < 0.6 ? 0 : Math.floor(rand() * reasons.length)];
        if (!reason) throw new Error("the policy has no justification reasons");
        counts.add(counts.justifications, `${day}\t${tool.id}\t${reason.id}\t${version}`);
      }
      answered.add(once);
    }
    if (!active) continue;
    for (const candidate of candidates) {
      if (rand() < candidate.daily)
        counts.add(counts.candidates, `${day}\t${candidate.domain}`, 1 + Math.floor(rand() * 3));
    }
    if (extension) counts.extensions.set(`${day}\t${extension.extension}`, true);
    if (aiBrowser) counts.browsers.set(day, aiBrowser.browser);
  }
  return counts;
}

/** The lesson offered with an answered nudge: taken when required, else two times in three. */
function lesson(
  counts: DeviceCounts,
  policy: Policy,
  decision: ReturnType<typeof evaluatePolicy>,
  tool: CompiledTool,
  day: string,
  rand: () => number,
): void {
  const plan = planLesson(policy, decision, tool, counts.lessonMemory, day);
  if (!plan.lesson || (!plan.required && rand() >= 2 / 3)) return;
  const { id, version } = plan.lesson;
  if (plan.required) counts.lessonMemory = rememberRequired(counts.lessonMemory, day);
  const outcomes: LessonCount["outcome"][] = ["opened"];
  if (rand() < 0.85) outcomes.push("completed");
  if (outcomes.length === 2 && rand() < 0.7) outcomes.push("passed_first_try");
  for (const outcome of outcomes) counts.add(counts.lessons, `${day}\t${id}\t${version}\t${outcome}`);
  if (outcomes.includes("completed")) counts.lessonMemory = rememberCompleted(counts.lessonMemory, plan.lesson);
}

/** Runs `jobs` with at most `width` at a time, in order of start. */
async function pool<T>(items: T[], width: number, job: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await job(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

export interface DemoPerson {
  department: DepartmentName;
  browser: Browser;
  counts: DeviceCounts;
}

export interface DemoPlan {
  today: string;
  people: DemoPerson[];
  policies: Map<number, Policy>;
  summary: Omit<DemoSummary, "reports">;
  /** Justification reasons asked for, `tool/reason` -> count, most asked first. */
  justified: Array<[string, number]>;
}

/**
 * The organization and everything its devices will report, without sending anything: the
 * policies are the bundled default (v1) and its stricter successor (v2), as `seedDemo`
 * publishes them.
 */
export function planDemo(options: { scale?: number; seed?: number; today?: string; first?: Policy } = {}): DemoPlan {
  const scale = options.scale ?? 1;
  const rand = seededRandom(options.seed ?? 2026);
  const today = options.today ?? dayOf(Date.now());
  const first = options.first ?? policySchema.parse(defaultPolicyJson);
  const sim: Simulation = {
    today,
    policies: new Map([
      [1, first],
      [2, { ...secondVersion(first), version: 2 }],
    ]),
    reviews: new Map(REVIEWS.map((r) => [r.tool, { status: r.status, alternative: r.alternative ?? null }])),
    secondFrom: (DEMO_VERSIONS[1] as { daysAgo: number }).daysAgo,
  };
  const people: DemoPerson[] = [];
  const groups: Record<string, number> = {};
  for (const department of DEPARTMENTS) {
    const count = Math.max(1, Math.round(department.devices * scale));
    groups[department.name] = count;
    for (let i = 0; i < count; i++) {
      const browser = department.browsers[i % department.browsers.length] as Browser;
      people.push({ department: department.name, browser, counts: simulateDevice(sim, department.name, rand) });
    }
  }
  const tools = new Set(people.flatMap((person) => [...person.counts.tools]));
  const justified = new Map<string, number>();
  for (const person of people) {
    for (const [key, n] of person.counts.justifications) {
      const [, tool, reason] = key.split("\t");
      justified.set(`${tool}/${reason}`, (justified.get(`${tool}/${reason}`) ?? 0) + n);
    }
  }
  return {
    today,
    people,
    policies: sim.policies,
    summary: { devices: people.length, groups, tools: tools.size, versions: [1, 2], days: DEMO_DAYS },
    justified: [...justified].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
  };
}

/**
 * Seeds the organization into the worker at `server` (a fresh local database, the worker
 * started with --test-scheduled). Throws on the first request the worker refuses.
 */
export async function seedDemo(server: LocalServer, options: DemoOptions): Promise<DemoSummary> {
  const log = options.log ?? (() => {});
  const admin = options.adminToken;
  const now = Date.now();
  const today = dayOf(now);

  // Version 1 is the default policy, published ~100 days ago; version 2 a month ago.
  const first = policySchema.parse(
    (await call<PolicyListResponse>(server, "/api/admin/policy", { bearer: admin })).current ?? defaultPolicyJson,
  );
  if (first.version !== 1) throw new Error("the demo needs a fresh database (a policy is already published)");
  const plan = planDemo({ scale: options.scale, seed: options.seed, today, first });
  const second = await call<PolicyPublishResponse>(server, "/api/admin/policy", {
    method: "POST",
    bearer: admin,
    body: JSON.stringify({ policy: secondVersion(first) }),
  });
  // The devices count under the version the worker published: it must be the one planned.
  if (canonicalize(second.policy) !== canonicalize(plan.policies.get(2))) {
    throw new Error("the worker published a different policy v2 than the demo planned");
  }
  for (const { version, daysAgo } of DEMO_VERSIONS) await publishedAt(server, version, now - daysAgo * DAY_MS);
  // The daily job a week ago, while the database was still nearly empty.
  await runCron(server, now - 7 * DAY_MS);

  for (const [i, review] of REVIEWS.entries()) {
    const { tool, ...body } = review;
    await call(server, `/api/admin/tools/${tool}/review`, {
      method: "PUT",
      bearer: admin,
      body: JSON.stringify({ ...body, nextReview: addDays(today, 60 + 14 * i) }),
    });
  }

  let reports = 0;
  for (const department of DEPARTMENTS) {
    const people = plan.people.filter((person) => person.department === department.name);
    const { token } = await call<{ token: string }>(server, "/api/admin/enrollment-tokens", {
      method: "POST",
      bearer: admin,
      body: JSON.stringify({
        label: `${department.name} laptops`,
        group: department.name,
        maxDevices: department.devices + 10,
      }),
    });
    await pool(people, 8, async (person) => {
      // Each device from an address of its own, as a fleet enrolls.
      const address = plan.people.indexOf(person) + 1;
      const enrolled = await enrollFrom(server, token, `10.80.${address >> 8}.${address & 255}`, {
        browser: person.browser,
      });
      for (const report of person.counts.reports()) {
        await call(server, "/api/v1/reports", {
          method: "POST",
          bearer: enrolled.deviceToken,
          body: JSON.stringify(report),
        });
        reports++;
      }
    });
    log(`  ${department.name}: ${people.length} devices`);
  }

  // The daily job of today, then what the governance lead decided on the exceptions asked for most.
  await runCron(server, now);
  const decisions = [
    { decision: "granted", owner: "Legal and Compliance", expiry: addDays(today, 90) },
    { decision: "denied", owner: "IT Security" },
    { decision: "granted", owner: "Sales Operations", expiry: addDays(today, 30) },
  ] as const;
  for (const [i, [key]] of plan.justified.slice(0, decisions.length).entries()) {
    const [tool, reason] = key.split("/") as [string, string];
    await call(server, `/api/admin/exceptions/${tool}/${reason}`, {
      method: "PUT",
      bearer: admin,
      body: JSON.stringify(decisions[i]),
    });
  }
  return { ...plan.summary, reports };
}
