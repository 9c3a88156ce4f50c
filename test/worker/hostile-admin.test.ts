import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { admin, query } from "./helpers";

/*
 * Hostile input against every admin endpoint that changes something and every query string
 * the admin API reads: always a 4xx with a clear message, never a 5xx, nothing stored.
 */

async function snapshot(): Promise<string> {
  const tables = await query<{ name: string }>(
    "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '_cf_%' and name != 'd1_migrations' order by name",
  );
  const parts: string[] = [];
  for (const { name } of tables)
    parts.push(`${name}:${JSON.stringify(await query(`select * from "${name}" order by 1`))}`);
  return parts.join("\n");
}

const hostile = fc.oneof(
  fc.constantFrom(
    "'; drop table tool_reviews; --",
    "<img src=x onerror=alert(1)>",
    "\u0000",
    "x".repeat(5_000),
    -1,
    1e308,
    Number.NaN,
    null,
    true,
    [],
    {},
    [[[[[[[[]]]]]]]],
    "2026-02-30",
    "approved",
    "banned",
  ),
  fc.string(),
  fc.integer(),
);

const WRITES: Array<[string, string, (value: unknown) => unknown]> = [
  ["PUT", "/tools/chatgpt/review", (v) => ({ status: v, owner: v, notes: v, nextReview: v, alternative: v })],
  ["PUT", "/tools/chatgpt/review", (v) => ({ status: "approved", alternative: v, nextReview: "2026-13-01" })],
  ["PUT", "/tools/no-such-tool/review", () => ({ status: "approved" })],
  ["POST", "/policy", (v) => ({ policy: { version: 1, name: v, rules: [{ id: v, when: {}, action: v }] } })],
  ["POST", "/policy", (v) => ({ policy: v })],
  ["POST", "/policy/validate", (v) => ({ policy: { rules: v } })],
  ["POST", "/candidates/newtool.ai", (v) => ({ state: v })],
  ["POST", "/candidates/%3Cimg%3E", () => ({ state: "dismissed" })],
  ["PUT", "/exceptions/chatgpt/evaluating", (v) => ({ decision: v, owner: v, expiry: v })],
  ["PUT", "/review-requests/chatgpt", (v) => ({ state: v, owner: v, note: v })],
  ["POST", "/enrollment-tokens", (v) => ({ label: v, extra: v })],
  ["POST", "/enrollment-tokens/no-such-token/revoke", () => ({})],
  ["POST", "/devices/no-such-device/revoke", () => ({})],
];

describe("hostile input to the admin API", () => {
  it("refuses every malformed change with a 4xx and stores nothing (property)", async () => {
    // A fresh database publishes the default policy on first use: let that happen first.
    expect((await admin("/policy")).status).toBe(200);
    const before = await snapshot();
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...WRITES), hostile, async ([method, path, body], value) => {
        const payload = body(value);
        const response = await admin(path, {
          method,
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(payload),
        });
        if (path === "/policy/validate") {
          // Validation answers with the problems it found; it never stores anything.
          const answer = (await response.json()) as { ok?: boolean; issues?: string[] };
          expect(
            response.status === 200 ? answer.ok === false && (answer.issues?.length ?? 0) > 0 : response.status < 500,
          ).toBe(true);
          return;
        }
        if (response.status < 300) {
          throw new Error(`accepted ${method} ${path} ${JSON.stringify(payload).slice(0, 120)}`);
        }
        refused++;
        expect(response.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expect(typeof ((await response.json()) as { error?: unknown }).error).toBe("string");
      }),
      { numRuns: 300 },
    );
    console.log(`hostile admin changes: ${refused} refused`);
    const after = await snapshot();
    expect(after.split("\n").filter((line) => !before.includes(line))).toEqual([]);
    expect(after).toBe(before);
  });

  it("refuses malformed query strings with a 4xx", async () => {
    const paths = [
      "/evidence?format=pdf",
      "/evidence?from=2026-99-01",
      "/evidence?from=2026-11-20&to=2026-11-01",
      "/awareness?version=-1",
      "/awareness?version=abc",
      "/audit?limit=100000",
      "/audit?limit=-5",
      "/audit?before=%00",
      "/devices?limit=x",
      "/tools/%3Cscript%3E",
      "/policy/0",
    ];
    for (const path of paths) {
      const response = await admin(path);
      expect(response.status, path).toBeGreaterThanOrEqual(400);
      expect(response.status, path).toBeLessThan(500);
    }
  });
});
