import type { CandidateSignal } from "../../shared/catalog/candidates";
/*
 * The demo organization as data: its departments and their size, which tools each adopts and
 * how (everyday, long tail, growing, fading), the reviews and exceptions its security team
 * decided, the unknown AI sites, AI extensions and AI browsers people use, and the two policy
 * versions. worker/dev/demo-seed.ts turns it into devices and reports.
 */
import type { ReviewStatus } from "../../shared/events";
import { LIMITS } from "../../shared/limits";
import type { Policy } from "../../shared/policy/schema";
/** Days of use the demo holds: the worker keeps (and accepts) no older days. */
export const DEMO_DAYS = LIMITS.retentionDays;
/** When the two policy versions were published, in days before today. */
export const DEMO_VERSIONS = [
  { version: 1, daysAgo: 100 },
  { version: 2, daysAgo: 30 },
] as const;

export type Browser = "chrome" | "edge" | "firefox";
export interface Department {
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
export type DepartmentName = (typeof DEPARTMENTS)[number]["name"];

export interface Adoption {
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
export const ADOPTION: Adoption[] = [
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
export const REVIEWS: Array<{
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

/** Unknown sites that looked like AI tools, by department, and the signals that said so. */
export const CANDIDATES: Array<{
  domain: string;
  department: DepartmentName;
  reach: number;
  daily: number;
  signals: CandidateSignal[];
}> = [
  { domain: "tinyllm.dev", department: ENG, reach: 0.15, daily: 0.3, signals: ["hostname"] },
  { domain: "promptforge.io", department: "Sales", reach: 0.12, daily: 0.25, signals: ["aiApi", "oauth"] },
  { domain: "aiwriter-pro.com", department: "Marketing", reach: 0.3, daily: 0.3, signals: ["aiApi"] },
  { domain: "slidegenie.app", department: "Sales", reach: 0.1, daily: 0.2, signals: ["aiApi"] },
  { domain: "ledgerbot.ai", department: "Finance", reach: 0.3, daily: 0.25, signals: ["hostname", "oauth"] },
  { domain: "quietprompt.net", department: "Customer Support", reach: 0.04, daily: 0.3, signals: ["aiApi"] },
];

/** Catalogued AI extensions some people installed, and AI browsers a few people work in. */
export const EXTENSIONS = [
  { extension: "immersive-translate", reach: 0.05 },
  { extension: "languagetool-extension", reach: 0.04 },
  { extension: "superpower-chatgpt", reach: 0.025 },
];
export const AI_BROWSERS = [
  { browser: "comet", reach: 0.02 },
  { browser: "dia", reach: 0.015 },
];

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
