import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { bundledIndex, catalog, useCatalog } from "../../extension/lib/catalog";
import { loadStoredCatalog, refreshCatalog } from "../../extension/lib/catalog-cache";
import { bundledPolicy, policyInForce, refreshPolicy } from "../../extension/lib/policy-cache";

/*
 * Updates from the server (catalog and policy) go through validation: a broken, hostile or
 * partial update never replaces the last good one, and a 304 keeps it.
 */
const SERVER = "https://shadowlight.example.com";

function respond(status: number, body?: unknown, etag = '"v2"'): Response {
  return new Response(body === undefined ? null : typeof body === "string" ? body : JSON.stringify(body), {
    status,
    headers: { ETag: etag, "Content-Type": "application/json" },
  });
}

describe("catalog and policy updates", () => {
  beforeEach(() => {
    fakeBrowser.reset();
    useCatalog(bundledIndex, "bundled");
  });
  afterEach(() => vi.restoreAllMocks());

  it("puts a valid server catalog in force and keeps it across restarts", async () => {
    const smaller = {
      ...bundledIndex,
      tools: bundledIndex.tools.slice(0, 1),
      hosts: {},
      kinds: {},
      paths: {},
      queries: {},
      extensions: {},
      browsers: [],
    };
    const first = bundledIndex.tools[0];
    if (!first) throw new Error("empty catalog");
    smaller.hosts = { "new-ai-tool.example": 0 };
    vi.spyOn(globalThis, "fetch").mockResolvedValue(respond(200, smaller));
    expect(await refreshCatalog(SERVER, "token")).toEqual({ changed: true, status: 200 });
    expect(catalog().source).toBe("server");
    expect(catalog().matcher.classify("https://new-ai-tool.example/")?.id).toBe(first.id);
    useCatalog(bundledIndex, "bundled");
    expect(await loadStoredCatalog()).toBe(true);
    expect(catalog().matcher.classify("https://new-ai-tool.example/x")?.id).toBe(first.id);
  });

  it("refuses broken catalogs and keeps the one in force", async () => {
    const broken = [
      "not json",
      { format: 2, tools: [], hosts: {}, paths: {} },
      { ...bundledIndex, hosts: { "chatgpt.com": 99_999 } },
      { ...bundledIndex, hosts: { "EVIL.com": 0 } },
      { ...bundledIndex, tools: [{ ...bundledIndex.tools[0], home: "javascript:alert(1)" }] },
    ];
    for (const body of broken) {
      vi.spyOn(globalThis, "fetch").mockResolvedValueOnce(respond(200, body));
      const result = await refreshCatalog(SERVER, "token");
      expect(result.changed, JSON.stringify(body).slice(0, 60)).toBe(false);
      expect(catalog().source).toBe("bundled");
    }
    vi.spyOn(globalThis, "fetch").mockRejectedValueOnce(new TypeError("Failed to fetch"));
    expect((await refreshCatalog(SERVER, "token")).status).toBe("unreachable");
    expect(await loadStoredCatalog()).toBe(false);
  });

  it("sends the ETag and keeps the policy on a 304", async () => {
    const policy = {
      policy: { ...bundledPolicy.policy, version: 7 },
      reviews: { chatgpt: { status: "approved" } },
      reporting: true,
    };
    const fetch = vi.spyOn(globalThis, "fetch").mockResolvedValueOnce(respond(200, policy, '"p7"'));
    expect((await refreshPolicy(SERVER, "token")).changed).toBe(true);
    fetch.mockResolvedValueOnce(respond(304));
    expect(await refreshPolicy(SERVER, "token")).toEqual({ changed: false, status: 304 });
    const headers = fetch.mock.calls[1]?.[1]?.headers as Record<string, string>;
    expect(headers["If-None-Match"]).toBe('"p7"');
    expect((await policyInForce()).response.policy.version).toBe(7);
  });

  it("never replaces the last good policy with an invalid one", async () => {
    expect((await policyInForce()).source).toBe("bundled");
    const invalid = [
      { policy: { ...bundledPolicy.policy, version: 0 }, reviews: {}, reporting: true },
      {
        policy: { ...bundledPolicy.policy, rules: [{ id: "x", when: {}, action: "explode" }] },
        reviews: {},
        reporting: true,
      },
      { policy: bundledPolicy.policy, reviews: { chatgpt: { status: "whatever" } }, reporting: true },
      "<html>",
    ];
    for (const body of invalid) {
      vi.spyOn(globalThis, "fetch").mockResolvedValueOnce(respond(200, body));
      expect((await refreshPolicy(SERVER, "token")).changed).toBe(false);
    }
    vi.spyOn(globalThis, "fetch").mockResolvedValueOnce(respond(503, { error: "down" }));
    expect((await refreshPolicy(SERVER, "token")).changed).toBe(false);
    expect((await policyInForce()).source).toBe("bundled");
  });
});
