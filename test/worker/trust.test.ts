import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { awarenessResponse, devicesResponse, evidencePack, policyPublishResponse } from "../../shared/admin";
import { addDays } from "../../shared/day";
import { LIMITS, PLAUSIBLE_PER_DAY } from "../../shared/limits";
import { errorResponse, type ReportRequest } from "../../shared/protocol";
import { toolsById } from "../../worker/catalog";
import worker from "../../worker/index";
import {
  ADMIN,
  admin,
  adminJson,
  counters,
  countRows,
  enrollDevice,
  enrollmentToken,
  expectJson,
  json,
  nextAddress,
  query,
  report,
  reportCounters,
  today,
} from "./helpers";

/*
 * A hostile employee holds what every managed browser holds, the enrollment token, and can
 * script the device API; a hostile page runs next to the nudge (tested in the browser). Each
 * attack below was once possible; each must now be refused with nothing stored, or be unable
 * to move a figure by more than one honest device could.
 */

async function refusedReport(deviceToken: string, body: ReportRequest) {
  const response = await report(deviceToken, body);
  expect(response.status).toBe(422);
  const refusal = errorResponse.parse(await response.json());
  expect(refusal.code).toBe("report_refused");
  return refusal.refused ?? [];
}

const TABLES = ["daily_counters", "daily_rollups", "device_events", "tool_days", "event_days", "justifications"];
const snapshot = () => Promise.all(TABLES.map(countRows));

describe("inflated and impossible counts", () => {
  it("refuses a million acknowledgements for 40 days and 50 policy versions, storing nothing", async () => {
    const { deviceToken } = await enrollDevice();
    const before = await snapshot();
    const days = Array.from({ length: 40 }, (_, i) => ({
      day: addDays(today(), -i),
      counters: Array.from({ length: 50 }, (_, v) => ({
        tool: "chatgpt",
        event: "acknowledged" as const,
        policyVersion: v + 1,
        n: 1_000_000,
      })),
    }));
    const refused = await refusedReport(deviceToken, { days });
    expect(refused).toHaveLength(40 * 50);
    expect(new Set(refused.map((r) => r.reason))).toEqual(new Set(["unpublished_version", "over_cap"]));
    expect(await snapshot()).toEqual(before);
  });

  it("refuses versions never published and answers dated before their version existed", async () => {
    const { deviceToken } = await enrollDevice();
    const unpublished = await refusedReport(
      deviceToken,
      counters(today(), [
        ["claude", "visit", 1, 7],
        ["claude", "nudge_shown", 1, 7],
      ]),
    );
    expect(unpublished.map((r) => r.reason)).toEqual(["unpublished_version", "unpublished_version"]);

    const current = (await expectJson<{ current: Record<string, unknown> }>(await admin("/policy"), 200)).current;
    const published = await expectJson(
      await adminJson("/policy", "POST", { policy: { ...current, name: "Published today" } }),
      201,
      policyPublishResponse,
    );
    const backdated = counters(addDays(today(), -60), [
      ["claude", "nudge_shown", 1, published.version],
      ["claude", "acknowledged", 1, published.version],
    ]);
    const refused = await refusedReport(deviceToken, backdated);
    expect(refused.map((r) => r.reason)).toEqual(["before_publication", "before_publication"]);
    // The same answer dated today is what an honest device sends.
    const honest = counters(today(), [
      ["claude", "nudge_shown", 1, published.version],
      ["claude", "acknowledged", 1, published.version],
    ]);
    expect((await report(deviceToken, honest)).status).toBe(200);
  });

  it("refuses answers without a nudge shown, review requests without a block, reasons without a justification", async () => {
    const { deviceToken } = await enrollDevice();
    const day = today();
    const answers = await refusedReport(
      deviceToken,
      counters(day, [
        ["google-gemini", "nudge_shown", 1],
        ["google-gemini", "acknowledged", 1],
        ["google-gemini", "dismissed", 1],
      ]),
    );
    expect(answers.map((r) => [r.kind, r.reason])).toEqual([
      ["counter", "answer_without_nudge"],
      ["counter", "answer_without_nudge"],
    ]);
    const requests = await refusedReport(deviceToken, counters(day, [["google-gemini", "review_requested", 1]]));
    expect(requests.map((r) => r.reason)).toEqual(["answer_without_nudge"]);
    const reasons = await refusedReport(deviceToken, {
      days: [],
      justifications: [{ day, tool: "google-gemini", reason: "evaluating", policyVersion: 1, n: 1 }],
    });
    expect(reasons.map((r) => r.reason)).toEqual(["answer_without_nudge"]);

    // Stored nudges count: shown in one report, answered in the next, is honest.
    expect((await reportCounters(deviceToken, day, [["google-gemini", "nudge_shown", 2]])).status).toBe(200);
    expect((await reportCounters(deviceToken, day, [["google-gemini", "acknowledged", 1]])).status).toBe(200);
    expect((await reportCounters(deviceToken, day, [["google-gemini", "dismissed", 1]])).status).toBe(200);
    const third = await refusedReport(deviceToken, counters(day, [["google-gemini", "left", 1]]));
    expect(third.map((r) => r.reason)).toEqual(["answer_without_nudge"]);
  });

  it("refuses values beyond what one person could do in a day", async () => {
    const { deviceToken } = await enrollDevice();
    const refused = await refusedReport(
      deviceToken,
      counters(today(), [["mistral-le-chat", "visit", PLAUSIBLE_PER_DAY.visit + 1]]),
    );
    expect(refused).toEqual([expect.objectContaining({ reason: "over_cap", event: "visit" })]);
  });

  it("moves awareness and evidence by one device at most, however much one device claims", async () => {
    const evidence = async () => {
      const pack = await expectJson(await admin("/evidence"), 200, evidencePack);
      for (const figure of pack.figures) expect(figure.numerator, figure.id).toBeLessThanOrEqual(figure.denominator);
      return pack.figures.find((figure) => figure.id === "policy-acknowledged");
    };
    const before = await evidence();
    const { deviceToken } = await enrollDevice();
    // As much as plausibility allows, every day of the window.
    for (let i = 0; i < 30; i++) {
      const day = addDays(today(), -i);
      const body = counters(day, [
        ["chatgpt", "nudge_shown", PLAUSIBLE_PER_DAY.acknowledged],
        ["chatgpt", "acknowledged", PLAUSIBLE_PER_DAY.acknowledged],
        ["claude", "nudge_shown", PLAUSIBLE_PER_DAY.acknowledged],
        ["claude", "acknowledged", PLAUSIBLE_PER_DAY.acknowledged],
      ]);
      expect((await report(deviceToken, body)).status).toBe(200);
    }
    const after = await evidence();
    expect((after?.numerator ?? 0) - (before?.numerator ?? 0)).toBeLessThanOrEqual(1);
    const awareness = await expectJson(await admin("/awareness"), 200, awarenessResponse);
    const funnel = awareness.funnel.acknowledged;
    expect(funnel === null || funnel <= (awareness.versions[0]?.active ?? 0)).toBe(true);
  });
});

describe("bounded storage", () => {
  it("refuses a report carrying 2,000 invented candidate domains, storing nothing", async () => {
    const { deviceToken } = await enrollDevice();
    const before = await Promise.all(["candidates", "candidate_domains", "webhook_outbox"].map(countRows));
    const candidates = Array.from({ length: 2_000 }, (_, i) => ({ day: today(), domain: `flood${i}.ai`, n: 1 }));
    const refused = await refusedReport(deviceToken, { days: [], candidates });
    expect(refused).toHaveLength(2_000 - LIMITS.maxCandidatesPerDay);
    expect(new Set(refused.map((r) => r.reason))).toEqual(new Set(["too_many"]));
    expect(await Promise.all(["candidates", "candidate_domains", "webhook_outbox"].map(countRows))).toEqual(before);
  });

  it("accepts only registrable domains under a public suffix", async () => {
    const { deviceToken } = await enrollDevice();
    const refused = await refusedReport(deviceToken, {
      days: [],
      candidates: [
        { day: today(), domain: "sub.tool.ai", n: 1 },
        { day: today(), domain: "notatld.zzzzzz", n: 1 },
        { day: today(), domain: "fine-tool.ai", n: 1 },
      ],
    });
    expect(refused.map((r) => (r.kind === "candidate" ? [r.domain, r.reason] : []))).toEqual([
      ["sub.tool.ai", "invalid_domain"],
      ["notatld.zzzzzz", "invalid_domain"],
    ]);
  });

  it("caps the counter rows one device may hold for a day", async () => {
    const { deviceToken } = await enrollDevice();
    const ids = [...toolsById.keys()].slice(0, 210);
    const days: ReportRequest["days"] = [
      {
        day: today(),
        counters: ids.flatMap((tool) => [
          { tool, event: "visit" as const, policyVersion: 1, n: 1 },
          { tool, event: "nudge_shown" as const, policyVersion: 1, n: 1 },
        ]),
      },
    ];
    const refused = await refusedReport(deviceToken, { days });
    expect(refused).toHaveLength(ids.length * 2 - LIMITS.maxCounterRowsPerDeviceDay);
    expect(new Set(refused.map((r) => r.reason))).toEqual(new Set(["too_many"]));
  });
});

describe("enrollment", () => {
  it("meets a 429 quickly when one address floods enrollments or guesses tokens", async () => {
    const address = nextAddress();
    const enroll = (token: string) => json("/api/v1/enroll", { token }, { "CF-Connecting-IP": address });
    let guesses = 0;
    let status = 401;
    while (status === 401 && guesses < 100) {
      status = (await enroll(`guess-${guesses}-xxxxxxxx`)).status;
      guesses++;
    }
    expect(status).toBe(429);
    // 20 attempts a minute; the limiter's windows are fixed minutes, so one may end mid-flood.
    expect(guesses).toBeLessThanOrEqual(41);
    // The right token from the same address waits too; another address is not affected.
    const blocked = await enroll(enrollmentToken());
    expect(blocked.status).toBe(429);
    expect(errorResponse.parse(await blocked.json())).toMatchObject({ code: "rate_limited", retryAfter: 60 });
    expect(
      (await json("/api/v1/enroll", { token: enrollmentToken() }, { "CF-Connecting-IP": nextAddress() })).status,
    ).toBe(201);
  });

  it("slows a flood with one token from many addresses, then its cap stops it", async () => {
    const created = await expectJson<{ token: string }>(
      await adminJson("/enrollment-tokens", "POST", { label: "Leaked", maxDevices: 60 }),
      201,
    );
    const statuses: number[] = [];
    // Until the token's minute is used up (the limiter's windows are fixed minutes: a window
    // that ends during the flood only delays the 429).
    while (!statuses.includes(429) && statuses.length < 400) {
      const response = await json("/api/v1/enroll", { token: created.token }, { "CF-Connecting-IP": nextAddress() });
      statuses.push(response.status);
    }
    // 60 enrolled (the cap), then refused as full, then 429 once the token's budget ran out.
    expect(statuses.filter((status) => status === 201)).toHaveLength(60);
    expect(statuses.slice(0, 60).every((status) => status === 201)).toBe(true);
    expect(statuses.slice(60, -1).every((status) => status === 403)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it("lets no client lift a small group over k with fake devices", async () => {
    // Without a token for it, the server knows no such group.
    const unknown = await json(
      "/api/v1/enroll",
      { token: enrollmentToken(), group: "Legal" },
      { "CF-Connecting-IP": nextAddress() },
    );
    expect(unknown.status).toBe(422);
    expect(errorResponse.parse(await unknown.json()).code).toBe("group_unknown");

    // Legal has one person; its token's cap is its headcount.
    const created = await expectJson<{ token: string }>(
      await adminJson("/enrollment-tokens", "POST", { label: "Legal", group: "Legal", maxDevices: 1 }),
      201,
    );
    expect((await enrollDevice(undefined, created.token)).group).toBe("Legal");
    for (const [token, group] of [
      [created.token, undefined],
      [enrollmentToken(), "Legal"],
      [enrollmentToken(), "Legal"],
    ] as const) {
      const fake = await json(
        "/api/v1/enroll",
        { token, ...(group ? { group } : {}) },
        { "CF-Connecting-IP": nextAddress() },
      );
      expect(fake.status).toBe(403);
      expect(errorResponse.parse(await fake.json()).code).toBe("enrollment_full");
    }
    expect(await query("select count(*) as n from devices where group_label = 'Legal'")).toEqual([{ n: 1 }]);
  });

  it("flags a token whose enrollments jump", async () => {
    const created = await expectJson<{ id: string; token: string }>(
      await adminJson("/enrollment-tokens", "POST", { label: "Sales", group: "Sales", maxDevices: 40 }),
      201,
    );
    for (let i = 0; i < LIMITS.enrollmentJump.minimum + 1; i++) await enrollDevice(undefined, created.token);
    const { tokens } = await expectJson<{
      tokens: Array<{ id: string; enrollmentJump: boolean; enrolledLast24h: number }>;
    }>(await admin("/enrollment-tokens"), 200);
    expect(tokens.find((token) => token.id === created.id)).toMatchObject({
      enrolledLast24h: LIMITS.enrollmentJump.minimum + 1,
      enrollmentJump: true,
    });
  });
});

describe("outlier devices", () => {
  it("are flagged by the daily job and kept out of evidence until an admin keeps them", async () => {
    const yesterday = addDays(today(), -1);
    const fleet = await Promise.all(Array.from({ length: 6 }, () => enrollDevice()));
    for (const device of fleet) {
      const body = counters(yesterday, [
        ["perplexity", "visit", 5],
        ["perplexity", "nudge_shown", 1],
        ["perplexity", "acknowledged", 1],
      ]);
      expect((await report(device.deviceToken, body)).status).toBe(200);
    }
    const outlier = await enrollDevice();
    const heavy = counters(yesterday, [
      ["perplexity", "visit", 2_500],
      ["perplexity", "nudge_shown", 1],
      ["perplexity", "acknowledged", 1],
    ]);
    expect((await report(outlier.deviceToken, heavy)).status).toBe(200);

    const ctx = createExecutionContext();
    const controller = createScheduledController({ scheduledTime: Date.now(), cron: "*/5 * * * *" });
    // No webhook receiver here: the daily job alone.
    await worker.scheduled(controller, { ...env, WEBHOOK_URL: undefined }, ctx);
    await waitOnExecutionContext(ctx);
    const flagged = await expectJson(await admin("/devices?flagged=true"), 200, devicesResponse);
    const entry = flagged.devices.find((device) => device.id === outlier.deviceId);
    expect(entry?.flag).toMatchObject({ reason: "visits", value: 2500, fleetMedian: 5, state: "pending" });
    // No ordinary device is flagged.
    const ordinary = new Set(fleet.map((device) => device.deviceId));
    expect(flagged.devices.filter((device) => ordinary.has(device.id))).toEqual([]);
    expect(flagged.flaggedPending).toBe(flagged.devices.filter((d) => d.flag?.state === "pending").length);

    const withoutOutlier = await acknowledged();
    expect((await adminJson(`/devices/${outlier.deviceId}/flag`, "PUT", { state: "kept" })).status).toBe(200);
    expect(await acknowledged()).toBe(withoutOutlier + 1);
    expect((await adminJson(`/devices/${outlier.deviceId}/flag`, "PUT", { state: "maybe" })).status).toBe(400);
  });
});

/** Counted devices that acknowledged policy v1 (flagged ones are left out until kept). */
async function acknowledged(): Promise<number> {
  const awareness = await expectJson(await admin("/awareness?version=1"), 200, awarenessResponse);
  return awareness.versions.find((entry) => entry.version === 1)?.acknowledged ?? 0;
}

describe("admin authentication", () => {
  const call = (host: string, bindings = env) =>
    worker.fetch(
      new Request(`http://${host}/api/admin/me`, { headers: { Authorization: `Bearer ${ADMIN}`, Host: host } }),
      bindings,
      createExecutionContext(),
    );

  it("accepts the local token only with LOCAL_ADMIN=1, on a literal loopback host, without Access", async () => {
    expect((await call("127.0.0.1:8787")).status).toBe(200);
    expect((await call("localhost")).status).toBe(200);
    for (const host of ["0x7f000001", "127.1", "2130706433", "127.000.000.001", "shadowlight.example.com"]) {
      expect((await call(host)).status, host).toBe(403);
    }
    expect((await call("127.0.0.1", { ...env, LOCAL_ADMIN: undefined })).status).toBe(403);
    expect((await call("127.0.0.1", { ...env, ACCESS_TEAM_DOMAIN: "https://team.cloudflareaccess.com" })).status).toBe(
      403,
    );
  });

  it("refuses Access tokens without an expiry or issued too long ago, and e-mails with two @", async () => {
    const team = "https://trust-test.cloudflareaccess.com";
    const pair = await generateKeyPair("RS256", { extractable: true });
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: "k", alg: "RS256" };
    const bindings = {
      ...env,
      ACCESS_TEAM_DOMAIN: team,
      ACCESS_AUD: "aud",
      ACCESS_JWKS: JSON.stringify({ keys: [jwk] }),
      ACCESS_ADMINS: "*@corp.example",
    };
    const now = Math.floor(Date.now() / 1000);
    const sign = (claims: Record<string, unknown>, iat: number | null, exp: number | null) => {
      let jwt = new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: "k" }).setIssuer(team).setAudience("aud");
      if (iat !== null) jwt = jwt.setIssuedAt(iat);
      if (exp !== null) jwt = jwt.setExpirationTime(exp);
      return jwt.sign(pair.privateKey);
    };
    const me = async (assertion: string) =>
      (
        await worker.fetch(
          new Request("https://shadowlight.example.com/api/admin/me", {
            headers: { "Cf-Access-Jwt-Assertion": assertion },
          }),
          bindings,
          createExecutionContext(),
        )
      ).status;
    expect(await me(await sign({ email: "ann@corp.example" }, now, now + 600))).toBe(200);
    expect(await me(await sign({ email: "ann@corp.example" }, now, null))).toBe(401);
    expect(await me(await sign({ email: "ann@corp.example" }, null, now + 600))).toBe(401);
    const old = now - LIMITS.accessTokenMaxAgeSeconds - 60;
    expect(await me(await sign({ email: "ann@corp.example" }, old, now + 600))).toBe(401);
    expect(await me(await sign({ email: "eve@evil.example@corp.example" }, now, now + 600))).toBe(403);
  });
});
