import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { reportingChanged } from "../../extension/background/counting";
import { guardSessions } from "../../extension/background/guard";
import { RefusedMessage, type Sender } from "../../extension/background/router";
import type { GuardPage, GuardReport } from "../../extension/lib/messages";
import { local } from "../../extension/lib/state";
import type { PolicyInput } from "../../shared/policy/schema";
import { countsByName } from "../support/counts";
import { freshDevice, usePolicy } from "./device-policy";
import { EXTENSION, page, route } from "./senders";

/*
 * The guard's side in the background, through the real router: which pages are watched,
 * what they are told, and which outcomes count. An outcome counts only from the tab and
 * document its session was opened for, only where the policy decides so, and an answer only
 * once, for a warning counted before, on that warning's day.
 */
const CHATGPT = page("https://chatgpt.com/c/123");

const POLICY: PolicyInput = {
  version: 5,
  name: "Guard test policy",
  policyUrl: "https://intranet.example.com/ai",
  reasons: [{ id: "public", label: "It is public already" }],
  rules: [],
  fallback: "allow",
  guard: {
    patterns: [{ id: "customer", label: "Customer number", pattern: "K\\d{8}" }],
    rules: [
      { id: "keys", when: { detectors: ["aws-access-key"] }, action: "block", message: "No keys." },
      { id: "claude-ok", when: { tools: ["claude"] }, action: "allow" },
      { id: "cards", when: { detectors: ["payment-card"] }, action: "warn", message: "Cards?", requireReason: true },
    ],
    fallback: "warn",
    unscanned: "warn",
  },
};

const counts = async () => countsByName(await local.counters.getValue(), { byDay: true });
const serve = async (sender = CHATGPT) => (await route({ type: "guard:get" }, sender)) as GuardPage | null;
const report = (request: GuardReport, sender = CHATGPT) =>
  route({ type: "guard:outcome", ...request }, sender) as Promise<boolean>;
const CHECK = "11111111-1111-4111-8111-111111111111";
const OTHER_CHECK = "22222222-2222-4222-8222-222222222222";

describe("the guard in the background", () => {
  beforeEach(() => freshDevice(POLICY));
  afterEach(() => {
    vi.useRealTimers();
  });

  it("watches the product pages of catalog tools only, and only where the policy can stop a paste", async () => {
    const served = await serve();
    expect(served).toMatchObject({
      tool: { id: "chatgpt", name: "ChatGPT" },
      policyVersion: 5,
      policyUrl: "https://intranet.example.com/ai",
      patternLabels: { customer: "Customer number" },
      reasons: [{ id: "public", label: "It is public already" }],
      files: { read: true, maxBytes: 1_048_576 },
    });
    expect(served?.table["aws-access-key"]).toMatchObject({ action: "block", message: "No keys." });
    expect(served?.table["payment-card"]).toMatchObject({ action: "warn", requireReason: true });
    expect(served?.table.unscanned).toMatchObject({ action: "warn" });
    // An API host of the tool, a site outside the catalog: not watched; a frame is not even answered.
    expect(await serve(page("https://files.oaiusercontent.com/x"))).toBeNull();
    expect(await serve(page("https://www.example.org/"))).toBeNull();
    await expect(serve({ ...CHATGPT, frameId: 3 })).rejects.toThrow(RefusedMessage);
    // A policy that allows every paste, even one too long to read: no page is watched.
    const rules = [{ id: "all", when: {}, action: "allow" as const }];
    await usePolicy({ ...POLICY, guard: { ...POLICY.guard, rules, unscanned: "allow" } });
    expect(await serve()).toBeNull();
    // A policy without a guard turns it off.
    await usePolicy({ ...POLICY, guard: undefined });
    expect(await serve()).toBeNull();
  });

  it("injects the detectors and the warning on a page's first paste, only into a document it watches", async () => {
    const injected: unknown[] = [];
    const inject = vi.spyOn(fakeBrowser.scripting, "executeScript").mockImplementation(async (injection) => {
      injected.push(injection);
      return [];
    });
    const engine = (sender = CHATGPT) => route({ type: "guard:engine" }, sender) as Promise<boolean>;
    // Not before the page was served its settings.
    expect(await engine()).toBe(false);
    await serve();
    expect(await engine()).toBe(true);
    expect(injected).toEqual([
      { target: { tabId: 7, documentIds: ["document-1"] }, injectImmediately: true, files: ["/guard-ui.js"] },
    ]);
    // Another document of the tab, another tab, a sender without a document (Firefox): nothing.
    expect(await engine(page("https://chatgpt.com/c/123", 7, "document-2"))).toBe(false);
    expect(await engine(page("https://chatgpt.com/c/123", 8))).toBe(false);
    const { documentId: _, ...firefox } = CHATGPT;
    expect(await engine(firefox)).toBe(false);
    expect(injected).toHaveLength(1);
    // The document is gone: the page is told, so it hands its paste on unchecked.
    inject.mockRejectedValueOnce(new Error("No document with id document-1"));
    expect(await engine()).toBe(false);
  });

  it("counts a warning and one answer to it, on the warning's day and policy version", async () => {
    const served = await serve();
    const session = served?.session as string;
    expect(await report({ session, check: CHECK, detectors: ["payment-card"], outcome: "warned" })).toBe(true);
    // The answer comes after midnight: it counts on the day of the warning.
    vi.setSystemTime(new Date("2026-11-21T00:10:00Z"));
    expect(await report({ session, check: CHECK, detectors: ["payment-card"], outcome: "pasted_anyway" })).toBe(true);
    expect(await report({ session, check: CHECK, detectors: ["payment-card"], outcome: "pasted_anyway" })).toBe(false);
    expect(await report({ session, check: CHECK, detectors: ["payment-card"], outcome: "removed" })).toBe(false);
    expect(await report({ session, check: CHECK, detectors: ["payment-card"], outcome: "warned" })).toBe(false);
    expect(await counts()).toEqual({
      "2026-11-20 chatgpt guard:payment-card:warned v5": 1,
      "2026-11-20 chatgpt guard:payment-card:pasted_anyway v5": 1,
    });
  });

  it("counts each detector the policy stops, under the paste's strictest action", async () => {
    const session = (await serve())?.session as string;
    // A key (block) and a card (warn): the paste is blocked, both are counted as blocked.
    const detectors = ["aws-access-key", "payment-card", "unscanned"] as const;
    expect(await report({ session, check: CHECK, detectors: [...detectors], outcome: "blocked" })).toBe(true);
    // A block needs no answer and takes none.
    expect(await report({ session, check: CHECK, detectors: ["aws-access-key"], outcome: "removed" })).toBe(false);
    expect(await counts()).toEqual({
      "2026-11-20 chatgpt guard:aws-access-key:blocked v5": 1,
      "2026-11-20 chatgpt guard:payment-card:blocked v5": 1,
      "2026-11-20 chatgpt guard:unscanned:blocked v5": 1,
    });
  });

  it("refuses outcomes the session's policy did not decide, and answers without a warning", async () => {
    const session = (await serve())?.session as string;
    const refused: GuardReport[] = [
      // The policy warns about cards: a block is not what it decided, nor a warning for a key.
      { session, check: CHECK, detectors: ["payment-card"], outcome: "blocked" },
      { session, check: CHECK, detectors: ["aws-access-key"], outcome: "warned" },
      // An answer to a warning never counted.
      { session, check: OTHER_CHECK, detectors: ["payment-card"], outcome: "pasted_anyway" },
      // A session that does not exist.
      { session: "33333333-3333-4333-8333-333333333333", check: CHECK, detectors: ["iban"], outcome: "warned" },
    ];
    for (const request of refused) expect(await report(request), JSON.stringify(request)).toBe(false);
    // The same session from another tab, or another document of the same tab.
    const warned: GuardReport = { session, check: CHECK, detectors: ["iban"], outcome: "warned" };
    expect(await report(warned, page("https://chatgpt.com/c/123", 8))).toBe(false);
    expect(await report(warned, page("https://chatgpt.com/c/123", 7, "document-2"))).toBe(false);
    expect(await counts()).toEqual({});
    expect(await report(warned)).toBe(true);
  });

  it("refuses malformed outcomes before any handler, and anything from the extension's own pages", async () => {
    const session = (await serve())?.session as string;
    const bad: unknown[] = [
      { type: "guard:outcome", session, check: CHECK, detectors: [], outcome: "warned" },
      { type: "guard:outcome", session, check: CHECK, detectors: ["credit-card"], outcome: "warned" },
      { type: "guard:outcome", session, check: CHECK, detectors: ["iban"], outcome: "ignored" },
      { type: "guard:outcome", session, check: CHECK, detectors: ["iban"], outcome: "warned", text: "DE89 3704" },
      { type: "guard:outcome", session, check: "x", detectors: ["iban"], outcome: "warned" },
    ];
    for (const message of bad) await expect(route(message, CHATGPT)).rejects.toThrow(RefusedMessage);
    const popup: Sender = { id: EXTENSION.id, url: `${EXTENSION.baseUrl}popup.html` };
    await expect(route({ type: "guard:get" }, popup)).rejects.toThrow(RefusedMessage);
    expect(await counts()).toEqual({});
  });

  it("keeps one session per tab and a bounded number of checks per session", async () => {
    const first = (await serve())?.session as string;
    const second = (await serve())?.session as string;
    expect(Object.keys(await guardSessions.getValue())).toEqual([second]);
    expect(await report({ session: first, check: CHECK, detectors: ["iban"], outcome: "warned" })).toBe(false);
    for (let i = 0; i < 30; i++) {
      const check = `${String(i).padStart(8, "0")}-1111-4111-8111-111111111111`;
      expect(await report({ session: second, check, detectors: ["iban"], outcome: "warned" })).toBe(true);
    }
    const session = (await guardSessions.getValue())[second];
    expect(Object.keys(session?.checks ?? {}).length).toBeLessThanOrEqual(20);
  });

  it("counts nothing while reporting is off, and still answers the page", async () => {
    await usePolicy({ ...POLICY });
    await local.options.setValue({ reporting: false });
    reportingChanged();
    const session = (await serve())?.session as string;
    expect(await report({ session, check: CHECK, detectors: ["iban"], outcome: "warned" })).toBe(true);
    expect(await counts()).toEqual({});
  });
});
