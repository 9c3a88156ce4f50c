import { describe, expect, it } from "vitest";
import { readCatalogFiles } from "../../policies/load";
import { compileCatalog, compiledIndexSchema } from "../../shared/catalog/compile";
import { STORES } from "../../shared/catalog/discovery";
import { createMatcher } from "../../shared/catalog/matcher";
import { type SourceFile, validateCatalog } from "../../shared/catalog/validate";

const files = await readCatalogFiles();
const { catalog, errors } = validateCatalog(files);
const index = compileCatalog(catalog);

const file = (path: string, value: unknown): SourceFile => ({ path, text: `${JSON.stringify(value, null, 2)}\n` });
const original = (folder: "extensions" | "browsers", id: string) => {
  const found = files[folder].find((f) => f.path === `${folder}/${id}.json`);
  if (!found) throw new Error(`${folder}/${id}.json missing`);
  return JSON.parse(found.text);
};
const checkExtensions = (extensions: SourceFile[]) => validateCatalog({ ...files, extensions }).errors;
const checkBrowsers = (browsers: SourceFile[]) => validateCatalog({ ...files, browsers }).errors;

describe("AI extensions and AI browsers in the catalog", () => {
  it("validate, each with a sourced id in at least one store", () => {
    expect(errors).toEqual([]);
    expect(catalog.extensions?.length).toBeGreaterThanOrEqual(6);
    expect(catalog.browsers?.length).toBeGreaterThanOrEqual(5);
    for (const extension of catalog.extensions ?? []) {
      const listed = STORES.filter((store) => extension.stores[store]);
      expect(listed.length, extension.id).toBeGreaterThan(0);
    }
  });

  it("compile into entries of their own kind, after every tool, owning no host", () => {
    const entries = index.tools.filter((tool) => tool.kind);
    expect(entries.map((entry) => entry.id).sort()).toEqual(
      [...(catalog.extensions ?? []), ...(catalog.browsers ?? [])].map((entry) => entry.id).sort(),
    );
    const firstEntry = index.tools.findIndex((tool) => tool.kind);
    expect(index.tools.slice(firstEntry).every((tool) => tool.kind)).toBe(true);
    const positions = new Set(entries.map((entry) => index.tools.indexOf(entry)));
    for (const position of Object.values(index.hosts)) expect(positions.has(position)).toBe(false);
    expect(index.extensions?.chrome?.jfgfiigpkhlkbnfnbobbkinehhfdhndo).toBe(
      index.tools.findIndex((tool) => tool.id === "page-assist"),
    );
    expect(compiledIndexSchema.safeParse(JSON.parse(JSON.stringify(index))).success).toBe(true);
  });

  it("take the facts of the tool they belong to when they have none", () => {
    const tool = index.tools.find((entry) => entry.id === "languagetool");
    const extension = index.tools.find((entry) => entry.id === "languagetool-extension");
    expect(extension?.kind).toBe("extension");
    expect(extension?.checked).toBe(tool?.checked);
  });

  it("are never what a URL resolves to, not even their store listing", () => {
    const matcher = createMatcher(index);
    for (const extension of catalog.extensions ?? []) {
      for (const store of STORES) {
        const url = extension.stores[store]?.url;
        if (url) expect(matcher.classify(url)?.kind ?? null, url).not.toBe("extension");
      }
    }
  });

  it("refuses an index whose extension ids point past its entries", () => {
    const hostile = { ...index, extensions: { chrome: { ["a".repeat(32)]: index.tools.length } } };
    expect(compiledIndexSchema.safeParse(hostile).success).toBe(false);
    const badId = { ...index, extensions: { chrome: { "not-an-id": 0 } } };
    expect(compiledIndexSchema.safeParse(badId).success).toBe(false);
  });
});

describe("validation of bad extension and browser files", () => {
  const pageAssist = original("extensions", "page-assist");
  const chrome = pageAssist.stores.chrome;

  it("names the file and the reason for each broken rule", () => {
    expect(checkExtensions([file("extensions/page-assist.json", { ...pageAssist, id: "other" })])[0]).toMatch(
      /id "other" must equal the file name/,
    );
    expect(checkExtensions([file("extensions/chatgpt.json", { ...pageAssist, id: "chatgpt" })]).join()).toMatch(
      /extensions\/chatgpt\.json: id "chatgpt" is already a tool's id/,
    );
    expect(checkExtensions([file("extensions/page-assist.json", { ...pageAssist, stores: {} })]).join()).toMatch(
      /needs a sourced id in at least one store/,
    );
    expect(
      checkExtensions([
        file("extensions/page-assist.json", {
          ...pageAssist,
          stores: { chrome: { ...chrome, url: `https://chromewebstore.google.evil/detail/x/${chrome.id}` } },
        }),
      ]).join(),
    ).toMatch(/stores\.chrome\.url is not a listing of the chrome store/);
    expect(
      checkExtensions([
        file("extensions/page-assist.json", {
          ...pageAssist,
          stores: { chrome: { ...chrome, id: "a".repeat(32) } },
        }),
      ]).join(),
    ).toMatch(/stores\.chrome\.url does not name the id a{32}/);
    expect(
      checkExtensions([
        file("extensions/page-assist.json", {
          ...pageAssist,
          stores: { chrome: { ...chrome, source: "https://github.com/someone-else/page-assist" } },
        }),
      ]).join(),
    ).toMatch(/stores\.chrome\.source is not the store's listing or a page of the vendor/);
    expect(
      checkExtensions([
        file("extensions/page-assist.json", pageAssist),
        file("extensions/copycat.json", { ...pageAssist, id: "copycat" }),
      ]).join(),
    ).toMatch(
      /extensions\/copycat\.json: chrome id "jfgfiigpkhlkbnfnbobbkinehhfdhndo" is already owned by extension "page-assist"/,
    );
    expect(
      checkExtensions([
        file("extensions/page-assist.json", { ...pageAssist, stores: { chrome: { ...chrome, id: "ABC" } } }),
      ]).join(),
    ).toMatch(/stores\.chrome\.id: must be 32 letters a-p/);
    expect(
      checkExtensions([file("extensions/page-assist.json", { ...pageAssist, tool: "nothing-here" })]).join(),
    ).toMatch(/tool "nothing-here" has no file in tools\//);
  });

  it("refuses an unsourced or doubled browser marker", () => {
    const comet = original("browsers", "comet");
    const marker = {
      kind: "brand",
      value: "Comet",
      source: "https://example.org/comet",
      checked: "2026-11-29",
    };
    expect(checkBrowsers([file("browsers/comet.json", { ...comet, markers: [marker] })]).join()).toMatch(
      /browsers\/comet\.json: markers\.0\.source is not the store's listing or a page of the vendor/,
    );
    const sourced = { ...marker, source: "https://www.perplexity.ai/comet" };
    expect(
      checkBrowsers([
        file("browsers/comet.json", { ...comet, markers: [sourced] }),
        file("browsers/copycat.json", { ...comet, id: "copycat", markers: [sourced] }),
      ]).join(),
    ).toMatch(/marker brand "Comet" is already browser "comet"'s/);
    expect(
      checkBrowsers([file("browsers/comet.json", { ...comet, markers: [{ ...sourced, value: "Co<met" }] })]).join(),
    ).toMatch(/markers\.0\.value: must be a plain name/);
  });
});
