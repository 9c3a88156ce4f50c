import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { candidatesResponse, evidencePack, inventoryResponse, toolDetailResponse } from "../../shared/admin";
import { addDays } from "../../shared/day";
import { LIMITS, PLAUSIBLE_EMBED_REQUESTS_PER_DAY } from "../../shared/limits";
import { type ErrorResponse, policyResponse } from "../../shared/protocol";
import { applyRetention } from "../../worker/cron/retention";
import { admin, call, enrollDevice, expectJson, query, report, today } from "./helpers";

const EXTENSION = "page-assist";
const BROWSER = "comet";

async function refused(response: Response): Promise<ErrorResponse> {
  expect(response.status).toBe(422);
  return (await response.json()) as ErrorResponse;
}

describe("discovery sections of a report", () => {
  it("store catalogued extensions, the AI browser, unknown extensions and embeds, max-merged", async () => {
    const device = await enrollDevice();
    const day = today();
    const body = {
      days: [],
      extensions: [{ day, extension: EXTENSION, enabled: false }],
      unknownExtensions: [{ day, n: 2 }],
      browsers: [{ day, browser: BROWSER }],
      embeds: [{ day, site: "example.com", tool: "openai-platform", n: 7 }],
    };
    expect((await report(device.deviceToken, body)).status).toBe(200);
    // A re-send, and a later report in which the extension was switched on and more requests
    // were made: enabled and counts only grow, device counts do not.
    expect((await report(device.deviceToken, body)).status).toBe(200);
    const later = {
      ...body,
      extensions: [{ day, extension: EXTENSION, enabled: true }],
      unknownExtensions: [{ day, n: 1 }],
      embeds: [{ day, site: "example.com", tool: "openai-platform", n: 9 }],
    };
    expect((await report(device.deviceToken, later)).status).toBe(200);
    expect(
      await query("select enabled from device_extensions where device_id = ? and day = ?", device.deviceId, day),
    ).toEqual([{ enabled: 1 }]);
    expect(await query("select n from unknown_extensions where device_id = ?", device.deviceId)).toEqual([{ n: 2 }]);
    expect(await query("select browser from device_browsers where device_id = ?", device.deviceId)).toEqual([
      { browser: BROWSER },
    ]);
    expect(await query("select site, tool, n from embeds where device_id = ?", device.deviceId)).toEqual([
      { site: "example.com", tool: "openai-platform", n: 9 },
    ]);
    // Extensions and browsers are inventory entries: their days reach device_tools and tool_days.
    const spans = await query<{ tool: string }>(
      "select tool from device_tools where device_id = ? order by tool",
      device.deviceId,
    );
    expect(spans.map((row) => row.tool)).toEqual([BROWSER, EXTENSION]);
    const before = await query<{ tool: string; devices: number }>(
      "select tool, devices from tool_days where day = ? and tool in (?, ?) order by tool",
      day,
      BROWSER,
      EXTENSION,
    );
    const other = await enrollDevice();
    expect((await report(other.deviceToken, body)).status).toBe(200);
    const after = await query<{ tool: string; devices: number }>(
      "select tool, devices from tool_days where day = ? and tool in (?, ?) order by tool",
      day,
      BROWSER,
      EXTENSION,
    );
    expect(after.map((row) => row.devices)).toEqual(before.map((row) => row.devices + 1));
    const embedDevices = await query<{ devices: number }>(
      "select devices from embed_days where day = ? and site = 'example.com' and tool = 'openai-platform'",
      day,
    );
    expect(embedDevices[0]?.devices).toBeGreaterThanOrEqual(2);
  });

  it("refuses a wrong kind of entry, a second browser, a bad site and counts past the caps, storing nothing", async () => {
    const device = await enrollDevice();
    const day = today();
    expect((await report(device.deviceToken, { days: [], browsers: [{ day, browser: BROWSER }] })).status).toBe(200);
    const cases: Array<[unknown, string, string]> = [
      [{ extensions: [{ day, extension: "chatgpt", enabled: true }] }, "extension", "wrong_kind"],
      [{ extensions: [{ day, extension: "no-such-extension", enabled: true }] }, "extension", "unknown_tool"],
      [{ browsers: [{ day, browser: EXTENSION }] }, "browser", "wrong_kind"],
      [{ browsers: [{ day, browser: "chatgpt-atlas" }] }, "browser", "conflict"],
      [{ embeds: [{ day, site: "example.com", tool: EXTENSION, n: 1 }] }, "embed", "wrong_kind"],
      [{ embeds: [{ day, site: "co.uk", tool: "openai-platform", n: 1 }] }, "embed", "invalid_domain"],
      [{ embeds: [{ day, site: "a.example.com", tool: "openai-platform", n: 1 }] }, "embed", "invalid_domain"],
      [
        { embeds: [{ day, site: "example.com", tool: "openai-platform", n: PLAUSIBLE_EMBED_REQUESTS_PER_DAY + 1 }] },
        "embed",
        "over_cap",
      ],
      [
        { unknownExtensions: [{ day: addDays(day, -LIMITS.retentionDays - 2), n: 1 }] },
        "unknownExtensions",
        "day_out_of_window",
      ],
    ];
    const rowsBefore = await query("select count(*) as c from embeds");
    for (const [sections, kind, reason] of cases) {
      const error = await refused(await report(device.deviceToken, { days: [], ...(sections as object) }));
      expect(error.code).toBe("report_refused");
      expect(
        error.refused?.map((r) => [r.kind, r.reason]),
        JSON.stringify(sections),
      ).toEqual([[kind, reason]]);
    }
    expect(await query("select count(*) as c from embeds")).toEqual(rowsBefore);
    const tooMany = Array.from({ length: LIMITS.maxEmbedsPerDay + 1 }, (_, i) => ({
      day,
      site: `site${i}.com`,
      tool: "openai-platform",
      n: 1,
    }));
    const error = await refused(await report(device.deviceToken, { days: [], embeds: tooMany }));
    expect(error.refused?.map((r) => r.reason)).toEqual(["too_many"]);
    expect(
      (
        await report(device.deviceToken, {
          days: [],
          unknownExtensions: [{ day, n: LIMITS.maxUnknownExtensionsPerDay + 1 }],
        })
      ).status,
    ).toBe(400);
  });

  it("purges the per-device rows with the retention window and keeps the device-free traces", async () => {
    const device = await enrollDevice();
    const old = addDays(today(), -LIMITS.retentionDays);
    const body = {
      days: [],
      extensions: [{ day: old, extension: EXTENSION, enabled: true }],
      unknownExtensions: [{ day: old, n: 1 }],
      browsers: [{ day: old, browser: BROWSER }],
      embeds: [{ day: old, site: "retained-site.com", tool: "openai-platform", n: 1 }],
      extensionTokens: [{ day: old, token: "f".repeat(32) }],
      revealedExtensions: [{ day: old, store: "edge", id: "d".repeat(32) }],
    };
    expect((await report(device.deviceToken, body)).status).toBe(200);
    await applyRetention(env.DB, addDays(today(), 2));
    const tables = [
      "device_extensions",
      "unknown_extensions",
      "device_browsers",
      "embeds",
      "extension_tokens",
      "revealed_extensions",
    ];
    for (const table of tables) {
      expect(await query(`select * from ${table} where device_id = ?`, device.deviceId), table).toEqual([]);
    }
    expect(await query("select devices from embed_days where site = 'retained-site.com'")).toEqual([{ devices: 1 }]);
  });
});

describe("the inventory of discovered AI", () => {
  it("lists extensions, browsers and embedded tools by kind, naming an embedding site only for k devices", async () => {
    const day = today();
    const devices = await Promise.all(Array.from({ length: LIMITS.kAnonymity + 1 }, () => enrollDevice()));
    for (const [i, device] of devices.entries()) {
      const body = {
        days: [],
        extensions: [{ day, extension: "chatgptbox", enabled: i < LIMITS.kAnonymity }],
        browsers: [{ day, browser: "chatgpt-atlas" }],
        embeds: [
          { day, site: "popular-shop.com", tool: "perplexity", n: 3 },
          ...(i === 0 ? [{ day, site: "tiny-blog.com", tool: "perplexity", n: 1 }] : []),
        ],
      };
      expect((await report(device.deviceToken, body)).status).toBe(200);
    }
    const lonely = await enrollDevice();
    expect(
      (await report(lonely.deviceToken, { days: [], extensions: [{ day, extension: "nanobrowser", enabled: true }] }))
        .status,
    ).toBe(200);
    const { tools } = await expectJson(await admin("/inventory"), 200, inventoryResponse);
    const entry = (id: string, kind: string) => tools.find((tool) => tool.id === id && tool.kind === kind);
    expect(entry("chatgptbox", "extension")).toMatchObject({
      withheld: false,
      devices30: LIMITS.kAnonymity + 1,
      enabledDevices30: LIMITS.kAnonymity,
    });
    expect(entry("chatgpt-atlas", "browser")).toMatchObject({ withheld: false, visits: 0 });
    const embedded = entry("perplexity", "embedded");
    const requests = (LIMITS.kAnonymity + 1) * 3 + 1;
    expect(embedded).toMatchObject({ withheld: false, visits: requests });
    expect(embedded?.sites).toEqual([{ site: "popular-shop.com", devices: LIMITS.kAnonymity + 1 }]);
    expect(embedded?.trend.at(-1)).toBe(requests);
    // Fewer than k devices: the extension is listed, its figures withheld.
    expect(entry("nanobrowser", "extension")).toMatchObject({
      withheld: true,
      devices30: null,
      enabledDevices30: null,
    });
    expect(entry("perplexity", "web")).toBeUndefined();
    // The review workflow takes extensions and browsers like tools.
    const detail = await expectJson(await admin("/tools/chatgptbox"), 200, toolDetailResponse);
    expect(detail.tool).toMatchObject({ kind: "extension", hosts: [] });
    const review = await admin("/tools/chatgpt-atlas/review", {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ status: "restricted", notes: "Use the managed browser" }),
    });
    expect(review.status).toBe(200);
    const after = await expectJson(await admin("/inventory"), 200, inventoryResponse);
    expect(after.tools.find((tool) => tool.id === "chatgpt-atlas")?.status).toBe("restricted");
    // The evidence pack lists AI systems in use by kind, figures below k withheld.
    const pack = await expectJson(await admin("/evidence"), 200, evidencePack);
    const systems = new Map(pack.systemsByKind?.map((entry) => [entry.kind, entry.systems]));
    expect(systems.get("extension")).toBeGreaterThanOrEqual(2);
    expect(systems.get("browser")).toBeGreaterThanOrEqual(1);
    expect(systems.get("embedded")).toBeGreaterThanOrEqual(1);
    expect(pack.inventory.find((tool) => tool.id === "chatgptbox")).toMatchObject({
      kind: "extension",
      devices: LIMITS.kAnonymity + 1,
    });
    expect(pack.inventory.find((tool) => tool.id === "nanobrowser")).toMatchObject({
      kind: "extension",
      devices: null,
    });
    expect(pack.inventory.find((tool) => tool.id === "chatgpt-atlas")).toMatchObject({
      kind: "browser",
      status: "restricted",
    });
  });
});

describe("unknown AI-looking extensions named only once k devices hold them", () => {
  const token = (n: number) => n.toString(16).padStart(32, "0");
  const unknownId = "b".repeat(32);
  const rareId = "c".repeat(32);

  it("publishes the tokens k devices nominated, and lists named extensions only at k devices", async () => {
    const day = today();
    const devices = await Promise.all(Array.from({ length: LIMITS.kAnonymity }, () => enrollDevice()));
    for (const [i, device] of devices.entries()) {
      const body = {
        days: [],
        extensionTokens: [{ day, token: token(1) }, ...(i === 0 ? [{ day, token: token(2) }] : [])],
      };
      expect((await report(device.deviceToken, body)).status).toBe(200);
    }
    const policy = await expectJson(
      await call("/api/v1/policy", { headers: { Authorization: `Bearer ${devices[0]?.deviceToken}` } }),
      200,
      policyResponse,
    );
    expect(policy.revealExtensions).toContain(token(1));
    expect(policy.revealExtensions).not.toContain(token(2));

    // Devices whose extension's token was published name it; one catalogued id is left out of the list.
    for (const [i, device] of devices.entries()) {
      const body = {
        days: [],
        revealedExtensions: [
          { day, store: "chrome", id: unknownId },
          { day, store: "chrome", id: "jfgfiigpkhlkbnfnbobbkinehhfdhndo" },
          ...(i > 0 ? [{ day, store: "edge", id: rareId }] : []),
        ],
      };
      expect((await report(device.deviceToken, body)).status).toBe(200);
    }
    const { extensions } = await expectJson(await admin("/candidates"), 200, candidatesResponse);
    expect(extensions).toEqual([
      { store: "chrome", id: unknownId, devices: LIMITS.kAnonymity, firstSeen: day, lastSeen: day },
    ]);
  });

  it("refuses malformed ids and more nominations a day than a device can hold", async () => {
    const device = await enrollDevice();
    const day = today();
    const bad = await refused(
      await report(device.deviceToken, { days: [], revealedExtensions: [{ day, store: "firefox", id: unknownId }] }),
    );
    expect(bad.refused?.map((r) => [r.kind, r.reason])).toEqual([["revealedExtension", "invalid_id"]]);
    const many = Array.from({ length: LIMITS.maxExtensionTokensPerDay + 1 }, (_, i) => ({
      day,
      token: token(100 + i),
    }));
    const error = await refused(await report(device.deviceToken, { days: [], extensionTokens: many }));
    expect(error.refused?.map((r) => r.reason)).toEqual(["too_many"]);
    expect(
      (await report(device.deviceToken, { days: [], extensionTokens: [{ day, token: "Not-A-Token" }] })).status,
    ).toBe(400);
  });
});
