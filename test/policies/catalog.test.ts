import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readCatalogFiles } from "../../policies/load";
import { compileCatalog } from "../../shared/catalog/compile";
import { createMatcher } from "../../shared/catalog/matcher";
import { type SourceFile, validateCatalog } from "../../shared/catalog/validate";

const files = await readCatalogFiles();
const { catalog, errors } = validateCatalog(files);
const matcher = createMatcher(compileCatalog(catalog));
const corpus = (name: string) =>
  readFileSync(new URL(`../corpus/${name}`, import.meta.url), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("#"));

describe("the catalog", () => {
  it("validates: schema, ids, references, unique canonical hosts", () => {
    expect(errors).toEqual([]);
    expect(catalog.tools.length).toBeGreaterThanOrEqual(800);
  });

  it("covers every category the product names", () => {
    const used = new Set(catalog.tools.map((tool) => tool.category));
    for (const category of catalog.categories) expect(used, category.id).toContain(category.id);
  });

  it("never lists a whole shared corporate domain as a tool", () => {
    const shared = [
      "google.com",
      "microsoft.com",
      "github.com",
      "x.com",
      "twitter.com",
      "bing.com",
      "amazon.com",
      "apple.com",
      "openai.com",
      "adobe.com",
      "notion.so",
      "canva.com",
      "zoom.us",
    ];
    const hosts = catalog.tools.flatMap((tool) => tool.hosts);
    for (const host of shared) expect(hosts).not.toContain(host);
  });

  it("resolves every tool's examples to that tool and no other", () => {
    for (const tool of catalog.tools) {
      for (const example of tool.examples) expect(matcher.classify(example)?.id ?? null, example).toBe(tool.id);
    }
  });

  it("recognizes the AI URLs of independent public lists (recall >= 97%)", () => {
    const entries = corpus("recall-public.tsv").map((line) => line.split("\t"));
    const missed = entries.filter(([url]) => matcher.classify(url ?? "") === null);
    const recall = 1 - missed.length / entries.length;
    const byList = new Map<string, [number, number]>();
    for (const [url, list] of entries) {
      const [found, total] = byList.get(list ?? "") ?? [0, 0];
      byList.set(list ?? "", [found + (matcher.classify(url ?? "") ? 1 : 0), total + 1]);
    }
    console.log(
      `recall on public lists: ${entries.length - missed.length}/${entries.length} = ${(recall * 100).toFixed(2)}% (${[
        ...byList,
      ]
        .map(([list, [found, total]]) => `${list} ${found}/${total}`)
        .join(", ")})`,
    );
    expect(entries.length).toBeGreaterThan(600);
    expect(recall, `missed: ${missed.map(([url]) => url).join(" ")}`).toBeGreaterThanOrEqual(0.97);
  });

  it("keeps every excluded public-list entry explained", () => {
    const reasons = new Set([
      "platform",
      "directory",
      "learning",
      "research",
      "hardware",
      "infrastructure",
      "store",
      "corporate",
      "not-ai",
    ]);
    const excluded = corpus("recall-excluded.tsv").map((line) => line.split("\t"));
    for (const [url, list, reason] of excluded) {
      expect(list, url).toMatch(/^[a-z0-9-]+$/);
      expect(reasons, `${url}: ${reason}`).toContain(reason);
    }
  });

  it("recognizes the AI corpus and leaves the near misses alone", () => {
    const positives = [...corpus("ai-urls.tsv"), ...corpus("ai-urls-media.tsv")].map((line) => line.split("\t"));
    const wrong = positives.filter(([url, id]) => (matcher.classify(url ?? "")?.id ?? null) !== id);
    const negatives = corpus("non-ai-urls.txt");
    const flagged = negatives.filter((url) => matcher.classify(url) !== null);
    const recall = 1 - wrong.length / positives.length;
    const falsePositives = flagged.length / negatives.length;
    console.log(
      `self-written corpus: ${positives.length} AI URLs, recall ${(recall * 100).toFixed(2)}%; ` +
        `${negatives.length} non-AI URLs, flagged ${(falsePositives * 100).toFixed(2)}%`,
    );
    expect(positives.length).toBeGreaterThan(500);
    expect(negatives.length).toBeGreaterThan(400);
    expect(wrong).toEqual([]);
    expect(flagged).toEqual([]);
  });
});

describe("validation of bad catalog files", () => {
  const good = (path: string): SourceFile => {
    const file = files.tools.find((f) => f.path === path);
    if (!file) throw new Error(`${path} missing`);
    return file;
  };
  const check = (tools: SourceFile[]) => validateCatalog({ ...files, tools }).errors;

  it("names the file and the reason", () => {
    const chatgpt = good("tools/chatgpt.json");
    const broken = JSON.parse(chatgpt.text);
    expect(check([{ path: "tools/chatgpt.json", text: "{" }])[0]).toMatch(/^tools\/chatgpt\.json: not valid JSON/);
    expect(check([{ path: "tools/other-name.json", text: chatgpt.text }])[0]).toMatch(
      /id "chatgpt" must equal the file name/,
    );
    expect(
      check([
        { path: "tools/chatgpt.json", text: `${JSON.stringify({ ...broken, hosts: ["ChatGPT.com"] }, null, 2)}\n` },
      ])[0],
    ).toMatch(/tools\/chatgpt\.json: hosts\.0: must be a canonical hostname/);
    expect(
      check([{ path: "tools/chatgpt.json", text: `${JSON.stringify({ ...broken, vendor: "nobody" }, null, 2)}\n` }]),
    ).toContain('tools/chatgpt.json: vendor "nobody" has no file in vendors/');
    expect(
      check([
        chatgpt,
        { path: "tools/copycat.json", text: `${JSON.stringify({ ...broken, id: "copycat" }, null, 2)}\n` },
      ]).join(),
    ).toMatch(/tools\/copycat\.json: host "chat\.com" is already owned by tool "chatgpt"/);
    expect(check([{ path: "tools/chatgpt.json", text: JSON.stringify(broken) }])[0]).toMatch(/canonical form/);
  });
});
