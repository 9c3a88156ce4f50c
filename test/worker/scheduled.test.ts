import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { candidatesResponse, exceptionsResponse, inventoryResponse } from "../../shared/admin";
import { addDays } from "../../shared/day";
import { LIMITS } from "../../shared/limits";
import { deliverWebhooks, MAX_ATTEMPTS, retryDelay } from "../../worker/cron/webhooks";
import worker from "../../worker/index";
import { admin, counters, enrollDevice, expectJson, query, report, today } from "./helpers";

/* The cron trigger: retention with rollups, and signed webhooks with retries (outbound fetch mocked). */

const DAY_MS = 86_400_000;

async function runCron(scheduledTime: number): Promise<void> {
  const controller = createScheduledController({ scheduledTime, cron: "*/5 * * * *" });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, env, ctx);
  await waitOnExecutionContext(ctx);
}

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
    await report(a.deviceToken, {
      ...counters(old, [
        ["copy-ai", "visit", 3],
        ["copy-ai", "nudge_shown", 1],
      ]),
      justifications: [{ day: old, tool: "copy-ai", reason: "evaluating", policyVersion: 1, n: 2 }],
      candidates: [{ day: old, domain: "retained.ai", n: 4 }],
    });
    await report(b.deviceToken, counters(old, [["copy-ai", "visit", 2]]));
    await report(b.deviceToken, counters(kept, [["copy-ai", "visit", 7]]));
    const visits = async () =>
      (await expectJson(await admin("/inventory"), 200, inventoryResponse)).tools.find((t) => t.id === "copy-ai")
        ?.visits;
    expect(await visits()).toBe(12);

    // Run as if LIMITS.retentionDays days had passed: `old` falls out of the window, `kept` not yet.
    await runCron(Date.now() + LIMITS.retentionDays * DAY_MS);
    expect(await query("select day, count(*) as n from daily_counters group by day order by day")).toEqual([
      { day: kept, n: 1 },
    ]);
    expect(await query("select count(*) as n from justifications")).toEqual([{ n: 0 }]);
    expect(await query("select count(*) as n from candidates")).toEqual([{ n: 0 }]);
    expect(await query("select day from device_days order by day")).toEqual([{ day: kept }]);
    expect(
      await query("select event, n, devices from daily_rollups where day = ? and tool = 'copy-ai' order by event", old),
    ).toEqual([
      { event: "nudge_shown", n: 1, devices: 1 },
      { event: "visit", n: 5, devices: 2 },
    ]);
    expect(await query("select n, devices from daily_rollups where day = ?", kept)).toEqual([{ n: 7, devices: null }]);
    expect(await query("select tool, reason, n, devices from justification_rollups")).toEqual([
      { tool: "copy-ai", reason: "evaluating", n: 2, devices: 1 },
    ]);
    expect(await query("select domain, n, devices from candidate_rollups")).toEqual([
      { domain: "retained.ai", n: 4, devices: 1 },
    ]);

    // The views keep their totals; distinct devices are only counted within the raw window.
    expect(await visits()).toBe(12);
    const { exceptions } = await expectJson(await admin("/exceptions"), 200, exceptionsResponse);
    expect(exceptions.find((e) => e.tool === "copy-ai")).toMatchObject({ requests: 2, devices: 0, firstSeen: old });
    const { candidates } = await expectJson(await admin("/candidates"), 200, candidatesResponse);
    expect(candidates.find((c) => c.domain === "retained.ai")).toMatchObject({ visits: 4, devices: 0 });

    // A second run finds nothing more to do and changes nothing.
    const before = await query("select * from daily_rollups order by day, tool, event");
    await runCron(Date.now() + LIMITS.retentionDays * DAY_MS);
    expect(await query("select * from daily_rollups order by day, tool, event")).toEqual(before);
  });
});

describe("webhooks", () => {
  it("posts each event once, signed with HMAC-SHA256, and marks it delivered", async () => {
    const { received } = mockWebhookReceiver(() => new Response("ok"));
    const device = await enrollDevice();
    const day = today();
    await report(device.deviceToken, {
      ...counters(day, [["tome", "visit", 1]]),
      justifications: [{ day, tool: "tome", reason: "public-data-only", policyVersion: 1, n: 1 }],
    });
    const now = Date.now();
    await runCron(now);
    const events = received.filter((r) => r.url === env.WEBHOOK_URL);
    expect(events).toHaveLength(2);
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
    expect(bodies.map((body) => body.type)).toEqual(["tool.discovered", "justification.submitted"]);
    expect(bodies[0]).toMatchObject({ tool: { id: "tome", name: "Tome" }, firstSeen: day, attempt: 1 });
    expect(bodies[1]).toMatchObject({
      tool: { id: "tome" },
      reason: { id: "public-data-only", label: "I only use public, non-confidential information" },
      policyVersion: 1,
      day,
      requests: 1,
    });
    expect(JSON.stringify(bodies)).not.toContain(device.deviceId);
    const rows = await query<{ delivered_at: number | null; attempts: number }>(
      "select delivered_at, attempts from webhook_outbox where kind in ('tool.discovered', 'justification.submitted') and data like '%tome%'",
    );
    expect(rows).toEqual([
      { delivered_at: now, attempts: 1 },
      { delivered_at: now, attempts: 1 },
    ]);

    // Delivered events are not sent again.
    received.length = 0;
    await runCron(now + 60_000);
    expect(received).toHaveLength(0);
  });

  it("retries a failed delivery with backoff, treats a redirect as a failure, and gives up at last", async () => {
    const answers = [
      new Response("down", { status: 503 }),
      new Response(null, { status: 302, headers: { Location: "https://elsewhere.example" } }),
    ];
    const { received } = mockWebhookReceiver(() => answers.shift() ?? new Response("ok"));
    const device = await enrollDevice();
    await report(device.deviceToken, counters(today(), [["gamma", "visit", 1]]));
    const outbox = async () =>
      (
        await query<{ attempts: number; next_attempt_at: number; delivered_at: number | null; last_error: string }>(
          "select attempts, next_attempt_at, delivered_at, last_error from webhook_outbox where data like '%\"gamma\"%'",
        )
      )[0];
    const start = Date.now();
    await runCron(start);
    expect(await outbox()).toMatchObject({
      attempts: 1,
      next_attempt_at: start + retryDelay(1),
      last_error: "HTTP 503",
    });
    // Not due yet: nothing is sent.
    await runCron(start + retryDelay(1) - 1);
    expect(received).toHaveLength(1);
    await runCron(start + retryDelay(1));
    expect(await outbox()).toMatchObject({ attempts: 2, last_error: "HTTP 302", delivered_at: null });
    await runCron(start + retryDelay(1) + retryDelay(2));
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
    const device = await enrollDevice();
    await report(device.deviceToken, counters(today(), [["jasper", "visit", 1]]));
    await env.DB.prepare(
      "update webhook_outbox set attempts = ? where data like '%\"jasper\"%' and delivered_at is null",
    )
      .bind(MAX_ATTEMPTS - 1)
      .run();
    await runCron(Date.now());
    const [row] = await query<{ failed_at: number | null; attempts: number; last_error: string }>(
      "select failed_at, attempts, last_error from webhook_outbox where data like '%\"jasper\"%'",
    );
    expect(row).toMatchObject({ attempts: MAX_ATTEMPTS, last_error: "connection refused" });
    expect(row?.failed_at).toBeGreaterThan(0);
  });

  it("keeps events queued rather than sending them unsigned", async () => {
    const { spy } = mockWebhookReceiver(() => new Response("ok"));
    const device = await enrollDevice();
    await report(device.deviceToken, counters(today(), [["writesonic", "visit", 1]]));
    const result = await deliverWebhooks({ ...env, WEBHOOK_SECRET: undefined }, Date.now());
    expect(result).toEqual({ delivered: 0, retried: 0, failed: 0 });
    expect(spy).not.toHaveBeenCalled();
    expect(await query("select delivered_at from webhook_outbox where data like '%\"writesonic\"%'")).toEqual([
      { delivered_at: null },
    ]);
  });
});
