import { describe, expect, it } from "vitest";
import { addDays } from "../../shared/day";
import { LIMITS } from "../../shared/limits";
import { call, enrollDevice, groupToken, json, query, report, today } from "./helpers";

const TOOL = "chatgpt";
const OTHER = "claude";

async function total(tool: string, event = "visit"): Promise<number> {
  const rows = await query<{ n: number | null }>(
    "select sum(n) as n from daily_counters where tool = ? and event = ?",
    tool,
    event,
  );
  return rows[0]?.n ?? 0;
}

describe("POST /api/v1/enroll", () => {
  it("issues a device pseudonym and keeps only a hash of its token", async () => {
    await groupToken("Finance");
    const device = await enrollDevice("Finance");
    expect(device.group).toBe("Finance");
    expect(device.deviceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(device.deviceToken.length).toBeGreaterThanOrEqual(40);
    const rows = await query<{ token_hash: string; group_label: string }>(
      "select token_hash, group_label from devices where id = ?",
      device.deviceId,
    );
    expect(rows[0]?.group_label).toBe("Finance");
    expect(rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]?.token_hash).not.toContain(device.deviceToken);
  });

  it("refuses a wrong enrollment token and stores nothing", async () => {
    const before = await query<{ c: number }>("select count(*) as c from devices");
    const response = await json("/api/v1/enroll", { token: "not-the-token" });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toMatch(/enrollment token/);
    expect(await query<{ c: number }>("select count(*) as c from devices")).toEqual(before);
  });

  it("refuses malformed bodies with a 400 naming the field", async () => {
    for (const body of ["{not json", { token: 42 }, { token: "test-enrollment-token", extra: true }, []]) {
      const response = await json("/api/v1/enroll", body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBeTruthy();
    }
  });
});

describe("POST /api/v1/reports", () => {
  it("upserts cumulative counters with max, so retries never double count", async () => {
    const { deviceToken } = await enrollDevice();
    const day = today();
    const body = { days: [{ day, counters: [{ tool: TOOL, event: "visit", policyVersion: 1, n: 3 }] }] };
    const before = await total(TOOL);
    const first = await report(deviceToken, body);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ accepted: 1, changed: 1 });
    const retry = await report(deviceToken, body);
    expect(await retry.json()).toMatchObject({ accepted: 1, changed: 0 });
    expect(await total(TOOL)).toBe(before + 3);

    const grown = await report(deviceToken, {
      days: [{ day, counters: [{ tool: TOOL, event: "visit", policyVersion: 1, n: 5 }] }],
    });
    expect(await grown.json()).toMatchObject({ accepted: 1, changed: 1 });
    // An older, smaller value arriving late changes nothing.
    await report(deviceToken, body);
    expect(await total(TOOL)).toBe(before + 5);
  });

  it("applies a report atomically: one bad counter and nothing is stored", async () => {
    const { deviceToken } = await enrollDevice();
    const before = await total(OTHER);
    const response = await report(deviceToken, {
      days: [
        {
          day: today(),
          counters: [
            { tool: OTHER, event: "visit", policyVersion: 1, n: 2 },
            { tool: "no-such-tool", event: "visit", policyVersion: 1, n: 1 },
          ],
        },
      ],
    });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: string; issues: string[] };
    expect(body.issues.join()).toMatch(/unknown tool "no-such-tool"/);
    expect(await total(OTHER)).toBe(before);
  });

  it("refuses days in the future and beyond retention", async () => {
    const { deviceToken } = await enrollDevice();
    for (const day of [addDays(today(), 2), addDays(today(), -LIMITS.retentionDays - 1)]) {
      const response = await report(deviceToken, {
        days: [{ day, counters: [{ tool: TOOL, event: "visit", policyVersion: 1, n: 1 }] }],
      });
      expect(response.status).toBe(422);
    }
  });

  it("refuses bad shapes with a 400 and stores nothing", async () => {
    const { deviceToken } = await enrollDevice();
    const before = await query<{ c: number }>("select count(*) as c from daily_counters");
    const bad: unknown[] = [
      { days: [] },
      { days: [{ day: "2026-02-30", counters: [{ tool: TOOL, event: "visit", policyVersion: 1, n: 1 }] }] },
      { days: [{ day: today(), counters: [{ tool: TOOL, event: "visit", policyVersion: 1, n: -1 }] }] },
      { days: [{ day: today(), counters: [{ tool: TOOL, event: "visit", policyVersion: 1, n: 1.5 }] }] },
      { days: [{ day: today(), counters: [{ tool: TOOL, event: "typed_prompt", policyVersion: 1, n: 1 }] }] },
      {
        days: [{ day: today(), counters: [{ tool: TOOL, event: "visit", policyVersion: 1, n: 1, url: "https://x" }] }],
      },
      {
        days: [
          {
            day: today(),
            counters: [
              { tool: TOOL, event: "visit", policyVersion: 1, n: 1 },
              { tool: TOOL, event: "visit", policyVersion: 1, n: 2 },
            ],
          },
        ],
      },
      "[]",
      "{",
    ];
    for (const body of bad) {
      const response = await report(deviceToken, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    expect(await query<{ c: number }>("select count(*) as c from daily_counters")).toEqual(before);
  });

  it("requires a known device token", async () => {
    const body = { days: [{ day: today(), counters: [{ tool: TOOL, event: "visit", policyVersion: 1, n: 1 }] }] };
    expect((await report("", body)).status).toBe(401);
    expect((await report("x".repeat(43), body)).status).toBe(401);
  });

  it("refuses bodies over the size limit with a 413", async () => {
    const { deviceToken } = await enrollDevice();
    const response = await report(deviceToken, `{"days":[${" ".repeat(LIMITS.maxBodyBytes + 10)}]}`);
    expect(response.status).toBe(413);
  });

  it("answers CORS preflight for the device API", async () => {
    const response = await call("/api/v1/reports", {
      method: "OPTIONS",
      headers: {
        Origin: "chrome-extension://abc",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
      },
    });
    expect(response.status).toBeLessThan(300);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
  });
});
