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
import type { OverviewResponse, PolicyListResponse, PolicyPublishResponse } from "../../shared/admin";
import type { CompiledIndex, CompiledTool } from "../../shared/catalog/compile";
import { addDays, dayOf } from "../../shared/day";
import type { ReviewStatus } from "../../shared/events";
import { evaluatePolicy } from "../../shared/policy/evaluate";
import { planLesson, rememberCompleted, rememberRequired } from "../../shared/policy/lessons";
import { type Policy, policySchema } from "../../shared/policy/schema";
import type { LessonCount } from "../../shared/protocol";
import { DeviceCounts } from "./demo-counts";
import {
  ADOPTION,
  type Adoption,
  AI_BROWSERS,
  type Browser,
  CANDIDATES,
  DEMO_DAYS,
  DEMO_VERSIONS,
  DEPARTMENTS,
  type DepartmentName,
  EXTENSIONS,
  REVIEWS,
  secondVersion,
} from "./demo-organization";
import { call, enrollFrom, type LocalServer, publicationDates, runCron } from "./device-api";
import { seededRandom } from "./random";

const DAY_MS = 86_400_000;
/**
 * Devices the seeding sends at the same time. The local worker runs one request at a time:
 * a few in flight keep it busy while the next ones are on their way; more only wait in line.
 */
const SEED_CONCURRENCY = 6;
const index = indexJson as unknown as CompiledIndex;
const toolsById = new Map(index.tools.map((tool) => [tool.id, tool]));

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
      if (rand() >= candidate.daily) continue;
      counts.add(counts.candidates, `${day}\t${candidate.domain}`, 1 + Math.floor(rand() * 3));
      counts.candidateSignals.set(candidate.domain, candidate.signals);
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

interface DemoPerson {
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
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
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
  await publicationDates(
    server,
    DEMO_VERSIONS.map(({ version, daysAgo }) => ({ version, at: now - daysAgo * DAY_MS })),
  );
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
  log(`  Policy versions 1 and 2, ${REVIEWS.length} reviews (${elapsed()})`);

  // Every department's enrollment token, then all devices at once, a few at a time: the
  // worker is kept busy without a queue of requests waiting on it.
  const tokens = new Map<DepartmentName, string>();
  const left = new Map<DepartmentName, number>();
  for (const department of DEPARTMENTS) {
    const { token } = await call<{ token: string }>(server, "/api/admin/enrollment-tokens", {
      method: "POST",
      bearer: admin,
      body: JSON.stringify({
        label: `${department.name} laptops`,
        group: department.name,
        maxDevices: department.devices + 10,
      }),
    });
    tokens.set(department.name, token);
    left.set(department.name, plan.summary.groups[department.name] ?? 0);
  }
  let reports = 0;
  await pool(plan.people, SEED_CONCURRENCY, async (person, i) => {
    // Each device from an address of its own, as a fleet enrolls.
    const address = `10.80.${(i + 1) >> 8}.${(i + 1) & 255}`;
    const token = tokens.get(person.department) as string;
    const enrolled = await enrollFrom(server, token, address, { browser: person.browser });
    for (const report of person.counts.reports()) {
      await call(server, "/api/v1/reports", {
        method: "POST",
        bearer: enrolled.deviceToken,
        body: JSON.stringify(report),
      });
      reports++;
    }
    const remaining = (left.get(person.department) ?? 1) - 1;
    left.set(person.department, remaining);
    if (remaining === 0)
      log(`  ${person.department}: ${plan.summary.groups[person.department]} devices (${elapsed()})`);
  });

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

/**
 * Resolves once the dashboard's overview answers with the seeded organization: every device
 * enrolled, at least the web tools they visited (AI extensions and browsers count as tools
 * too) and visits on the last working days; throws with what it shows after `timeoutMs`.
 */
export async function overviewShows(
  server: { serverUrl: string; adminToken: string },
  summary: Pick<DemoSummary, "devices" | "tools">,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let shown = "no answer";
  for (;;) {
    const response = await fetch(`${server.serverUrl}/api/admin/overview`, {
      headers: { Authorization: `Bearer ${server.adminToken}` },
    });
    if (response.ok) {
      const overview = (await response.json()) as OverviewResponse;
      const visits = overview.trend.reduce((sum, day) => sum + (day.visits ?? 0), 0);
      if (overview.enrolledDevices === summary.devices && overview.toolsTotal >= summary.tools && visits > 0) return;
      shown = `${overview.enrolledDevices ?? "withheld"} devices, ${overview.toolsTotal} tools and ${visits} visits in 30 days`;
    } else shown = `${response.status} ${await response.text()}`;
    if (Date.now() > deadline) {
      throw new Error(
        `the overview shows ${shown}, not the ${summary.devices} devices and ${summary.tools} tools seeded`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
