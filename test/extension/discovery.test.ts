import { describe, expect, it } from "vitest";
import { currentSignals, recognizeBrowser } from "../../extension/background/discovery/browsers";
import {
  census,
  type InstalledExtension,
  looksLikeAi,
  nominationToken,
  storeOf,
} from "../../extension/background/discovery/census";
import { apiHostPatterns, embedOf } from "../../extension/background/discovery/embeds";
import { bundledIndex, catalog } from "../../extension/lib/catalog";
import { addCount, type Count, countCodec, countOfRefusal, ofTools, toReport } from "../../extension/lib/counters";
import type { CompiledIndex } from "../../shared/catalog/compile";
import { LIMITS } from "../../shared/limits";
import { reportRequest } from "../../shared/protocol";

const matcher = catalog().matcher;
const DAY = "2026-11-20";
const SELF = "oicjdjaeakeiccgmieahkaodgcalfmic";
// Catalogued ids (policies/extensions): ChatGPTBox in Chrome, Page Assist in Chrome and Firefox.
const CHATGPTBOX = "eobbhoofkanlmddnplfhnmkfbnlhpbbo";
const PAGE_ASSIST = "jfgfiigpkhlkbnfnbobbkinehhfdhndo";
const KEY = "a-census-key-of-the-organization";

const installed = (id: string, name: string, extra: Partial<InstalledExtension> = {}): InstalledExtension => ({
  id,
  name,
  enabled: true,
  type: "extension",
  ...extra,
});

describe("unknown AI-looking extensions", () => {
  it("looks at whole words and camel-cased product names, not at substrings", () => {
    expect(looksLikeAi(installed("a".repeat(32), "AI Writer"))).toBe(true);
    expect(looksLikeAi(installed("a".repeat(32), "MaxAI.me"))).toBe(true);
    expect(looksLikeAi(installed("a".repeat(32), "ChatGPT for Gmail"))).toBe(true);
    expect(looksLikeAi(installed("a".repeat(32), "Claude in the sidebar"))).toBe(true);
    expect(looksLikeAi(installed("a".repeat(32), "Maintain tabs"))).toBe(false);
    expect(looksLikeAi(installed("a".repeat(32), "Email Helper"))).toBe(false);
    expect(looksLikeAi(installed("a".repeat(32), "Password manager", { description: "Fair pricing" }))).toBe(false);
  });
  it("counts a description only with the access a sidebar assistant needs", () => {
    const description = "Summaries by AI for any page";
    expect(looksLikeAi(installed("a".repeat(32), "Summarizer", { description }))).toBe(false);
    expect(looksLikeAi(installed("a".repeat(32), "Summarizer", { description, hostPermissions: ["<all_urls>"] }))).toBe(
      true,
    );
    expect(looksLikeAi(installed("a".repeat(32), "Summarizer", { description, permissions: ["sidePanel"] }))).toBe(
      true,
    );
  });
  it("tells the store by the id's form and the update URL", () => {
    expect(storeOf(installed(CHATGPTBOX, "x"))).toBe("chrome");
    expect(
      storeOf(installed(CHATGPTBOX, "x", { updateUrl: "https://edge.microsoft.com/extensionwebstorebase/v1/crx" })),
    ).toBe("edge");
    expect(storeOf(installed("page-assist@nazeem", "x"))).toBe("firefox");
    expect(storeOf(installed("not an id", "x"))).toBeNull();
  });
});

describe("the extension census", () => {
  const base = { index: bundledIndex, self: SELF, censusKey: "", revealed: new Set<string>() };

  it("sends catalogued AI extensions by catalog id (enabled or not) and the rest as a number", async () => {
    const changes = await census({
      ...base,
      installed: [
        installed(CHATGPTBOX, "ChatGPTBox"),
        installed(PAGE_ASSIST, "Page Assist", { enabled: false }),
        installed("b".repeat(32), "GPT Helper for Docs"),
        installed("c".repeat(32), "AI Translate"),
        installed("d".repeat(32), "uBlock Origin"),
        installed("e".repeat(32), "Dark AI theme", { type: "theme" }),
        installed(SELF, "Shadowlight AI discovery"),
      ],
    });
    expect(changes).toEqual([
      [{ section: "extension", extension: "chatgptbox" }, { raise: 2 }],
      [{ section: "extension", extension: "page-assist" }, { raise: 1 }],
      [{ section: "unknownExtensions" }, { raise: 2 }],
    ]);
    // Nothing of another extension: no id, no name.
    const text = JSON.stringify(changes);
    for (const secret of ["b".repeat(32), "GPT Helper", "uBlock", "d".repeat(32)]) expect(text).not.toContain(secret);
  });

  it("nominates unknown ones by keyed hash and names one only when the server revealed its token", async () => {
    const unknown = installed("b".repeat(32), "GPT Helper for Docs");
    const token = await nominationToken(KEY, "chrome", unknown.id);
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(await nominationToken("another-organization-key", "chrome", unknown.id)).not.toBe(token);
    const hidden = await census({ ...base, censusKey: KEY, installed: [unknown] });
    expect(hidden).toContainEqual([{ section: "extensionToken", token }, { raise: 1 }]);
    expect(JSON.stringify(hidden)).not.toContain(unknown.id);
    const named = await census({ ...base, censusKey: KEY, revealed: new Set([token]), installed: [unknown] });
    expect(named).toContainEqual([{ section: "revealedExtension", store: "chrome", id: unknown.id }, { raise: 1 }]);
  });

  it("without a census key sends no nomination at all", async () => {
    const changes = await census({ ...base, installed: [installed("b".repeat(32), "GPT Helper")] });
    expect(changes.map(([item]) => item.section)).toEqual(["unknownExtensions"]);
  });

  it("nominates at most the daily cap, the same ones whatever the order", async () => {
    const many = Array.from({ length: LIMITS.maxExtensionTokensPerDay + 5 }, (_, i) =>
      installed(
        String.fromCharCode(97 + (i % 16)).repeat(31) + String.fromCharCode(97 + Math.floor(i / 16)),
        `AI ${i}`,
      ),
    );
    const forward = await census({ ...base, censusKey: KEY, installed: many });
    const backward = await census({ ...base, censusKey: KEY, installed: [...many].reverse() });
    expect(forward.filter(([item]) => item.section === "extensionToken")).toHaveLength(LIMITS.maxExtensionTokensPerDay);
    expect(backward).toEqual(forward);
    expect(forward).toContainEqual([{ section: "unknownExtensions" }, { raise: many.length }]);
  });
});

describe("the AI browser", () => {
  const index: CompiledIndex = {
    ...bundledIndex,
    tools: [...bundledIndex.tools, { ...bundledIndex.tools[0], id: "test-browser", kind: "browser" } as never],
  };
  const at = index.tools.length - 1;
  const signals = (brands: string[], userAgent = "Mozilla/5.0 Chrome/150.0.0.0 Safari/537.36") => ({
    brands,
    userAgent,
    has: (path: string) => path === "navigator.testBrowser",
  });

  it("is recognized by a whole brand, a whole product token or a documented global", () => {
    expect(recognizeBrowser({ ...index, browsers: [["brand", "Test AI", at]] }, signals(["Test AI", "Chromium"]))).toBe(
      "test-browser",
    );
    expect(recognizeBrowser({ ...index, browsers: [["brand", "Test", at]] }, signals(["Test AI"]))).toBeNull();
    expect(
      recognizeBrowser({ ...index, browsers: [["uaToken", "TestAI", at]] }, signals([], "Mozilla/5.0 TestAI/1.2")),
    ).toBe("test-browser");
    expect(
      recognizeBrowser({ ...index, browsers: [["uaToken", "Safari", at]] }, signals([], "Mozilla/5.0")),
    ).toBeNull();
    expect(recognizeBrowser({ ...index, browsers: [["global", "navigator.testBrowser", at]] }, signals([]))).toBe(
      "test-browser",
    );
  });
  it("is never a tool met in pages, and the bundled catalog recognizes no ordinary browser", () => {
    expect(recognizeBrowser({ ...index, browsers: [["brand", "Chromium", 0]] }, signals(["Chromium"]))).toBeNull();
    expect(recognizeBrowser(bundledIndex, currentSignals())).toBeNull();
  });
  it("reads globals by path without running anything", () => {
    const scope = { navigator: { userAgent: "x", brave: { isBrave: () => true } } } as unknown as typeof globalThis;
    expect(currentSignals(scope).has("navigator.brave")).toBe(true);
    expect(currentSignals(scope).has("navigator.comet")).toBe(false);
    expect(currentSignals(scope).has("navigator")).toBe(false);
  });
});

describe("sites embedding AI", () => {
  it("listens only to the catalog's API hosts", () => {
    const patterns = apiHostPatterns(bundledIndex);
    expect(patterns).toContain("*://api.openai.com/*");
    expect(patterns).not.toContain("*://chatgpt.com/*");
  });
  it("keeps the calling site's registrable domain and the tool, nothing of the request", () => {
    const request = {
      url: "https://api.openai.com/v1/chat/completions?key=secret",
      type: "xmlhttprequest",
      initiator: "https://help.shop.example.co.uk",
    };
    expect(embedOf(request, matcher)).toEqual({ site: "example.co.uk", tool: "openai-platform" });
    expect(
      embedOf({ ...request, initiator: undefined, documentUrl: "https://www.news-site.com/a?b" }, matcher),
    ).toEqual({ site: "news-site.com", tool: "openai-platform" });
    // Not under a public suffix: the server would refuse it, so it is never kept.
    expect(embedOf({ ...request, initiator: "https://shop.example" }, matcher)).toBeNull();
  });
  it("skips catalog sites, the API's own vendor, extensions, pages' own hosts and navigations", () => {
    const url = "https://api.openai.com/v1/responses";
    expect(embedOf({ url, initiator: "https://chatgpt.com" }, matcher)).toBeNull();
    expect(embedOf({ url, initiator: "https://platform.openai.com" }, matcher)).toBeNull();
    expect(embedOf({ url, initiator: "https://openai.com" }, matcher)).toBeNull();
    expect(embedOf({ url, initiator: `chrome-extension://${SELF}` }, matcher)).toBeNull();
    expect(embedOf({ url, initiator: "null" }, matcher)).toBeNull();
    expect(embedOf({ url, initiator: "https://127.0.0.1:8443" }, matcher)).toBeNull();
    expect(embedOf({ url, type: "main_frame", initiator: "https://shop.co.uk" }, matcher)).toBeNull();
    expect(embedOf({ url: "https://shop.co.uk/api", initiator: "https://news-site.com" }, matcher)).toBeNull();
  });
});

describe("discovery counts in the book and the report", () => {
  const counts: Count[] = [
    { kind: "discovery", item: { section: "extension", extension: "chatgptbox" } },
    { kind: "discovery", item: { section: "unknownExtensions" } },
    { kind: "discovery", item: { section: "browser", browser: "comet" } },
    { kind: "discovery", item: { section: "embed", site: "example.co.uk", tool: "openai-platform" } },
    { kind: "discovery", item: { section: "extensionToken", token: "0123456789abcdef0123456789abcdef" } },
    { kind: "discovery", item: { section: "revealedExtension", store: "chrome", id: "b".repeat(32) } },
  ];

  it("round-trips every key and refuses malformed ones", () => {
    for (const count of counts) expect(countCodec.decode(countCodec.encode(count))).toEqual(count);
    for (const bad of ["x\tembed\tsite", "x\tbrowser", "x\trevealedExtension\tsafari\tid", "x\tunknownExtensions\t3"]) {
      expect(countCodec.decode(bad)).toBeNull();
    }
  });

  it("travels in its own sections, valid under the wire schema", () => {
    let book = {};
    for (const count of counts) book = addCount(book, DAY, count, 2);
    const report = toReport(
      Object.entries(book[DAY as never] as Record<string, number>).map(([key, n]) => ({
        day: DAY,
        count: countCodec.decode(key) as Count,
        n,
      })),
    );
    expect(reportRequest.safeParse(report).success).toBe(true);
    expect(report).toMatchObject({
      days: [],
      extensions: [{ day: DAY, extension: "chatgptbox", enabled: true }],
      unknownExtensions: [{ day: DAY, n: 2 }],
      browsers: [{ day: DAY, browser: "comet" }],
      embeds: [{ day: DAY, site: "example.co.uk", tool: "openai-platform", n: 2 }],
      extensionTokens: [{ day: DAY, token: "0123456789abcdef0123456789abcdef" }],
      revealedExtensions: [{ day: DAY, store: "chrome", id: "b".repeat(32) }],
    });
  });

  it("an extension installed but never enabled travels as not enabled", () => {
    const report = toReport([{ day: DAY, count: counts[0] as Count, n: 1 }]);
    expect(report.extensions).toEqual([{ day: DAY, extension: "chatgptbox", enabled: false }]);
  });

  it("a refusal names exactly the count the device holds, so it can be set aside", () => {
    const refusal = (kind: string, subject: string) =>
      countOfRefusal({ kind, day: DAY, subject, reason: "unknown_tool", message: "m" } as never)?.count;
    expect(refusal("extension", "chatgptbox")).toEqual(counts[0]);
    expect(refusal("unknownExtensions", "7")).toEqual(counts[1]);
    expect(refusal("browser", "comet")).toEqual(counts[2]);
    expect(refusal("embed", "example.co.uk openai-platform")).toEqual(counts[3]);
    expect(refusal("extensionToken", "0123456789abcdef0123456789abcdef")).toEqual(counts[4]);
    expect(refusal("revealedExtension", `chrome ${"b".repeat(32)}`)).toEqual(counts[5]);
    expect(ofTools(new Set(["openai-platform"]))(DAY, counts[3] as Count)).toBe(true);
    expect(ofTools(new Set(["openai-platform"]))(DAY, counts[1] as Count)).toBe(false);
  });
});
