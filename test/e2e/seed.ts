/**
 * Realistic data for the dashboard's end-to-end tests, written only through the real APIs:
 * devices enroll in groups and report three weeks of cumulative daily counters the way the
 * extension does (visits, and on first use the nudge and its outcome as the default policy
 * decides it), justifications and unknown AI domains; then an admin reviews a tool, creates a
 * token and decides an exception, each with a hostile string where free text is accepted.
 *
 * The generator is seeded, and what it sent is returned as ground truth for the tests.
 */
import defaultPolicy from "../../policies/dist/default-policy.json";
import indexJson from "../../policies/dist/index.json";
import type { CompiledIndex } from "../../shared/catalog/compile";
import { addDays, dayOf } from "../../shared/day";
import type { EventKind } from "../../shared/events";
import { evaluatePolicy } from "../../shared/policy/evaluate";
import { policySchema } from "../../shared/policy/schema";
import type { CandidateCount, JustificationCount, ReportRequest } from "../../shared/protocol";
import { seededRandom as random } from "../support/random";
import type { Stack } from "./harness";

/** Markup that would run script if any view rendered network text as HTML. */
export const HOSTILE = "<img src=x onerror=alert(1)>";

const index = indexJson as unknown as CompiledIndex;
const policy = policySchema.parse(defaultPolicy);
const toolsById = new Map(index.tools.map((tool) => [tool.id, tool]));

interface Usage {
  tool: string;
  /** Chance of using the tool on a given day. */
  daily: number;
  /** First day (days ago) the tool can be used; recent ones count as new this week. */
  since?: number;
  /** Only the first `devices` devices of the group use it. */
  devices?: number;
}

const ALL: Usage[] = [{ tool: "chatgpt", daily: 0.8 }];
const GROUPS: Array<{ group: string | null; devices: number; browser: string; usage: Usage[] }> = [
  {
    group: "Engineering",
    devices: 6,
    browser: "chrome",
    usage: [
      { tool: "claude", daily: 0.6 },
      { tool: "github-copilot", daily: 0.7 },
      { tool: "cursor", daily: 0.8, since: 3 },
      { tool: "deepseek", daily: 0.5, devices: 2 },
    ],
  },
  {
    group: "Sales",
    devices: 5,
    browser: "edge",
    usage: [
      { tool: "deepl", daily: 0.5 },
      { tool: "otter", daily: 0.4 },
      { tool: "grammarly", daily: 0.5 },
      { tool: "perplexity", daily: 0.3 },
    ],
  },
  // Two devices: below k = 5, so every breakdown must suppress this group.
  {
    group: "Legal",
    devices: 2,
    browser: "firefox",
    usage: [
      { tool: "deepl", daily: 0.6 },
      { tool: "m365-copilot", daily: 0.5 },
      { tool: "google-gemini", daily: 0.3 },
    ],
  },
  {
    group: null,
    devices: 2,
    browser: "chrome",
    usage: [
      { tool: "midjourney", daily: 0.5 },
      { tool: "character-ai", daily: 0.2, devices: 1 },
      { tool: "suno", daily: 0.3 },
    ],
  },
];

/** Unknown sites that looked like AI tools, by the group whose devices visit them. */
const CANDIDATES: Array<{ domain: string; group: string | null; daily: number }> = [
  { domain: "tinyllm.dev", group: "Engineering", daily: 0.4 },
  { domain: "promptforge.io", group: "Sales", daily: 0.2 },
  { domain: "aiwriter-pro.com", group: null, daily: 0.3 },
];

const DAYS = 21;

export interface SeededDevice {
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
  /** The tool the seed reviewed, the token it created and the exception it decided. */
  reviewedTool: string;
  tokenLabel: string;
  decidedException: { tool: string; reason: string };
}

async function call<T>(stack: Stack, path: string, init: RequestInit & { bearer?: string } = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.bearer) headers.set("Authorization", `Bearer ${init.bearer}`);
  if (init.body) headers.set("Content-Type", "application/json");
  const response = await fetch(`${stack.serverUrl}${path}`, { ...init, headers });
  if (!response.ok) throw new Error(`${init.method ?? "GET"} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

export async function seed(stack: Stack): Promise<Seeded> {
  const rand = random(42);
  const today = dayOf(Date.now());
  const seeded: Seeded = {
    today,
    devices: [],
    visits: new Map(),
    devicesByTool: new Map(),
    justifications: new Map(),
    candidates: CANDIDATES.map((c) => c.domain),
    reviewedTool: "perplexity",
    tokenLabel: `Rollout ${HOSTILE}`,
    decidedException: { tool: "", reason: "" },
  };

  for (const spec of GROUPS) {
    for (let d = 0; d < spec.devices; d++) {
      const enrolled = await call<{ deviceId: string; deviceToken: string }>(stack, "/api/v1/enroll", {
        method: "POST",
        body: JSON.stringify({
          token: stack.tokens.enrollment,
          ...(spec.group ? { group: spec.group } : {}),
          browser: spec.browser,
          extensionVersion: "0.1.0",
        }),
      });
      const device: SeededDevice = { ...enrolled, group: spec.group };
      seeded.devices.push(device);

      const counters = new Map<string, Map<string, number>>();
      const bump = (day: string, tool: string, event: EventKind, n: number) => {
        const key = `${tool}\t${event}`;
        const dayCounters = counters.get(day) ?? new Map<string, number>();
        dayCounters.set(key, (dayCounters.get(key) ?? 0) + n);
        counters.set(day, dayCounters);
        if (event === "visit") seeded.visits.set(tool, (seeded.visits.get(tool) ?? 0) + n);
        const users = seeded.devicesByTool.get(tool) ?? new Set<string>();
        users.add(device.deviceId);
        seeded.devicesByTool.set(tool, users);
      };
      const justifications: JustificationCount[] = [];
      const candidates: CandidateCount[] = [];

      for (const usage of [...ALL, ...spec.usage]) {
        if (usage.devices !== undefined && d >= usage.devices) continue;
        const tool = toolsById.get(usage.tool);
        if (!tool) throw new Error(`${usage.tool} is not in the catalog`);
        const decision = evaluatePolicy(policy, tool);
        // The nudge is due until it is answered; acknowledge and justify are answered once.
        let answered = false;
        for (let ago = Math.min(usage.since ?? DAYS - 1, DAYS - 1); ago >= 0; ago--) {
          if (rand() >= usage.daily) continue;
          const day = addDays(today, -ago);
          const visits = 1 + Math.floor(rand() * 6);
          bump(day, tool.id, "visit", visits);
          if (decision.action === "block") {
            bump(day, tool.id, "blocked", visits);
            if (!answered) bump(day, tool.id, "review_requested", 1);
            answered = true;
            continue;
          }
          if (answered || decision.action === "allow") continue;
          bump(day, tool.id, "nudge_shown", 1);
          // One in five leaves the first time and answers on a later day.
          if (rand() < 0.2) {
            bump(day, tool.id, "left", 1);
            continue;
          }
          if (decision.action === "acknowledge") bump(day, tool.id, "acknowledged", 1);
          if (decision.action === "justify") {
            bump(day, tool.id, "justified", 1);
            const reason = policy.reasons[Math.floor(rand() * policy.reasons.length)];
            if (!reason) throw new Error("the default policy has no reasons");
            justifications.push({ day, tool: tool.id, reason: reason.id, policyVersion: policy.version, n: 1 });
            const key = `${tool.id}/${reason.id}`;
            seeded.justifications.set(key, (seeded.justifications.get(key) ?? 0) + 1);
          }
          if (decision.action === "inform") bump(day, tool.id, "dismissed", 1);
          answered = true;
        }
      }
      for (const candidate of CANDIDATES) {
        if (candidate.group !== spec.group) continue;
        for (let ago = DAYS - 1; ago >= 0; ago--) {
          if (rand() < candidate.daily) {
            candidates.push({ day: addDays(today, -ago), domain: candidate.domain, n: 1 + Math.floor(rand() * 3) });
          }
        }
      }

      const report: ReportRequest = {
        days: [...counters]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([day, dayCounters]) => ({
            day,
            counters: [...dayCounters].map(([key, n]) => {
              const [tool, event] = key.split("\t") as [string, EventKind];
              return { tool, event, policyVersion: policy.version, n };
            }),
          })),
        ...(justifications.length ? { justifications } : {}),
        ...(candidates.length ? { candidates } : {}),
      };
      await call(stack, "/api/v1/reports", {
        method: "POST",
        bearer: device.deviceToken,
        body: JSON.stringify(report),
      });
    }
  }

  // What a security team would already have done, with hostile text in every free-text field.
  const admin = stack.tokens.admin;
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
  await call(stack, "/api/admin/enrollment-tokens", {
    method: "POST",
    bearer: admin,
    body: JSON.stringify({ label: seeded.tokenLabel }),
  });
  const [first] = [...seeded.justifications.keys()].sort();
  if (!first) throw new Error("the seed produced no justification");
  const [tool, reason] = first.split("/") as [string, string];
  seeded.decidedException = { tool, reason };
  await call(stack, `/api/admin/exceptions/${tool}/${reason}`, {
    method: "PUT",
    bearer: admin,
    body: JSON.stringify({ decision: "granted", owner: `Legal ${HOSTILE}`, expiry: addDays(today, 30) }),
  });
  return seeded;
}
