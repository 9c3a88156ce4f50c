/**
 * An audit entry's detail in words: each field by its name, each value formatted by what it
 * is (a time, a day, a status, a device cap), and for a change only what changed. Never an
 * epoch number or an internal id on screen.
 */
import { day, num, when, words } from "../../format";
import { candidateStateName, decisionName, flagStateName, reviewStatusName } from "../../labels";

const FIELD_NAMES: Record<string, string> = {
  status: "Status",
  owner: "Owner",
  notes: "Notes",
  conditions: "Conditions",
  nextReview: "Next review",
  alternative: "Approved alternative",
  decision: "Decision",
  expiry: "Expires",
  state: "State",
  label: "Label",
  group: "Group",
  maxDevices: "Device cap",
  version: "Version",
  name: "Name",
  rules: "Rules",
  lessons: "Lessons",
  lesson: "Lesson",
  title: "Title",
};

/** Fields that only repeat what the entry's own time and actor say. */
const REDUNDANT = new Set(["updatedAt", "updatedBy"]);

function fieldName(key: string): string {
  return FIELD_NAMES[key] ?? words(key).replace(/^./, (c) => c.toUpperCase());
}

function show(action: string, key: string, value: unknown): string {
  if (value === null || value === undefined || value === "") return "–";
  if (typeof value === "number") {
    if (/At$/.test(key)) return when(value);
    if (key === "version") return `v${value}`;
    return num(value);
  }
  if (typeof value === "string") {
    if (key === "nextReview" || key === "expiry") return day(value);
    if (key === "status") return reviewStatusName(value);
    if (key === "decision") return decisionName(value);
    if (key === "state") return action.startsWith("device.") ? flagStateName(value) : candidateStateName(value);
    return value;
  }
  if (typeof value === "boolean") return value ? "yes" : "no";
  return JSON.stringify(value);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;
const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * `key: value` lines; for a change (`{before, after}`, or a cap's `{from, to}`) one line per
 * field that changed, as `old → new`; for a first version (`before: null`) the fields it set.
 */
export function auditLines(action: string, detail: Record<string, unknown>): string[] {
  const { before, after } = detail;
  if (before === null && isRecord(after)) {
    return Object.entries(after)
      .filter(([key, value]) => !REDUNDANT.has(key) && value !== null && value !== "")
      .map(([key, value]) => `${fieldName(key)}: ${show(action, key, value)}`);
  }
  // A single value that changed (a candidate's state): one line, as the state it names.
  if ((typeof before === "string" || before === null) && typeof after === "string") {
    return [`${fieldName("state")}: ${show(action, "state", before)} → ${show(action, "state", after)}`];
  }
  if (isRecord(before) && isRecord(after)) {
    const old = before ?? {};
    const keys = [...new Set([...Object.keys(old), ...Object.keys(after)])].filter((key) => !REDUNDANT.has(key));
    return keys
      .filter((key) => !same(old[key], after[key]))
      .map((key) => `${fieldName(key)}: ${show(action, key, old[key])} → ${show(action, key, after[key])}`);
  }
  if ("from" in detail && "to" in detail && action === "enrollment-token.cap") {
    const rest = Object.entries(detail).filter(([key]) => key !== "from" && key !== "to");
    return [
      ...rest.map(([key, value]) => `${fieldName(key)}: ${show(action, key, value)}`),
      `${fieldName("maxDevices")}: ${show(action, "maxDevices", detail.from)} → ${show(action, "maxDevices", detail.to)}`,
    ];
  }
  return Object.entries(detail)
    .filter(([key]) => !REDUNDANT.has(key))
    .map(([key, value]) => `${fieldName(key)}: ${show(action, key, value)}`);
}
