import { describe, expect, it } from "vitest";
import { addDays } from "../../shared/day";
import { GUARD_SUBJECTS } from "../../shared/guard/outcomes";
import { LIMITS, PLAUSIBLE_GUARD_PER_DAY } from "../../shared/limits";
import { errorResponse, type GuardCount, type RefusedCount, type ReportRequest } from "../../shared/protocol";
import { counters, countRows, enrollDevice, expectJson, query, report, runCron, today } from "./helpers";

/*
 * The sensitive-data guard's counts: per device, day, tool, detector, outcome and policy
 * version, max-merged like every count; refused as a whole report when a device could not
 * have made them (answers without warnings, past the caps, unknown tools, days or versions).
 */

const DAY_MS = 86_400_000;

type Outcome = GuardCount["outcome"];
const guard = (day: string, entries: Array<[string, GuardCount["detector"], Outcome, number]>): GuardCount[] =>
  entries.map(([tool, detector, outcome, n]) => ({ day, tool, detector, outcome, policyVersion: 1, n }));

const stored = (deviceId: string) =>
  query(
    "select day, tool, detector, outcome, policy_version, n from guard_counts where device_id = ? order by tool, detector, outcome",
    deviceId,
  );

async function refusedWith(deviceToken: string, body: ReportRequest): Promise<RefusedCount[]> {
  const refused = errorResponse.parse(await expectJson(await report(deviceToken, body), 422));
  expect(refused.code).toBe("report_refused");
  return refused.refused ?? [];
}

describe("guard counts", () => {
  it("are stored per device with max-merge: a replay or an older value changes nothing", async () => {
    const { deviceId, deviceToken } = await enrollDevice();
    const day = today();
    const body = (n: number): ReportRequest => ({
      ...counters(day, [["chatgpt", "visit", 1]]),
      guard: guard(day, [
        ["chatgpt", "payment-card", "warned", n + 1],
        ["chatgpt", "payment-card", "pasted_anyway", n],
        ["chatgpt", "payment-card", "removed", 1],
        ["chatgpt", "aws-access-key", "blocked", n],
        ["chatgpt", "unscanned", "warned", 1],
      ]),
    });
    expect(await expectJson(await report(deviceToken, body(2)), 200)).toMatchObject({ accepted: 6, changed: 6 });
    expect(await expectJson(await report(deviceToken, body(2)), 200)).toMatchObject({ accepted: 6, changed: 0 });
    expect(await expectJson(await report(deviceToken, body(3)), 200)).toMatchObject({ accepted: 6, changed: 3 });
    expect(await expectJson(await report(deviceToken, body(1)), 200)).toMatchObject({ accepted: 6, changed: 0 });
    expect(await stored(deviceId)).toEqual([
      { day, tool: "chatgpt", detector: "aws-access-key", outcome: "blocked", policy_version: 1, n: 3 },
      { day, tool: "chatgpt", detector: "payment-card", outcome: "pasted_anyway", policy_version: 1, n: 3 },
      { day, tool: "chatgpt", detector: "payment-card", outcome: "removed", policy_version: 1, n: 1 },
      { day, tool: "chatgpt", detector: "payment-card", outcome: "warned", policy_version: 1, n: 4 },
      { day, tool: "chatgpt", detector: "unscanned", outcome: "warned", policy_version: 1, n: 1 },
    ]);
    // A report of guard counts alone is a report.
    const alone = { days: [], guard: guard(day, [["claude", "iban", "blocked", 1]]) };
    expect(await expectJson(await report(deviceToken, alone), 200)).toMatchObject({ accepted: 1, changed: 1 });
    expect(await query("select day from device_days where device_id = ?", deviceId)).toEqual([{ day }]);
  });

  it("refuses answers to warnings the device never counted, also against what it stored before", async () => {
    const { deviceId, deviceToken } = await enrollDevice();
    const day = today();
    const first = { days: [], guard: guard(day, [["claude", "iban", "warned", 2]]) };
    expect((await report(deviceToken, first)).status).toBe(200);
    // Two warnings stored: three answers cannot follow them.
    const refused = await refusedWith(deviceToken, {
      days: [],
      guard: guard(day, [
        ["claude", "iban", "pasted_anyway", 2],
        ["claude", "iban", "removed", 1],
      ]),
    });
    expect(refused).toEqual([
      expect.objectContaining({ kind: "guard", outcome: "pasted_anyway", reason: "answer_without_nudge" }),
      expect.objectContaining({ kind: "guard", outcome: "removed", reason: "answer_without_nudge" }),
    ]);
    // Answers to another detector's warnings do not count for this one.
    expect(
      await refusedWith(deviceToken, { days: [], guard: guard(day, [["claude", "us-ssn", "removed", 1]]) }),
    ).toEqual([expect.objectContaining({ detector: "us-ssn", reason: "answer_without_nudge" })]);
    // With a third warning in the same report, the three answers are plausible.
    const grown = {
      days: [],
      guard: guard(day, [
        ["claude", "iban", "warned", 3],
        ["claude", "iban", "pasted_anyway", 2],
        ["claude", "iban", "removed", 1],
      ]),
    };
    expect((await report(deviceToken, grown)).status).toBe(200);
    expect((await stored(deviceId)).map((row) => (row as { n: number }).n)).toEqual([2, 1, 3]);
  });

  it("refuses a whole report when one guard count is implausible or malformed, storing nothing", async () => {
    const { deviceToken } = await enrollDevice();
    const day = today();
    const tables = ["daily_counters", "daily_rollups", "guard_counts", "device_days"];
    const before = await Promise.all(tables.map(countRows));
    const good = counters(day, [["chatgpt", "visit", 1]]);
    const cases: Array<[GuardCount, Partial<RefusedCount>]> = [
      [
        {
          day,
          tool: "chatgpt",
          detector: "iban",
          outcome: "blocked",
          policyVersion: 1,
          n: PLAUSIBLE_GUARD_PER_DAY.blocked + 1,
        },
        { kind: "guard", reason: "over_cap" },
      ],
      [
        { day, tool: "no-such-tool", detector: "iban", outcome: "blocked", policyVersion: 1, n: 1 },
        { kind: "guard", tool: "no-such-tool", reason: "unknown_tool" },
      ],
      [
        { day, tool: "chatgpt", detector: "iban", outcome: "blocked", policyVersion: 99, n: 1 },
        { kind: "guard", reason: "unpublished_version" },
      ],
      [
        { day: addDays(day, 3), tool: "chatgpt", detector: "iban", outcome: "blocked", policyVersion: 1, n: 1 },
        { kind: "guard", reason: "day_out_of_window" },
      ],
      [
        {
          day: addDays(day, -LIMITS.retentionDays - 1),
          tool: "chatgpt",
          detector: "iban",
          outcome: "blocked",
          policyVersion: 1,
          n: 1,
        },
        { kind: "guard", reason: "day_out_of_window" },
      ],
    ];
    for (const [count, expected] of cases) {
      expect(await refusedWith(deviceToken, { ...good, guard: [count] })).toEqual([expect.objectContaining(expected)]);
    }
    // Shapes the schema refuses: an unknown detector or outcome, text or a hash of it, a duplicate.
    const base = { day, tool: "chatgpt", detector: "iban", outcome: "blocked", policyVersion: 1, n: 1 };
    const shapes: unknown[] = [
      { days: [], guard: [{ ...base, detector: "credit-card" }] },
      { days: [], guard: [{ ...base, outcome: "ignored" }] },
      { days: [], guard: [{ ...base, text: "4242 4242 4242 4242" }] },
      { days: [], guard: [{ ...base, sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" }] },
      { days: [], guard: [base, { ...base, n: 2 }] },
      { days: [], guard: [] },
    ];
    for (const body of shapes) expect((await report(deviceToken, body)).status, JSON.stringify(body)).toBe(400);
    expect(await Promise.all(tables.map(countRows))).toEqual(before);
  });

  it("holds a device to a bounded number of guard rows per day", async () => {
    const { deviceToken } = await enrollDevice();
    const day = today();
    const tools = [
      "chatgpt",
      "claude",
      "google-gemini",
      "perplexity",
      "copy-ai",
      "otter",
      "jasper",
      "midjourney",
      "poe",
    ];
    const rows = tools.flatMap((tool) =>
      GUARD_SUBJECTS.flatMap((detector) =>
        (["warned", "blocked"] as const).map((outcome) => ({ day, tool, detector, outcome, policyVersion: 1, n: 1 })),
      ),
    );
    const allowed = rows.slice(0, LIMITS.maxGuardRowsPerDeviceDay);
    expect((await report(deviceToken, { days: [], guard: allowed })).status).toBe(200);
    const next = rows[LIMITS.maxGuardRowsPerDeviceDay] as GuardCount;
    expect(await refusedWith(deviceToken, { days: [], guard: [next] })).toEqual([
      expect.objectContaining({ kind: "guard", reason: "too_many" }),
    ]);
    // A row the device already holds may still grow.
    const grown = { ...(allowed[0] as GuardCount), n: 2 };
    expect((await report(deviceToken, { days: [], guard: [grown] })).status).toBe(200);
  });

  it("are rolled up with distinct devices and deleted when they leave the retention window", async () => {
    const day = today();
    const old = addDays(day, -2);
    const a = await enrollDevice();
    const b = await enrollDevice();
    for (const device of [a, b]) {
      const body = { days: [], guard: guard(old, [["deepseek", "email-list", "warned", 2]]) };
      expect((await report(device.deviceToken, body)).status).toBe(200);
    }
    const kept = { days: [], guard: guard(day, [["deepseek", "email-list", "blocked", 1]]) };
    expect((await report(a.deviceToken, kept)).status).toBe(200);
    await runCron(Date.now() + LIMITS.retentionDays * DAY_MS);
    expect(await query("select day, outcome from guard_counts where tool = 'deepseek'")).toEqual([
      { day, outcome: "blocked" },
    ]);
    expect(await query("select day, detector, outcome, n, devices from guard_rollups where tool = 'deepseek'")).toEqual(
      [{ day: old, detector: "email-list", outcome: "warned", n: 4, devices: 2 }],
    );
  });
});
