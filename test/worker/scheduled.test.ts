import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { candidatesResponse, exceptionsResponse } from "../../shared/admin";
import { addDays, dayOf } from "../../shared/day";
import { LIMITS } from "../../shared/limits";
import { deliverWebhooks, MAX_ATTEMPTS, retryDelay } from "../../worker/cron/webhooks";
import { admin, counters, enrollDevice, expectJson, query, report, runCron, today } from "./helpers";

/* The cron trigger: retention with rollups, daily aggregate webhooks, signed, with retries (outbound fetch mocked). */

const DAY_MS = 86_400_000;

interface Delivery {
  url: string;
  method: string;
  headers: Headers;
  body: string;
}

function mockWebhookReceiver(answer: () => Response) {
  const received: Delivery[] = [];
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    // The worker posts with a URL string and an init object.
    received.push({
      url: String(input),
      method: init?.method ?? "GET",
      headers: new Headers(init?.headers),
      body: String(init?.body ?? ""),
    });
    return answer();
  });
  return { received, spy };
}

async function verifySignature(delivery: Delivery): Promise<{ valid: boolean; body: Record<string, unknown> }> {
  const header = delivery.headers.get("x-shadowlight-signature") ?? "";
  expect(header).toMatch(/^sha256=[0-9a-f]{64}$/);
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(env.WEBHOOK_SECRET),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  const mac = Uint8Array.from(header.slice(7).match(/../g) ?? [], (byte) => Number.parseInt(byte, 16));
  const valid = await crypto.subtle.verify("HMAC", key, mac, new TextEncoder().encode(delivery.body));
  return { valid, body: JSON.parse(delivery.body) };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("retention", () => {
  it("rolls up raw rows past the window with distinct devices, deletes them, and keeps totals", async () => {
    mockWebhookReceiver(() => new Response(null, { status: 204 }));
    const day = today();
    const a = await enrollDevice();
    const b = await enrollDevice();
    const old = addDays(day, -2);
    const kept = addDays(day, -1);
    const sent = await report(a.deviceToken, {
      ...counters(old, [
        ["copy-ai", "visit", 3],
        ["copy-ai", "nudge_shown", 2],
        ["copy-ai", "justified", 2],
      ]),
      justifications: [{ day: old, tool: "copy-ai", reason: "evaluating", policyVersion: 1, n: 2 }],
      candidates: [{ day: old, domain: "retained.ai", n: 4 }],
      lessons: [
        { day: old, lesson: "chat-assistants", version: 1, outcome: "opened", n: 2 },
        { day: old, lesson: "chat-assistants", version: 1, outcome: "completed", n: 1 },
      ],
    });
    expect(sent.status).toBe(200);
    await report(b.deviceToken, counters(old, [["copy-ai", "visit", 2]]));
    await report(b.deviceToken, counters(kept, [["copy-ai", "visit", 7]]));
    const visits = async () =>
      (
        await query<{ n: number }>("select sum(n) as n from daily_rollups where tool = 'copy-ai' and event = 'visit'")
      )[0]?.n;
    expect(await visits()).toBe(12);

    // Run as if LIMITS.retentionDays days had passed: `old` falls out of the window, `kept` not yet.
    await runCron(Date.now() + LIMITS.retentionDays * DAY_MS);
    expect(await query("select day, count(*) as n from daily_counters group by day order by day")).toEqual([
      { day: kept, n: 1 },
    ]);
    expect(await query("select count(*) as n from justifications")).toEqual([{ n: 0 }]);
    expect(await query("select count(*) as n from candidates")).toEqual([{ n: 0 }]);
    expect(await query("select count(*) as n from lesson_outcomes")).toEqual([{ n: 0 }]);
    expect(await query("select day from device_days order by day")).toEqual([{ day: kept }]);
    expect(
      await query("select event, n, devices from daily_rollups where day = ? and tool = 'copy-ai' order by event", old),
    ).toEqual([
      { event: "justified", n: 2, devices: 1 },
      { event: "nudge_shown", n: 2, devices: 1 },
      { event: "visit", n: 5, devices: 2 },
    ]);
    expect(await query("select n, devices from daily_rollups where day = ?", kept)).toEqual([{ n: 7, devices: null }]);
    expect(await query("select tool, reason, n, devices from justification_rollups")).toEqual([
      { tool: "copy-ai", reason: "evaluating", n: 2, devices: 1 },
    ]);
    expect(await query("select domain, n, devices from candidate_rollups")).toEqual([
      { domain: "retained.ai", n: 4, devices: 1 },
    ]);
    expect(await query("select lesson, version, outcome, n, devices from lesson_rollups order by outcome")).toEqual([
      { lesson: "chat-assistants", version: 1, outcome: "completed", n: 1, devices: 1 },
      { lesson: "chat-assistants", version: 1, outcome: "opened", n: 2, devices: 1 },
    ]);

    // The totals stay; the views still list what one device did, without its figures.
    expect(await visits()).toBe(12);
    const { exceptions } = await expectJson(await admin("/exceptions"), 200, exceptionsResponse);
    expect(exceptions.find((e) => e.tool === "copy-ai")).toMatchObject({ requests: null, devices: 0 });
    // An untriaged domain nobody reported within the window is gone with its raw rows.
    const { candidates } = await expectJson(await admin("/candidates"), 200, candidatesResponse);
    expect(candidates.find((c) => c.domain === "retained.ai")).toBeUndefined();

    // A second run finds nothing more to do and changes nothing.
    const before = await query("select * from daily_rollups order by day, tool, event");
    await runCron(Date.now() + LIMITS.retentionDays * DAY_MS);
    expect(await query("select * from daily_rollups order by day, tool, event")).toEqual(before);
  });
});

it("keeps no device-level row older than the retention window, 200 days later", async () => {
  const day = today();
  const quiet = await enrollDevice();
  const revoked = await enrollDevice();
  const active = await enrollDevice();
  const first = await report(quiet.deviceToken, {
    ...counters(day, [
      ["jasper", "visit", 1],
      ["jasper", "nudge_shown", 1],
      ["jasper", "justified", 1],
    ]),
    justifications: [{ day, tool: "jasper", reason: "evaluating", policyVersion: 1, n: 1 }],
    candidates: [{ day, domain: "forgotten.ai", n: 1 }],
    lessons: [{ day, lesson: "chat-assistants", version: 1, outcome: "opened", n: 1 }],
  });
  expect(first.status, await first.clone().text()).toBe(200);
  expect((await report(revoked.deviceToken, counters(day, [["jasper", "visit", 1]]))).status).toBe(200);
  await admin(`/devices/${revoked.deviceId}/revoke`, { method: "POST" });
  await env.DB.prepare(
    "INSERT INTO device_flags (device_id, reason, detail, flagged_day) VALUES (?1, 'visits', 'test', ?2)",
  )
    .bind(quiet.deviceId, day)
    .run();
  expect((await report(active.deviceToken, counters(day, [["jasper", "visit", 1]]))).status).toBe(200);
  // 200 days later, the cron having run (a run rolls up at most a few days: run it enough).
  const later = Date.now() + 200 * DAY_MS;
  // An event row of the revoked device on a day still inside the window then: the device goes,
  // and its rows with it (awareness counts event rows without looking up their device).
  await env.DB.prepare(
    "INSERT INTO device_events (device_id, policy_version, event, first_day, last_day) VALUES (?1, 1, 'left', ?2, ?2)",
  )
    .bind(revoked.deviceId, dayOf(later))
    .run();
  for (let run = 0; run < 25; run++) await runCron(later);
  const cutoff = addDays(dayOf(later), -LIMITS.retentionDays);
  const cutoffMs = Date.parse(`${cutoff}T00:00:00Z`);
  const old = async (sql: string, ...params: unknown[]) => (await query<{ n: number }>(sql, ...params))[0]?.n;
  expect(await old("select count(*) as n from daily_counters where day < ?", cutoff)).toBe(0);
  expect(await old("select count(*) as n from device_days where day < ?", cutoff)).toBe(0);
  expect(await old("select count(*) as n from device_tools where last_seen < ?", cutoff)).toBe(0);
  expect(await old("select count(*) as n from device_events where last_day < ?", cutoff)).toBe(0);
  expect(await old("select count(*) as n from device_events where device_id = ?", revoked.deviceId)).toBe(0);
  expect(await old("select count(*) as n from justifications where day < ?", cutoff)).toBe(0);
  expect(await old("select count(*) as n from candidates where day < ?", cutoff)).toBe(0);
  expect(await old("select count(*) as n from lesson_outcomes where day < ?", cutoff)).toBe(0);
  expect(await old("select count(*) as n from device_lessons where last_day < ?", cutoff)).toBe(0);
  expect(await old("select count(*) as n from device_flags where flagged_day < ?", cutoff)).toBe(0);
  expect(
    await old(
      `select count(*) as n from devices where (revoked_at is not null and revoked_at < ?2)
        or last_report_day < ?1 or (last_report_day is null and enrolled_at < ?2)`,
      cutoff,
      cutoffMs,
    ),
  ).toBe(0);
  expect(await old("select count(*) as n from candidate_domains where state = 'new' and last_seen < ?", cutoff)).toBe(
    0,
  );
  expect(
    await query("select id from devices where id in (?, ?, ?)", quiet.deviceId, revoked.deviceId, active.deviceId),
  ).toEqual([]);
  // What holds no device id stays: the totals.
  expect(await old("select sum(n) as n from daily_rollups where tool = 'jasper' and event = 'visit'")).toBe(3);
});

describe("webhooks", () => {
  /** Five devices use a tool today and justify it; one more uses another tool alone. */
  async function fleetUses(tool: string, reason: string, day: string) {
    for (let i = 0; i < LIMITS.kAnonymity; i++) {
      const { deviceToken } = await enrollDevice();
      const response = await report(deviceToken, {
        ...counters(day, [
          [tool, "visit", 1],
          [tool, "nudge_shown", 1],
          [tool, "justified", 1],
        ]),
        justifications: [{ day, tool, reason, policyVersion: 1, n: 1 }],
      });
      expect(response.status).toBe(200);
    }
  }

  /** Runs the cron as if a day had passed since `day`, so the day's aggregates are due. */
  async function runDailyAfter(day: string, now: number) {
    await env.DB.prepare("DELETE FROM storage_days WHERE day = ?").bind(addDays(day, 1)).run();
    await runCron(now);
  }

  it("posts daily aggregates of at least k devices once, signed with HMAC-SHA256, without device ids or times", async () => {
    const { received } = mockWebhookReceiver(() => new Response("ok"));
    const yesterday = addDays(today(), -1);
    await fleetUses("tome", "public-data-only", yesterday);
    const loner = await enrollDevice();
    await report(loner.deviceToken, {
      ...counters(yesterday, [["gamma", "visit", 1]]),
      candidates: [{ day: yesterday, domain: "lonely.ai", n: 1 }],
    });
    const now = Date.now();
    await runDailyAfter(yesterday, now);
    const events = received.filter((r) => r.url === env.WEBHOOK_URL);
    const bodies = [];
    for (const request of events) {
      expect(request.method).toBe("POST");
      expect(request.headers.get("content-type")).toBe("application/json");
      const { valid, body } = await verifySignature(request);
      expect(valid).toBe(true);
      expect(request.headers.get("x-shadowlight-event")).toBe(body.type);
      expect(request.headers.get("x-shadowlight-delivery")).toBe(String(body.id));
      bodies.push(body);
    }
    expect(bodies.map((body) => body.type).sort()).toEqual(["justifications.daily", "tool.discovered"]);
    expect(bodies.find((b) => b.type === "tool.discovered")).toMatchObject({
      tool: { id: "tome", name: "Tome" },
      devices: 5,
      day: yesterday,
      attempt: 1,
    });
    expect(bodies.find((b) => b.type === "justifications.daily")).toMatchObject({
      tool: { id: "tome" },
      reason: { id: "public-data-only", label: "I only use public, non-confidential information" },
      policyVersion: 1,
      day: yesterday,
      devices: 5,
      requests: 5,
    });
    // One device's tool and domain cause no event; no event names a device or a time of day.
    expect(JSON.stringify(bodies)).not.toMatch(/gamma|lonely\.ai/);
    expect(JSON.stringify(bodies)).not.toContain(loner.deviceId);
    for (const body of bodies) expect(Object.keys(body).sort()).not.toContain("occurredAt");

    // Delivered events are not sent again, and a later day does not repeat a discovery.
    received.length = 0;
    await runCron(now + 60_000);
    expect(received).toHaveLength(0);
    await runDailyAfter(today(), now + DAY_MS);
    expect(received.filter((r) => r.headers.get("x-shadowlight-event") === "tool.discovered")).toHaveLength(0);
  });

  it("announces an open review request once per opening, its devices only at k", async () => {
    const { received } = mockWebhookReceiver(() => new Response("ok"));
    const yesterday = addDays(today(), -1);
    const asker = await enrollDevice();
    const asked = counters(yesterday, [
      ["gamma", "blocked", 1],
      ["gamma", "review_requested", 1],
    ]);
    expect((await report(asker.deviceToken, asked)).status).toBe(200);
    const now = Date.now();
    await runDailyAfter(yesterday, now);
    const events = [];
    for (const request of received.filter((r) => r.headers.get("x-shadowlight-event") === "review.requested")) {
      events.push((await verifySignature(request)).body);
    }
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ tool: { id: "gamma" }, since: yesterday, devices: null, day: yesterday });
    expect(JSON.stringify(events)).not.toContain(asker.deviceId);

    // Taken up: no new event. Closed and asked again later: one new event for the new opening.
    received.length = 0;
    const put = (state: string) =>
      admin("/review-requests/gamma", {
        method: "PUT",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ state }),
      });
    expect((await put("in_review")).status).toBe(200);
    await runDailyAfter(today(), now + DAY_MS);
    expect(received.filter((r) => r.headers.get("x-shadowlight-event") === "review.requested")).toHaveLength(0);
    expect((await put("closed")).status).toBe(200);
    // Closed the day before today's new request.
    await env.DB.prepare("UPDATE review_requests SET closed_day = ?1").bind(yesterday).run();
    const again = await enrollDevice();
    expect(
      (
        await report(
          again.deviceToken,
          counters(today(), [
            ["gamma", "blocked", 1],
            ["gamma", "review_requested", 1],
          ]),
        )
      ).status,
    ).toBe(200);
    await runDailyAfter(addDays(today(), 1), now + 2 * DAY_MS);
    const reopened = received.filter((r) => r.headers.get("x-shadowlight-event") === "review.requested");
    expect(reopened).toHaveLength(1);
    expect((await verifySignature(reopened[0] as Delivery)).body).toMatchObject({
      tool: { id: "gamma" },
      since: today(),
    });
  });

  /** An event waiting in the outbox, as the daily job writes it. */
  async function queued(tool: string, now: number) {
    await env.DB.prepare("DELETE FROM webhook_outbox").run();
    await env.DB.prepare(
      "INSERT INTO webhook_outbox (kind, data, created_at, next_attempt_at) VALUES ('tool.discovered', ?1, ?2, ?2)",
    )
      .bind(JSON.stringify({ tool, devices: 5, day: today() }), now)
      .run();
  }

  it("retries a failed delivery with backoff, treats a redirect as a failure, and gives up at last", async () => {
    const answers = [
      new Response("down", { status: 503 }),
      new Response(null, { status: 302, headers: { Location: "https://elsewhere.example" } }),
    ];
    const { received } = mockWebhookReceiver(() => answers.shift() ?? new Response("ok"));
    const start = Date.now();
    await queued("gamma", start);
    const outbox = async () =>
      (
        await query<{ attempts: number; next_attempt_at: number; delivered_at: number | null; last_error: string }>(
          "select attempts, next_attempt_at, delivered_at, last_error from webhook_outbox where data like '%\"gamma\"%'",
        )
      )[0];
    await deliverWebhooks(env, start);
    expect(await outbox()).toMatchObject({
      attempts: 1,
      next_attempt_at: start + retryDelay(1),
      last_error: "HTTP 503",
    });
    // Not due yet: nothing is sent.
    await deliverWebhooks(env, start + retryDelay(1) - 1);
    expect(received).toHaveLength(1);
    await deliverWebhooks(env, start + retryDelay(1));
    expect(await outbox()).toMatchObject({ attempts: 2, last_error: "HTTP 302", delivered_at: null });
    await deliverWebhooks(env, start + retryDelay(1) + retryDelay(2));
    expect(await outbox()).toMatchObject({ attempts: 3, delivered_at: start + retryDelay(1) + retryDelay(2) });
    expect(received).toHaveLength(3);
    expect(retryDelay(1)).toBe(60_000);
    expect(retryDelay(3)).toBe(240_000);
    expect(retryDelay(30)).toBe(6 * 3_600_000);
  });

  it("marks an event failed after the last attempt", async () => {
    mockWebhookReceiver(() => {
      throw new Error("connection refused");
    });
    await queued("jasper", Date.now());
    await env.DB.prepare("update webhook_outbox set attempts = ? where data like '%\"jasper\"%'")
      .bind(MAX_ATTEMPTS - 1)
      .run();
    await deliverWebhooks(env, Date.now());
    const [row] = await query<{ failed_at: number | null; attempts: number; last_error: string }>(
      "select failed_at, attempts, last_error from webhook_outbox where data like '%\"jasper\"%'",
    );
    expect(row).toMatchObject({ attempts: MAX_ATTEMPTS, last_error: "connection refused" });
    expect(row?.failed_at).toBeGreaterThan(0);
  });

  it("keeps events queued rather than sending them unsigned", async () => {
    const { spy } = mockWebhookReceiver(() => new Response("ok"));
    await queued("writesonic", Date.now());
    const result = await deliverWebhooks({ ...env, WEBHOOK_SECRET: undefined }, Date.now());
    expect(result).toEqual({ delivered: 0, retried: 0, failed: 0 });
    expect(spy).not.toHaveBeenCalled();
    expect(await query("select delivered_at from webhook_outbox where data like '%\"writesonic\"%'")).toEqual([
      { delivered_at: null },
    ]);
  });
});
