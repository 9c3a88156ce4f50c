import { describe, expect, it } from "vitest";
import { inventoryResponse } from "../../shared/admin";
import { weekStart } from "../../shared/day";
import { errorResponse, policyResponse } from "../../shared/protocol";
import { ADMIN, admin, call, counters, enrollDevice, expectJson, report, today, VIEWER } from "./helpers";

describe("GET /api/v1/policy", () => {
  it("keeps the CORS headers on a 304, so a browser accepts an unchanged policy", async () => {
    const { deviceToken } = await enrollDevice();
    const headers = { Authorization: `Bearer ${deviceToken}`, Origin: "chrome-extension://abcdefghijklmnop" };
    for (const path of ["/api/v1/policy", "/api/v1/catalog"]) {
      const first = await call(path, { headers });
      const etag = first.headers.get("etag") ?? "";
      const unchanged = await call(path, { headers: { ...headers, "If-None-Match": etag } });
      expect(unchanged.status, path).toBe(304);
      expect(unchanged.headers.get("access-control-allow-origin"), path).toBe("*");
      expect(unchanged.headers.get("access-control-expose-headers"), path).toContain("ETag");
    }
  });

  it("returns the seeded default policy with an ETag, then a 304", async () => {
    const { deviceToken } = await enrollDevice();
    const first = await call("/api/v1/policy", { headers: { Authorization: `Bearer ${deviceToken}` } });
    expect(first.status).toBe(200);
    const body = policyResponse.parse(await first.json());
    expect(body.policy.version).toBeGreaterThanOrEqual(1);
    expect(body.policy.rules.length).toBeGreaterThan(0);
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
    const second = await call("/api/v1/policy", {
      headers: { Authorization: `Bearer ${deviceToken}`, "If-None-Match": etag ?? "" },
    });
    expect(second.status).toBe(304);
    expect(await second.text()).toBe("");
  });

  it("requires a device token", async () => {
    expect((await call("/api/v1/policy")).status).toBe(401);
  });
});

describe("admin API authentication", () => {
  it("refuses requests without or with a wrong token", async () => {
    expect((await call("/api/admin/inventory")).status).toBe(401);
    expect((await admin("/inventory", {}, "wrong-token")).status).toBe(401);
  });

  it("refuses the admin token on any host but localhost", async () => {
    const response = await call(
      "/api/admin/inventory",
      { headers: { Authorization: `Bearer ${ADMIN}` } },
      "https://shadowlight.example.com",
    );
    expect(response.status).toBe(403);
    expect(errorResponse.parse(await response.json()).code).toBe("forbidden");
  });

  it("lets a viewer read", async () => {
    expect((await admin("/inventory", {}, VIEWER)).status).toBe(200);
  });
});

describe("GET /api/admin/inventory", () => {
  it("lists every tool seen; figures only for tools used by at least k devices", async () => {
    const day = today();
    const fleet = await Promise.all([1, 2, 3, 4, 5].map(() => enrollDevice()));
    for (const [i, device] of fleet.entries()) {
      const body = counters(day, [
        ["perplexity", "visit", i + 1],
        ["perplexity", "nudge_shown", 1],
        ["perplexity", "acknowledged", 1],
      ]);
      expect((await report(device.deviceToken, body)).status).toBe(200);
    }
    const loner = await enrollDevice();
    expect((await report(loner.deviceToken, counters(day, [["kagi-assistant", "visit", 3]]))).status).toBe(200);
    const { tools } = await expectJson(await admin("/inventory"), 200, inventoryResponse);
    expect(tools.find((t) => t.id === "perplexity")).toMatchObject({
      name: "Perplexity",
      devices: 5,
      devices7: 5,
      withheld: false,
      visits: 15,
      events: { visit: 15, nudge_shown: 5, acknowledged: 5 },
      firstSeen: day,
      lastSeen: day,
      status: "unreviewed",
    });
    // One person's use: the tool is listed, its figures are not, and its days are coarsened.
    expect(tools.find((t) => t.id === "kagi-assistant")).toMatchObject({
      devices: null,
      devices7: null,
      devices30: null,
      withheld: true,
      visits: null,
      events: {},
      firstSeen: weekStart(day),
      lastSeen: weekStart(day),
    });
    expect(tools.find((t) => t.id === "kagi-assistant")?.trend.every((point) => point === null)).toBe(true);
  });

  it("answers unknown admin paths with a JSON 404", async () => {
    const response = await admin("/nothing-here");
    expect(response.status).toBe(404);
  });
});
