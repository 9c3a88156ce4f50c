import { describe, expect, it } from "vitest";
import { addDays } from "../../shared/day";
import { LIMITS } from "../../shared/limits";
import { errorResponse, type RefusedCount, type ReportRequest } from "../../shared/protocol";
import { counters, countRows, enrollDevice, expectJson, query, report, today } from "./helpers";

/*
 * Justifications, candidates and the organization totals: stored with max-merge per device,
 * totals exact under replays, duplicates, reordering and concurrency, refusals atomic.
 * Storage is per test file, so this file's numbers are its own.
 */

const REASON = "evaluating";

async function rollupTotal(tool: string, event: string, day?: string): Promise<number> {
  const rows = await query<{ n: number | null }>(
    `select sum(n) as n from daily_rollups where tool = ? and event = ?${day ? " and day = ?" : ""}`,
    ...(day ? [tool, event, day] : [tool, event]),
  );
  return rows[0]?.n ?? 0;
}

describe("justifications and candidates", () => {
  it("stores both with max-merge, so a replay or an older value changes nothing", async () => {
    const { deviceId, deviceToken } = await enrollDevice();
    const day = today();
    const body = (n: number): ReportRequest => ({
      ...counters(day, [
        ["otter", "nudge_shown", n],
        ["otter", "justified", n],
      ]),
      justifications: [{ day, tool: "otter", reason: REASON, policyVersion: 1, n }],
      candidates: [{ day, domain: "newthing.ai", n: n * 2 }],
    });
    expect(await expectJson(await report(deviceToken, body(2)), 200)).toMatchObject({ accepted: 4, changed: 4 });
    expect(await expectJson(await report(deviceToken, body(2)), 200)).toMatchObject({ accepted: 4, changed: 0 });
    expect(await expectJson(await report(deviceToken, body(3)), 200)).toMatchObject({ accepted: 4, changed: 4 });
    expect(await expectJson(await report(deviceToken, body(1)), 200)).toMatchObject({ accepted: 4, changed: 0 });
    expect(
      await query("select tool, reason, policy_version, n from justifications where device_id = ?", deviceId),
    ).toEqual([{ tool: "otter", reason: REASON, policy_version: 1, n: 3 }]);
    expect(await query("select domain, n from candidates where device_id = ?", deviceId)).toEqual([
      { domain: "newthing.ai", n: 6 },
    ]);
    expect(await query("select domain, first_seen, state from candidate_domains where domain = 'newthing.ai'")).toEqual(
      [{ domain: "newthing.ai", first_seen: day, state: "new" }],
    );
  });

  it("refuses a whole report when one justification or candidate is wrong, storing nothing", async () => {
    const { deviceToken } = await enrollDevice();
    const day = today();
    const tables = ["daily_counters", "daily_rollups", "justifications", "candidates", "candidate_domains"];
    const before = await Promise.all(tables.map(countRows));
    const good = counters(day, [["chatgpt", "visit", 1]]);
    const refusals: Array<[ReportRequest, Partial<RefusedCount>]> = [
      [
        { ...good, justifications: [{ day, tool: "otter", reason: "because-i-said-so", policyVersion: 1, n: 1 }] },
        { kind: "justification", justification: "because-i-said-so", reason: "unknown_reason" },
      ],
      [
        { ...good, justifications: [{ day, tool: "no-such-tool", reason: REASON, policyVersion: 1, n: 1 }] },
        { kind: "justification", tool: "no-such-tool", reason: "unknown_tool" },
      ],
      [
        { ...good, candidates: [{ day: addDays(day, 3), domain: "future.ai", n: 1 }] },
        { kind: "candidate", domain: "future.ai", reason: "day_out_of_window" },
      ],
      [
        {
          ...good,
          justifications: [
            { day: addDays(day, -LIMITS.retentionDays - 1), tool: "otter", reason: REASON, policyVersion: 1, n: 1 },
          ],
        },
        { kind: "justification", tool: "otter", reason: "day_out_of_window" },
      ],
    ];
    for (const [body, expected] of refusals) {
      const refused = errorResponse.parse(await expectJson(await report(deviceToken, body), 422));
      expect(refused.code).toBe("report_refused");
      expect(refused.refused).toEqual([expect.objectContaining(expected)]);
    }
    // Shapes the schema refuses: a URL, a host with www., an uppercase host, a duplicate, an unknown field.
    const shapes: unknown[] = [
      { days: [], candidates: [{ day, domain: "https://x.ai/path", n: 1 }] },
      { days: [], candidates: [{ day, domain: "www.x.ai", n: 1 }] },
      { days: [], candidates: [{ day, domain: "X.AI", n: 1 }] },
      {
        days: [],
        candidates: [
          { day, domain: "x.ai", n: 1 },
          { day, domain: "x.ai", n: 2 },
        ],
      },
      { days: [], justifications: [{ day, tool: "otter", reason: REASON, policyVersion: 1, n: 1, text: "why" }] },
    ];
    for (const body of shapes) expect((await report(deviceToken, body)).status, JSON.stringify(body)).toBe(400);
    expect(await Promise.all(tables.map(countRows))).toEqual(before);
  });
});

describe("organization totals (daily_rollups)", () => {
  it("equal the sum of every device's maximum under duplicates, reordering and concurrency", async () => {
    const day = today();
    const yesterday = addDays(day, -1);
    const fleet = await Promise.all([1, 2, 3, 4, 5, 6].map(() => enrollDevice()));
    // Each device's cumulative values grow over time; every value is sent twice and the
    // deliveries of all devices are shuffled and sent concurrently.
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const truth = new Map<string, number>();
    const deliveries: Array<() => Promise<Response>> = [];
    fleet.forEach(({ deviceToken }, device) => {
      let visits = 0;
      let shown = 0;
      for (let step = 0; step < 5; step++) {
        visits += 1 + Math.floor(random() * 4);
        shown += Math.floor(random() * 2);
        const entries: Array<[string, string, number]> = [["claude", "visit", visits]];
        if (shown > 0) entries.push(["claude", "nudge_shown", shown]);
        const body: ReportRequest = {
          days: [
            counters(day, entries).days[0] as ReportRequest["days"][number],
            counters(yesterday, [["google-gemini", "visit", device + 1]]).days[0] as ReportRequest["days"][number],
          ],
        };
        deliveries.push(
          () => report(deviceToken, body),
          () => report(deviceToken, body),
        );
      }
      truth.set(`claude/visit/${device}`, visits);
      truth.set(`claude/nudge_shown/${device}`, shown);
    });
    deliveries.sort(() => random() - 0.5);
    const statuses = await Promise.all(deliveries.map((deliver) => deliver().then((r) => r.status)));
    expect(new Set(statuses)).toEqual(new Set([200]));

    const sum = (event: string) =>
      [...truth].filter(([key]) => key.startsWith(`claude/${event}/`)).reduce((total, [, n]) => total + n, 0);
    expect(await rollupTotal("claude", "visit", day)).toBe(sum("visit"));
    expect(await rollupTotal("claude", "nudge_shown", day)).toBe(sum("nudge_shown"));
    expect(await rollupTotal("google-gemini", "visit", yesterday)).toBe(1 + 2 + 3 + 4 + 5 + 6);
    // The totals agree with the raw counters they summarize, key by key.
    const mismatches = await query(
      `select r.day, r.tool, r.event, r.n, c.n as raw from daily_rollups r
       left join (select day, tool, event, policy_version, sum(n) as n from daily_counters
                  group by day, tool, event, policy_version) c
         on c.day = r.day and c.tool = r.tool and c.event = r.event and c.policy_version = r.policy_version
       where c.n is null or c.n != r.n`,
    );
    expect(mismatches).toEqual([]);
    expect(
      await query<{ n: number }>("select count(*) as n from device_days where day = ?", day).then((r) => r[0]?.n),
    ).toBeGreaterThanOrEqual(fleet.length);
  });

  it("records each event's first and last day per device and policy version", async () => {
    const { deviceId, deviceToken } = await enrollDevice();
    const day = today();
    const answered = (on: string): ReportRequest =>
      counters(on, [
        ["perplexity", "nudge_shown", 1],
        ["perplexity", "acknowledged", 1],
      ]);
    expect((await report(deviceToken, answered(addDays(day, -2)))).status).toBe(200);
    expect((await report(deviceToken, answered(day))).status).toBe(200);
    expect((await report(deviceToken, counters(day, [["perplexity", "visit", 4]]))).status).toBe(200);
    expect(
      await query(
        "select policy_version, event, first_day, last_day from device_events where device_id = ? order by event",
        deviceId,
      ),
    ).toEqual([
      { policy_version: 1, event: "acknowledged", first_day: addDays(day, -2), last_day: day },
      { policy_version: 1, event: "nudge_shown", first_day: addDays(day, -2), last_day: day },
      { policy_version: 1, event: "visit", first_day: day, last_day: day },
    ]);
  });

  it("counts each device once per tool and day, and once per event and day, however often it reports", async () => {
    const day = today();
    const dayBefore = addDays(day, -3);
    const devicesOf = async (table: "tool_days" | "event_days", where: string, ...params: unknown[]) =>
      (await query<{ devices: number }>(`select devices from ${table} where ${where}`, ...params))[0]?.devices ?? 0;
    const before = await devicesOf("tool_days", "day = ? and tool = 'poe'", dayBefore);
    const shownBefore = await devicesOf(
      "event_days",
      "day = ? and event = 'nudge_shown' and policy_version = 1",
      dayBefore,
    );
    for (let i = 0; i < 3; i++) {
      const { deviceToken } = await enrollDevice();
      for (let n = 1; n <= 3; n++) {
        const body = counters(dayBefore, [
          ["poe", "visit", n],
          ["poe", "nudge_shown", n],
          ["poe", "dismissed", 1],
        ]);
        expect((await report(deviceToken, body)).status).toBe(200);
        expect((await report(deviceToken, counters(dayBefore, [["you-com", "nudge_shown", n]]))).status).toBe(200);
      }
    }
    expect(await devicesOf("tool_days", "day = ? and tool = 'poe'", dayBefore)).toBe(before + 3);
    expect(await devicesOf("event_days", "day = ? and event = 'nudge_shown' and policy_version = 1", dayBefore)).toBe(
      shownBefore + 3,
    );
  });
});
