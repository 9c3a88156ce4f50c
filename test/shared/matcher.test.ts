import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CompiledIndex, type CompiledTool, compileCatalog } from "../../shared/catalog/compile";
import { createMatcher } from "../../shared/catalog/matcher";
import type { Catalog, Tool } from "../../shared/catalog/schema";

function tool(id: string, hosts: string[], paths: Tool["paths"] = []): Tool {
  return {
    id,
    name: id,
    vendor: "acme",
    category: "chat",
    description: "test tool",
    hosts,
    paths,
    examples: [`https://${hosts[0] ?? paths?.[0]?.host}/`],
  };
}

const catalog: Catalog = {
  vendors: [{ id: "acme", name: "Acme", website: "https://acme.example", country: "US" }],
  categories: [{ id: "chat", name: "Chat", description: "chat", baseRisk: 2 }],
  tools: [
    tool("chatgpt", ["chat.openai.com", "chatgpt.com"]),
    tool("openai-platform", ["platform.openai.com"]),
    tool("gemini", ["gemini.google.com"]),
    tool("copilot", [], [{ host: "github.com", prefix: "/copilot" }]),
    tool("grok", ["grok.com"], [{ host: "x.com", prefix: "/i/grok" }]),
    tool("bing-chat", [], [{ host: "bing.com", prefix: "/chat" }]),
    tool("idn-tool", ["xn--mnchen-3ya.example"]),
  ],
};
const matcher = createMatcher(compileCatalog(catalog));
const id = (url: string) => matcher.classify(url)?.id ?? null;

describe("matcher", () => {
  it.each([
    ["https://chatgpt.com/", "chatgpt"],
    ["https://chatgpt.com/c/123?model=x#frag", "chatgpt"],
    ["http://www.chatgpt.com", "chatgpt"],
    ["https://CHATGPT.com/", "chatgpt"],
    ["https://chatgpt.com./", "chatgpt"],
    ["https://chatgpt.com:443/", "chatgpt"],
    ["https://chatgpt.com:8443/x", "chatgpt"],
    ["https://user:pw@chatgpt.com/", "chatgpt"],
    ["https://chat%67pt.com/", "chatgpt"],
    ["https://chat.openai.com/auth/login", "chatgpt"],
    ["https://platform.openai.com/playground", "openai-platform"],
    ["https://a.b.platform.openai.com/", "openai-platform"],
    ["https://gemini.google.com/app", "gemini"],
    ["https://github.com/copilot", "copilot"],
    ["https://github.com/copilot/c/abc", "copilot"],
    ["https://www.github.com/copilot?x=1", "copilot"],
    ["https://x.com/i/grok", "grok"],
    ["https://grok.com/chat/1", "grok"],
    ["https://www.bing.com/chat?q=hi", "bing-chat"],
    ["https://münchen.example/", "idn-tool"],
    ["https://MÜNCHEN.example./path", "idn-tool"],
    ["  https://chatgpt.com/  ", "chatgpt"],
    ["https://chatgpt.com\\foo", "chatgpt"],
    ["https:/chatgpt.com/", "chatgpt"],
  ])("%s is %s", (url, expected) => {
    expect(id(url)).toBe(expected);
  });

  it.each([
    "https://gemini.com/",
    "https://www.gemini.com/prices",
    "https://openai.com/index/chatgpt/",
    "https://google.com/",
    "https://chatgpt.com.example.org/",
    "https://notchatgpt.com/",
    "https://chatgpt.com@example.org/",
    "https://example.org/?u=https://chatgpt.com/",
    "https://example.org/chatgpt.com",
    "https://news.example.com/2025/01/chatgpt-launches",
    "https://github.com/copilotkit/copilotkit",
    "https://github.com/features/copilot",
    "https://github.com/",
    "https://x.com/i/grokking",
    "https://x.com/elonmusk",
    "https://www.bing.com/search?q=chat",
    "https://www.bing.com/chatter",
    "ftp://chatgpt.com/",
    "chrome://settings",
    "about:blank",
    "not a url",
    "",
    "https://",
    "https://127.0.0.1/",
    "https://[::1]/",
  ])("%s is not a tool", (url) => {
    expect(id(url)).toBeNull();
  });

  it("agrees with the URL parser on every input (property)", () => {
    // The reference: parse with the platform parser, then the same suffix/path walk.
    const reference = (url: string) => {
      const parts = matcher.normalize(url);
      return parts ? (matcher.classifyHost(parts.hostname, parts.pathname)?.id ?? null) : null;
    };
    const label = fc.stringMatching(/^[a-zA-Z0-9-]{1,8}$/);
    const host = fc.oneof(
      fc.constantFrom(
        "chatgpt.com",
        "chat.openai.com",
        "github.com",
        "x.com",
        "bing.com",
        "gemini.com",
        "xn--mnchen-3ya.example",
      ),
      fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join(".")),
      fc.tuple(label, fc.constantFrom("chatgpt.com", "github.com", "bing.com")).map(([a, b]) => `${a}.${b}`),
    );
    const noise = fc.constantFrom("", ".", "..", ":443", ":8080", "%2e", "@evil.example", "--x", "\t", "Ä", "0", ".1");
    const path = fc.oneof(
      fc.constantFrom(
        "",
        "/",
        "/copilot",
        "/copilot/x",
        "/copilotkit",
        "/i/grok",
        "/chat",
        "/chat?x=1",
        "/./copilot",
        "/a/../copilot",
        "/%63opilot",
        "/copilot#x",
        "/Copilot",
      ),
      fc.stringMatching(/^(\/[a-zA-Z0-9._~%-]{0,6}){0,3}$/),
    );
    const scheme = fc.constantFrom("https://", "http://", "HTTPS://", "https:/", "ftp://", "");
    fc.assert(
      fc.property(scheme, host, noise, path, (s, h, n, p) => {
        const url = `${s}${h}${n}${p}`;
        expect(id(url)).toBe(reference(url));
      }),
      { numRuns: 20_000 },
    );
  });

  it("matches hosts with many labels (past the fast scan's limit) and very long hosts", () => {
    const many = `${Array.from({ length: 40 }, () => "a").join(".")}.chatgpt.com`;
    expect(id(`https://${many}/`)).toBe("chatgpt");
    const long = `${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}.chatgpt.com`;
    expect(long.length).toBeGreaterThan(253);
    expect(id(`https://${long}/`)).toBe("chatgpt");
    expect(id(`https://${long}.example/`)).toBeNull();
  });
});

/** A catalog of only hostnames and path rules, as the compiler would emit it. */
function bareIndex(hosts: string[], paths: Record<string, string[]>): CompiledIndex {
  const names = [...hosts, ...Object.keys(paths)];
  const tools = names.map(
    (name, position): CompiledTool => ({
      id: `t${position}`,
      name,
      category: "chat",
      vendor: "Acme",
      home: `https://${name}/`,
      risk: 0,
      level: "low",
      trains: null,
      trainsOn: [],
    }),
  );
  const index: CompiledIndex = { format: 1, tools, hosts: {}, paths: {} };
  hosts.forEach((host, position) => {
    index.hosts[host] = position;
  });
  Object.entries(paths).forEach(([host, prefixes], k) => {
    const rules = prefixes.map((prefix): [string, number] => [prefix, hosts.length + k]);
    index.paths[host] = rules.sort((a, b) => b[0].length - a[0].length);
  });
  return index;
}

/** The matcher's rule, written the slow and obvious way: suffixes, most specific first. */
function naive(index: CompiledIndex, hostname: string, pathname: string): string | null {
  const labels = hostname.split(".");
  for (let i = 0; i < labels.length; i++) {
    const suffix = labels.slice(i).join(".");
    for (const [prefix, position] of index.paths[suffix] ?? []) {
      if (pathname === prefix || pathname.startsWith(`${prefix}/`)) return index.tools[position]?.id ?? null;
    }
    const position = index.hosts[suffix];
    if (position !== undefined) return index.tools[position]?.id ?? null;
  }
  return null;
}

describe("matcher lookup table", () => {
  it("finds exactly the catalog's hosts, however alike they are (property)", () => {
    // Two letters and short labels: many hosts share a length and their first, middle and last
    // characters, so lookups meet colliding fingerprints and long probe runs.
    const label = fc.stringMatching(/^[ab]{1,3}$/);
    const host = fc.array(label, { minLength: 1, maxLength: 3 }).map((labels) => labels.join("."));
    const catalog = fc
      .tuple(
        fc.uniqueArray(host, { minLength: 1, maxLength: 40 }),
        fc.uniqueArray(host, { maxLength: 4 }),
        fc.array(fc.constantFrom("/x", "/x/y", "/z"), { minLength: 1, maxLength: 2 }),
      )
      .map(([hosts, pathHosts, prefixes]) =>
        bareIndex(hosts, Object.fromEntries(pathHosts.map((h) => [h, [...new Set(prefixes)]]))),
      );
    const path = fc.constantFrom("/", "/x", "/x/y", "/xy", "/z/1");
    fc.assert(
      fc.property(catalog, fc.array(fc.tuple(host, path), { maxLength: 30 }), (index, queries) => {
        const matcher = createMatcher(index);
        const all = [...queries, ...Object.keys(index.hosts).map((h): [string, string] => [h, "/"])];
        for (const [hostname, pathname] of all) {
          const expected = naive(index, hostname, pathname);
          expect(matcher.classify(`https://${hostname}${pathname}`)?.id ?? null).toBe(expected);
          expect(matcher.classify(`https://www.${hostname}${pathname}?q=1`)?.id ?? null).toBe(
            naive(index, `www.${hostname}`, pathname),
          );
          expect(matcher.classifyHost(hostname, pathname)?.id ?? null).toBe(expected);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("query rules", () => {
  const aiMode: Tool = {
    ...tool("ai-mode", []),
    queries: [{ host: "google.com", path: "/search", param: "udm", value: "50" }],
    examples: ["https://www.google.com/search?udm=50"],
  };
  const withQueries = createMatcher(
    compileCatalog({
      ...catalog,
      tools: [
        ...catalog.tools,
        aiMode,
        { ...tool("api-tool", ["smith.example"]), apiHosts: ["api.smith.example"], docsHosts: ["docs.example"] },
      ],
    }),
  );
  const found = (url: string) => withQueries.classify(url)?.id ?? null;

  it.each([
    "https://www.google.com/search?q=x&udm=50",
    "https://www.google.com/search?udm=50",
    "https://google.com/search?udm=50&q=x#top",
    "https://WWW.Google.com/search?q=a+b&udm=50",
    "https://www.google.com/search?q=x&%75dm=5%30",
    "https://www.google.com/search/?udm=50",
  ])("recognizes %s", (url) => expect(found(url)).toBe("ai-mode"));

  it.each([
    "https://www.google.com/search?q=udm%3D50",
    "https://www.google.com/search?q=udm=50",
    "https://www.google.com/search?udm=500",
    "https://www.google.com/search?xudm=50",
    "https://www.google.com/search?udm=5",
    "https://www.google.com/search?udm",
    "https://www.google.com/searchx?udm=50",
    "https://www.google.com/?udm=50",
    "https://www.google.com/search#udm=50",
    "https://www.google.com/search?q=1#&udm=50",
    "https://google.com.example.org/search?udm=50",
    "https://example.org/search?u=google.com/search?udm=50",
  ])("never matches a near miss: %s", (url) => expect(found(url)).toBeNull());

  it("tells the product, its API and its documentation apart", () => {
    expect(withQueries.match("https://smith.example/app")).toMatchObject({ tool: { id: "api-tool" }, kind: "web" });
    expect(withQueries.match("https://api.smith.example/v1")).toMatchObject({ kind: "api" });
    expect(withQueries.match("https://docs.example/guide")).toMatchObject({ kind: "docs" });
    expect(withQueries.match("https://www.google.com/search?udm=50")).toMatchObject({ kind: "web" });
    expect(withQueries.match("https://example.org/")).toBeNull();
  });

  it("matches a pair only when one decoded name=value of the query equals it (property)", () => {
    const part = fc.stringMatching(/^[a-z0-9%=+]{0,6}$/);
    const pairs = fc.array(fc.tuple(part, part), { maxLength: 5 });
    fc.assert(
      fc.property(pairs, fc.boolean(), (list, include) => {
        const query = list.map(([name, value]) => `${name}=${value}`);
        if (include) query.splice(Math.floor(query.length / 2), 0, "udm=50");
        const url = `https://www.google.com/search?${query.join("&")}`;
        const search = new URL(url).searchParams;
        const expected = search.getAll("udm").includes("50") ? "ai-mode" : null;
        expect(found(url)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});
