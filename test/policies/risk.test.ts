import { describe, expect, it } from "vitest";
import { readCatalogFiles } from "../../policies/load";
import { compileCatalog } from "../../shared/catalog/compile";
import { assessRisk, normalizeCertification, UNKNOWN_CAP } from "../../shared/catalog/risk";
import type { Category, Tool, Vendor } from "../../shared/catalog/schema";
import { validateCatalog } from "../../shared/catalog/validate";
import { whyLines } from "../../shared/policy/why";

const { catalog } = validateCatalog(await readCatalogFiles());
const index = compileCatalog(catalog);
const compiled = new Map(index.tools.map((tool) => [tool.id, tool]));
const english = (key: string, ...subs: string[]) => [key, ...subs].join("|");

/*
 * Golden cases: well-known tools, the level the catalog's facts give them and why. A change
 * to the facts or the formula that moves one of them must change this table on purpose.
 */
const golden: Array<[string, "low" | "medium" | "high", boolean, string]> = [
  ["chatgpt", "medium", true, "free plan trains, chats kept until deleted; SOC 2, SSO, enterprise plan"],
  ["claude", "medium", true, "team and enterprise do not train; personal default not stated; SSO"],
  ["google-gemini", "medium", false, "not yet reviewed: Google's pages could not be re-read for quoting"],
  ["microsoft-copilot", "medium", false, "not yet reviewed: the privacy FAQ could not be re-read for quoting"],
  ["deepseek", "medium", false, "not yet reviewed: the privacy policy could not be re-read for quoting"],
  ["character-ai", "high", true, "companion app (base risk 3) that trains on chats on every plan"],
  ["perplexity", "medium", true, "free plan trains, but SOC 2, SSO and an enterprise plan are stated"],
  ["mistral-le-chat", "medium", true, "free and Pro plans train by default; SSO and an enterprise plan"],
  ["cursor", "medium", true, "teams do not train; personal tiers not reviewed; an enterprise plan"],
  ["github-copilot", "high", true, "personal plans train by default since 2026-04-24; certifications unknown"],
  ["m365-copilot", "low", true, "team and enterprise tiers do not train; EU and US data regions"],
  ["notebooklm", "medium", false, "not yet reviewed: its earlier fact could not be re-read for quoting"],
  ["midjourney", "low", false, "not yet reviewed: image category base plus the capped unknowns"],
  ["janitor-ai", "medium", false, "not yet reviewed: companion base risk plus the capped unknowns"],
];

describe("risk score v2 (golden)", () => {
  it.each(golden)("%s is %s (reviewed: %s): %s", (id, level, reviewed) => {
    const tool = compiled.get(id);
    expect(tool, id).toBeDefined();
    expect(tool?.level).toBe(level);
    expect(tool?.checked === true).toBe(reviewed);
  });

  it("never scores an unreviewed tool above a tool known to train on personal inputs", () => {
    const unreviewed = index.tools.filter((tool) => !tool.checked).map((tool) => tool.risk);
    const chatgpt = compiled.get("chatgpt")?.risk ?? 0;
    expect(Math.max(...unreviewed)).toBeLessThan(chatgpt);
  });
});

const category: Category = { id: "chat", name: "Chat", description: "chat", baseRisk: 2 };
const vendor: Vendor = { id: "acme", name: "Acme", website: "https://acme.example" };
const fact = <T>(value: T) => ({ value, source: "https://acme.example/terms", checked: "2026-11-29" });
const tool = (facts: Tool["facts"]): Tool => ({
  id: "t",
  name: "T",
  vendor: "acme",
  category: "chat",
  description: "test",
  hosts: ["acme.example"],
  examples: ["https://acme.example/"],
  ...(facts ? { facts } : {}),
});
const score = (facts: Tool["facts"], v: Vendor = vendor) => assessRisk(tool(facts), category, v);

describe("risk score v2 (parts)", () => {
  it("caps what unknown facts cost and flags the tool as not reviewed", () => {
    const none = score(undefined);
    expect(none.reviewed).toBe(false);
    expect(none.score).toBe(category.baseRisk * 8 + UNKNOWN_CAP);
  });

  it("scores the tier a person most likely uses", () => {
    const personalTrains = score({ trainsOnUserData: fact({ free: true, enterprise: false }) });
    const enterpriseOnly = score({ trainsOnUserData: fact({ team: false, enterprise: false }) });
    expect(personalTrains.tier).toBe("free");
    expect(personalTrains.parts.find((p) => p.part === "training")?.points).toBe(25);
    expect(enterpriseOnly.tier).toBeNull();
    expect(enterpriseOnly.parts.find((p) => p.part === "training")?.state).toBe("unknown");
  });

  it("counts retention by its length, not by being stated", () => {
    const points = (days: number | null | undefined) =>
      score({ retention: { ...fact("kept"), ...(days === undefined ? {} : { days }) } }).parts.find(
        (p) => p.part === "retention",
      )?.points;
    expect(points(0)).toBe(0);
    expect(points(30)).toBe(0);
    expect(points(90)).toBe(5);
    expect(points(5 * 365)).toBe(10);
    expect(points(null)).toBe(10);
    expect(points(undefined)).toBe(6);
  });

  it("uses the data region and the transfer framework, not just the vendor's country", () => {
    const transfer = (facts: Tool["facts"], v: Vendor) => score(facts, v).parts.find((p) => p.part === "transfer");
    const us: Vendor = { ...vendor, hq: fact("US") };
    expect(transfer(undefined, us)?.points).toBe(15);
    expect(transfer(undefined, { ...us, dataPrivacyFramework: fact(true) })?.points).toBe(5);
    expect(transfer({ dataRegion: fact(["EU"]) }, us)?.points).toBe(0);
    expect(transfer(undefined, { ...vendor, hq: fact("FR") })?.points).toBe(0);
    expect(transfer(undefined, { ...vendor, country: "US" })?.state).toBe("unknown");
  });

  it("normalizes certification names and records a checked page that names none", () => {
    for (const name of ["SOC2", "SOC 2 Type II", "soc-2", "AICPA SOC 2"])
      expect(normalizeCertification(name)).toBe("SOC 2");
    for (const name of ["ISO27001", "ISO/IEC 27001:2022", "iso 27001"])
      expect(normalizeCertification(name)).toBe("ISO 27001");
    const certs = (value: string[]) =>
      score({ certifications: fact(value) }).parts.find((p) => p.part === "certifications");
    expect(certs(["SOC2 Type 2"])?.points).toBe(0);
    expect(certs([])).toMatchObject({ points: 10, state: "known" });
  });

  it("keeps a silent page apart from a missing record", () => {
    const silent = score({ trainsOnUserData: fact({ free: "unstated" as const }) });
    expect(silent.parts.find((p) => p.part === "training")).toMatchObject({ points: 15, state: "silent" });
  });
});

describe("honest unknowns in the nudge", () => {
  it("says the catalog has not reviewed a tool with no record, never that the vendor is unclear", () => {
    const lines = whyLines(compiled.get("midjourney") ?? ({} as never), "unreviewed", english);
    expect(lines[0]).toBe("whyNotReviewed|Midjourney");
    expect(lines.join()).not.toMatch(/Unstated/);
    expect(lines[1]).toMatch(/^whyRiskNotReviewed\|/);
  });

  it("speaks of the personal tier unless the organization has an agreement", () => {
    const copilot = compiled.get("github-copilot");
    if (!copilot) throw new Error("github-copilot missing");
    expect(whyLines(copilot, "unreviewed", english)[0]).toBe("whyTrainsTier|GitHub Copilot|tier_free");
    expect(whyLines(copilot, "unreviewed", english, true)[0]).toBe("whyNoTrainingTier|GitHub Copilot|tier_enterprise");
    const claude = compiled.get("claude");
    if (!claude) throw new Error("claude missing");
    expect(whyLines(claude, "unreviewed", english)[0]).toBe("whyTrainsNotReviewed|Claude|tier_personal");
    expect(whyLines(claude, "unreviewed", english, true)[0]).toBe("whyNoTrainingTier|Claude|tier_enterprise");
    const chatgpt = compiled.get("chatgpt");
    if (!chatgpt) throw new Error("chatgpt missing");
    expect(whyLines(chatgpt, "unreviewed", english)[0]).toBe("whyTrainsTier|ChatGPT|tier_free");
  });

  it("says the vendor's terms do not say only for a checked, silent page", () => {
    const silent = { ...(compiled.get("chatgpt") ?? ({} as never)), training: { free: "unstated" as const } };
    expect(whyLines(silent, "unreviewed", english)[0]).toBe("whyTrainsUnstated|ChatGPT|tier_free");
  });
});
