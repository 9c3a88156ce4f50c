import { describe, expect, it } from "vitest";
import { candidatesResponse, promoteResponse } from "../../shared/admin";
import { signalMask } from "../../shared/catalog/candidates";
import { LIMITS } from "../../shared/limits";
import { errorResponse } from "../../shared/protocol";
import { admin, adminJson, countRows, enrollDevice, expectJson, query, report, today } from "./helpers";

/*
 * Candidate signals at the worker: the wire shape is strict, signals only add up (per device
 * and day, and per domain), the two claims the server can check are checked, the triage list
 * shows the signals but no figure below k devices, and a candidate of any signal is promoted
 * in one call. Storage is per test file.
 */

const candidatesOf = async () => (await expectJson(await admin("/candidates"), 200, candidatesResponse)).candidates;

describe("the wire shape", () => {
  it("refuses unknown, repeated, unordered or empty signals and any other field, storing nothing", async () => {
    const { deviceToken } = await enrollDevice();
    const day = today();
    const before = await countRows("candidates");
    const bodies = [
      { signals: ["hostname", "clientId"] },
      { signals: ["aiApi", "aiApi"] },
      { signals: ["aiApi", "hostname"] },
      { signals: [] },
      { signals: "aiApi" },
      { signals: ["aiApi"], scopes: "openid email" },
      { signals: ["oauth"], redirect: "https://x.io/cb" },
    ];
    for (const extra of bodies) {
      const body = { days: [], candidates: [{ day, domain: "shape-test.io", n: 1, ...extra }] };
      expect((await report(deviceToken, body)).status, JSON.stringify(extra)).toBe(400);
    }
    expect(await countRows("candidates")).toBe(before);
  });
});

describe("storing signals", () => {
  it("keeps the union of every report's signals, and visits max-merged", async () => {
    const { deviceId, deviceToken } = await enrollDevice();
    const day = today();
    const send = (n: number, signals?: string[]) =>
      report(deviceToken, {
        days: [],
        candidates: [{ day, domain: "union-test.io", n, ...(signals ? { signals } : {}) }],
      });
    expect((await send(3, ["hostname"])).status).toBe(200);
    expect((await send(1, ["aiApi"])).status).toBe(200);
    expect((await send(2)).status).toBe(200);
    expect((await send(3, ["hostname", "oauth"])).status).toBe(200);
    expect(await query("select n, signals from candidates where device_id = ?", deviceId)).toEqual([
      { n: 3, signals: signalMask(["hostname", "aiApi", "oauth"]) },
    ]);
    const other = await enrollDevice();
    const fromOther = { days: [], candidates: [{ day, domain: "union-test.io", n: 1, signals: ["aiApi"] }] };
    expect((await report(other.deviceToken, fromOther)).status).toBe(200);
    expect(await query("select signals from candidate_domains where domain = 'union-test.io'")).toEqual([
      { signals: signalMask(["hostname", "aiApi", "oauth"]) },
    ]);
    expect((await candidatesOf()).find((c) => c.domain === "union-test.io")?.signals).toEqual([
      "hostname",
      "aiApi",
      "oauth",
    ]);
  });

  it("shows a domain reported before signals existed as named by its hostname", async () => {
    const { deviceToken } = await enrollDevice();
    expect(
      (await report(deviceToken, { days: [], candidates: [{ day: today(), domain: "legacy.ai", n: 1 }] })).status,
    ).toBe(200);
    expect((await candidatesOf()).find((c) => c.domain === "legacy.ai")?.signals).toEqual(["hostname"]);
  });
});

describe("plausibility of signals", () => {
  it("refuses aiVendor for a domain that is not a catalogued AI vendor's own", async () => {
    const { deviceToken } = await enrollDevice();
    const day = today();
    const vendor = { days: [], candidates: [{ day, domain: "anthropic.com", n: 1, signals: ["aiVendor"] }] };
    expect((await report(deviceToken, vendor)).status).toBe(200);
    const notVendor = { days: [], candidates: [{ day, domain: "not-a-vendor.com", n: 1, signals: ["aiVendor"] }] };
    const refused = errorResponse.parse(await expectJson(await report(deviceToken, notVendor), 422));
    expect(refused.refused).toEqual([
      expect.objectContaining({ kind: "candidate", domain: "not-a-vendor.com", reason: "invalid_domain" }),
    ]);
    // A shared host is no vendor domain either.
    const shared = { days: [], candidates: [{ day, domain: "google.com", n: 1, signals: ["aiVendor"] }] };
    expect((await report(deviceToken, shared)).status).toBe(422);
  });

  it("refuses a sign-in alone, unless the device reported the domain that day with another signal", async () => {
    const { deviceToken } = await enrollDevice();
    const day = today();
    const alone = { days: [], candidates: [{ day, domain: "signin-test.io", n: 1, signals: ["oauth"] }] };
    const refused = errorResponse.parse(await expectJson(await report(deviceToken, alone), 422));
    expect(refused.refused?.[0]).toMatchObject({ kind: "candidate", reason: "invalid_domain" });
    const first = { days: [], candidates: [{ day, domain: "signin-test.io", n: 1, signals: ["aiApi"] }] };
    expect((await report(deviceToken, first)).status).toBe(200);
    expect((await report(deviceToken, alone)).status).toBe(200);
    // Together with another signal in one entry it is fine from the start.
    const both = { days: [], candidates: [{ day, domain: "signin-two.ai", n: 1, signals: ["hostname", "oauth"] }] };
    expect((await report(deviceToken, both)).status).toBe(200);
  });
});

describe("triage below and above k devices", () => {
  it("lists a candidate seen by fewer than k devices with its signals and no figures, and counts it from k on", async () => {
    const day = today();
    const domain = "k-test-embedding.com";
    const body = { days: [], candidates: [{ day, domain, n: 2, signals: ["aiApi"] }] };
    const fleet = await Promise.all(Array.from({ length: LIMITS.kAnonymity }, () => enrollDevice()));
    for (const device of fleet.slice(0, LIMITS.kAnonymity - 1)) {
      expect((await report(device.deviceToken, body)).status).toBe(200);
    }
    const few = (await candidatesOf()).find((c) => c.domain === domain);
    expect(few).toMatchObject({ fewerThanK: true, devices: null, visits: null, signals: ["aiApi"] });
    const last = fleet.at(-1);
    if (!last) throw new Error("no device");
    expect((await report(last.deviceToken, body)).status).toBe(200);
    const enough = (await candidatesOf()).find((c) => c.domain === domain);
    expect(enough).toMatchObject({
      fewerThanK: false,
      devices: LIMITS.kAnonymity,
      visits: 2 * LIMITS.kAnonymity,
      signals: ["aiApi"],
    });
  });
});

describe("promoting a candidate", () => {
  it("makes a new product under a catalogued AI vendor's domain that vendor's entry", async () => {
    const { deviceToken } = await enrollDevice();
    const body = { days: [], candidates: [{ day: today(), domain: "mistral.ai", n: 1, signals: ["aiVendor"] }] };
    expect((await report(deviceToken, body)).status).toBe(200);
    const promoted = await expectJson(
      await adminJson("/candidates/mistral.ai/promote", "POST", {}),
      201,
      promoteResponse,
    );
    expect(promoted.entry.entry).toMatchObject({ id: "org-mistral-ai", hosts: ["mistral.ai"], vendor: "Mistral AI" });
    expect((await candidatesOf()).find((c) => c.domain === "mistral.ai")?.state).toBe("added");
  });

  it("promotes a site found by its AI API calls, with the name and category given", async () => {
    const { deviceToken } = await enrollDevice();
    const domain = "shop-with-assistant.com";
    const body = { days: [], candidates: [{ day: today(), domain, n: 1, signals: ["aiApi", "oauth"] }] };
    expect((await report(deviceToken, body)).status).toBe(200);
    const promoted = await expectJson(
      await adminJson(`/candidates/${domain}/promote`, "POST", { name: "Shop assistant", category: "chat" }),
      201,
      promoteResponse,
    );
    expect(promoted.entry.entry).toMatchObject({ hosts: [domain], vendor: domain, name: "Shop assistant" });
  });
});
