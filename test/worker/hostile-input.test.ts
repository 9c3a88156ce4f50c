import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { call, enrollDevice, groupToken, json, nextAddress, query, report, today } from "./helpers";

/*
 * Hostile input against every public endpoint: wrong types, huge and negative numbers,
 * unknown fields, deep nesting, oversize bodies, invalid UTF-8, SQL and HTML in strings,
 * forged tokens. Always a 4xx with a clear message, never a 5xx, and nothing stored.
 */

async function snapshot(): Promise<string> {
  const tables = await query<{ name: string }>(
    "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '_cf_%' and name != 'd1_migrations' order by name",
  );
  const parts: string[] = [];
  for (const { name } of tables) {
    // Tables whose rows change on legitimate reads (rate-limit windows) are not data.
    if (name.includes("rate")) continue;
    parts.push(`${name}:${JSON.stringify(await query(`select * from "${name}" order by 1`))}`);
  }
  return parts.join("\n");
}

const HOSTILE_STRINGS = [
  "'; drop table devices; --",
  "<img src=x onerror=alert(1)>",
  "\u0000",
  "\ud800",
  "x".repeat(10_000),
  "../../etc/passwd",
  "chatgpt\tvisit\t1",
];

function hostileValue(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom(...HOSTILE_STRINGS),
    fc.constantFrom(-1, 0, 1.5, Number.MAX_SAFE_INTEGER, 1e308, -0, Number.NaN),
    fc.constantFrom(null, true, [], {}, [[[[[[[[[[]]]]]]]]]]),
    fc.string(),
    fc.integer(),
  );
}

describe("hostile input", () => {
  it("refuses every malformed report with a 4xx and stores nothing (property)", { timeout: 60_000 }, async () => {
    // Devices take turns, so each report meets the validation, not the per-device rate limit.
    const fleet = await Promise.all(Array.from({ length: 14 }, () => enrollDevice()));
    let turn = 0;
    const nextToken = () => fleet[turn++ % fleet.length]?.deviceToken ?? "";
    const before = await snapshot();
    const counter = fc.record(
      {
        tool: fc.oneof(fc.constant("chatgpt"), hostileValue()),
        event: fc.oneof(fc.constant("visit"), hostileValue()),
        policyVersion: fc.oneof(fc.constant(1), hostileValue()),
        n: fc.oneof(fc.constant(1), hostileValue()),
        extra: hostileValue(),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      fc.record({
        days: fc.array(
          fc.record({
            day: fc.oneof(fc.constant("2026-13-01"), hostileValue()),
            counters: fc.array(counter, { maxLength: 3 }),
          }),
          { maxLength: 3 },
        ),
      }),
      fc.record({
        days: fc.constant([{ day: today(), counters: [{ tool: "chatgpt", event: "visit", policyVersion: 1, n: 1 }] }]),
        url: hostileValue(),
      }),
      hostileValue(),
    );
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(body, async (payload) => {
        // A payload that happens to be valid is not hostile: skip it.
        const response = await report(nextToken(), payload);
        if (response.status === 200) return;
        cases++;
        expect(response.status).not.toBe(429);
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        const answer = (await response.json()) as { error?: unknown };
        expect(typeof answer.error).toBe("string");
      }),
      { numRuns: 300 },
    );
    console.log(`hostile reports: ${cases} refused`);
    expect(cases).toBeGreaterThan(250);
    expect(await snapshot()).toBe(before);
  });

  it("refuses raw bodies that are not JSON, deeply nested or not UTF-8", async () => {
    const { deviceToken } = await enrollDevice();
    const before = await snapshot();
    const bodies: BodyInit[] = [
      "",
      "null",
      "not json",
      `${"[".repeat(5000)}${"]".repeat(5000)}`,
      `{"days":${"[".repeat(2000)}${"]".repeat(2000)}}`,
      new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
      `{"days":[{"day":"${today()}","counters":[{"tool":"chatgpt","event":"visit","policyVersion":1,"n":1e400}]}]}`,
      `{"__proto__":{"admin":true},"days":[]}`,
    ];
    for (const body of bodies) {
      for (const path of ["/api/v1/reports", "/api/v1/enroll"]) {
        const response = await call(path, {
          method: "POST",
          headers: {
            "Content-Type": "application/json",
            Authorization: `Bearer ${deviceToken}`,
            "CF-Connecting-IP": nextAddress(),
          },
          body,
        });
        expect(response.status, `${path} ${String(body).slice(0, 40)}`).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expect(response.status, "the body must meet validation, not a rate limit").not.toBe(429);
      }
    }
    expect(await snapshot()).toBe(before);
  });

  it("refuses forged tokens everywhere", async () => {
    const before = await snapshot();
    const forged = [
      "",
      "Bearer",
      "Bearer ",
      `Bearer ${"a".repeat(43)}`,
      "Basic YWRtaW46YWRtaW4=",
      `Bearer ${"'; --".repeat(10)}`,
    ];
    for (const authorization of forged) {
      for (const [method, path] of [
        ["GET", "/api/v1/policy"],
        ["POST", "/api/v1/reports"],
        ["GET", "/api/admin/inventory"],
        ["GET", "/api/admin/policy"],
      ] as const) {
        const response = await call(path, {
          method,
          headers: { Authorization: authorization, "Content-Type": "application/json" },
          ...(method === "POST" ? { body: JSON.stringify({ days: [] }) } : {}),
        });
        expect([401, 403], `${method} ${path} with ${authorization.slice(0, 20)}`).toContain(response.status);
      }
    }
    const enroll = await json("/api/v1/enroll", { token: "' or 1=1 --" });
    expect(enroll.status).toBe(401);
    expect(await snapshot()).toBe(before);
  });
});

describe("the privacy promise, on the server", () => {
  it("stores no IP address and no User-Agent, whatever the request carries", async () => {
    const privacyToken = await groupToken("Privacy");
    const markers = {
      "CF-Connecting-IP": "203.0.113.77",
      "X-Forwarded-For": "198.51.100.23, 203.0.113.77",
      "X-Real-IP": "192.0.2.199",
      "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) DistinctiveAgent/987.654",
    };
    const enroll = await call("/api/v1/enroll", {
      method: "POST",
      headers: { "Content-Type": "application/json", ...markers },
      body: JSON.stringify({ token: privacyToken, browser: "chrome" }),
    });
    expect(enroll.status).toBe(201);
    const { deviceToken } = (await enroll.json()) as { deviceToken: string };
    const sent = await call("/api/v1/reports", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${deviceToken}`, ...markers },
      body: JSON.stringify({
        days: [{ day: today(), counters: [{ tool: "chatgpt", event: "visit", policyVersion: 1, n: 1 }] }],
      }),
    });
    expect(sent.status).toBe(200);
    await call("/api/v1/policy", { headers: { Authorization: `Bearer ${deviceToken}`, ...markers } });
    const dump = await snapshot();
    expect(dump).toContain("Privacy");
    for (const needle of ["203.0.113.77", "198.51.100.23", "192.0.2.199", "DistinctiveAgent", "Mozilla", deviceToken]) {
      expect(dump).not.toContain(needle);
    }
  });
});
