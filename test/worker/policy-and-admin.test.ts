import { describe, expect, it } from "vitest";
import { errorResponse, policyResponse } from "../../shared/protocol";
import { ADMIN, admin, call, enrollDevice, report, today, VIEWER } from "./helpers";

describe("GET /api/v1/policy", () => {
  it("returns the seeded default policy with an ETag, then a 304", async () => {
    const { deviceToken } = await enrollDevice();
    const first = await call("/api/v1/policy", { headers: { Authorization: `Bearer ${deviceToken}` } });
    expect(first.status).toBe(200);
    const body = policyResponse.parse(await first.json());
    expect(body.policy.version).toBeGreaterThanOrEqual(1);
    expect(body.policy.rules.length).toBeGreaterThan(0);
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
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
  it("lists every tool seen with devices, visits and first/last seen", async () => {
    const a = await enrollDevice();
    const b = await enrollDevice();
    const day = today();
    await report(a.deviceToken, {
      days: [
        {
          day,
          counters: [
            { tool: "perplexity", event: "visit", policyVersion: 1, n: 4 },
            { tool: "perplexity", event: "acknowledged", policyVersion: 1, n: 1 },
          ],
        },
      ],
    });
    await report(b.deviceToken, {
      days: [{ day, counters: [{ tool: "perplexity", event: "visit", policyVersion: 1, n: 2 }] }],
    });
    const response = await admin("/inventory");
    expect(response.status).toBe(200);
    const { tools } = (await response.json()) as {
      tools: Array<{
        id: string;
        name: string;
        devices: number;
        visits: number;
        firstSeen: string;
        lastSeen: string;
        status: string;
        events: Record<string, number>;
      }>;
    };
    const tool = tools.find((t) => t.id === "perplexity");
    expect(tool).toMatchObject({
      name: "Perplexity",
      devices: 2,
      visits: 6,
      firstSeen: day,
      lastSeen: day,
      status: "unreviewed",
    });
    expect(tool?.events.acknowledged).toBe(1);
  });

  it("answers unknown admin paths with a JSON 404", async () => {
    const response = await admin("/nothing-here");
    expect(response.status).toBe(404);
  });
});
