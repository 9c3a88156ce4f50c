import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { reportingChanged } from "../../extension/background/counting";
import { handlers } from "../../extension/background/handlers";
import { RefusedMessage, type Sender } from "../../extension/background/router";
import { tokenDigest } from "../../extension/lib/enrollment";
import type { ServedNudge } from "../../extension/lib/messages";
import { local } from "../../extension/lib/state";
import type { PolicyInput } from "../../shared/policy/schema";
import { countsByName } from "../support/counts";
import { freshDevice, usePolicy } from "./device-policy";
import { EXTENSION, page, route } from "./senders";

/*
 * The background's message router with its real handlers: who may send what, what a request
 * must look like, and the nudge tickets that make an answer count once, only from the tab and
 * document the nudge was served to, on the day and policy version it was shown under.
 */
const popup: Sender = { id: EXTENSION.id, url: `${EXTENSION.baseUrl}popup.html` };
const blockedPage: Sender = { id: EXTENSION.id, url: `${EXTENSION.baseUrl}blocked.html?tool=deepseek` };
const CHATGPT = page("https://chatgpt.com/c/123");

const POLICY: PolicyInput = {
  version: 3,
  name: "Router test policy",
  reasons: [{ id: "evaluating", label: "I am evaluating this tool" }],
  rules: [
    { id: "ack", when: { tools: ["chatgpt"] }, action: "acknowledge" },
    { id: "why", when: { tools: ["midjourney"] }, action: "justify" },
    { id: "note", when: { tools: ["perplexity"] }, action: "inform" },
  ],
  fallback: "allow",
};

/** Every count the device holds, each day apart. */
async function counts(): Promise<Record<string, number>> {
  return countsByName(await local.counters.getValue(), { byDay: true });
}

const serve = async (sender = CHATGPT) => (await route({ type: "nudge:get" }, sender)) as ServedNudge | null;

describe("the message router", () => {
  beforeEach(() => freshDevice(POLICY));
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it("refuses what is not a message of the protocol, and calls no handler", async () => {
    const spy = vi.spyOn(handlers, "nudge:answer");
    const ticket = "0".repeat(36);
    const malformed: Array<[unknown, Sender]> = [
      [null, CHATGPT],
      ["nudge:get", CHATGPT],
      [{ type: "nudge:everything" }, CHATGPT],
      [{ type: "toString" }, CHATGPT],
      [{ type: "nudge:answer", ticket: "x", answer: "acknowledged" }, CHATGPT],
      [{ type: "nudge:answer", ticket, answer: "nudge_shown" }, CHATGPT],
      [{ type: "nudge:answer", ticket, answer: "justified", reason: "Free text <b>" }, CHATGPT],
      [{ type: "nudge:get", extra: true }, CHATGPT],
      [{ type: "status:get", url: "x".repeat(5000) }, popup],
    ];
    for (const [message, sender] of malformed) {
      await expect(route(message, sender), JSON.stringify(message)).rejects.toBeInstanceOf(RefusedMessage);
    }
    expect(spy).not.toHaveBeenCalled();
    expect(await counts()).toEqual({});
  });

  it("accepts each message only from the kind of sender it is for", async () => {
    const refused = async (message: object, sender: Sender) =>
      expect(route(message, sender), `${JSON.stringify(message)} from ${sender.url}`).rejects.toBeInstanceOf(
        RefusedMessage,
      );
    await refused({ type: "nudge:get" }, popup);
    await refused({ type: "status:get" }, CHATGPT);
    await refused({ type: "report:flush" }, CHATGPT);
    await refused({ type: "blocked:event", tool: "deepseek", event: "review_requested" }, popup);
    await refused({ type: "blocked:event", tool: "deepseek", event: "blocked" }, CHATGPT);
    await refused({ type: "nudge:get" }, { ...CHATGPT, id: "another-extension" });
    await refused({ type: "nudge:get" }, { ...CHATGPT, frameId: 3 });
    expect(await route({ type: "blocked:event", tool: "deepseek", event: "blocked" }, blockedPage)).toBe(true);
    expect(await counts()).toEqual({ "2026-11-20 deepseek blocked v3": 1 });
  });

  it("counts an answer once, only against a nudge served and shown to that tab and document", async () => {
    const served = await serve();
    expect(served?.view.decision.action).toBe("acknowledge");
    const ticket = served?.ticket ?? "";
    const answer = (sender: Sender, given = "acknowledged") =>
      route({ type: "nudge:answer", ticket, answer: given }, sender);
    // Not yet shown: no answer counts.
    expect(await answer(CHATGPT)).toBe(false);
    expect(await route({ type: "nudge:shown", ticket }, CHATGPT)).toBe(true);
    expect(await route({ type: "nudge:shown", ticket }, CHATGPT)).toBe(false);
    // Another tab, another document of the same tab, an answer this nudge does not offer.
    expect(await answer(page("https://chatgpt.com/c/123", 8))).toBe(false);
    expect(await answer(page("https://chatgpt.com/c/123", 7, "document-2"))).toBe(false);
    expect(await answer(CHATGPT, "justified")).toBe(false);
    expect(await answer(CHATGPT, "dismissed")).toBe(false);
    expect(await answer(CHATGPT)).toBe(true);
    expect(await answer(CHATGPT)).toBe(false);
    expect(await route({ type: "nudge:answer", ticket: crypto.randomUUID(), answer: "acknowledged" }, CHATGPT)).toBe(
      false,
    );
    expect(await counts()).toEqual({ "2026-11-20 chatgpt nudge_shown v3": 1, "2026-11-20 chatgpt acknowledged v3": 1 });
    // Acknowledged for this version: no nudge on the next page, and the decision is recorded.
    expect(await serve()).toBeNull();
  });

  it("counts the answer on the day and policy version the nudge was shown under", async () => {
    vi.setSystemTime(new Date("2026-11-20T23:59:58Z"));
    const served = await serve();
    const ticket = served?.ticket ?? "";
    await route({ type: "nudge:shown", ticket }, CHATGPT);
    // Midnight passes and a new policy version arrives before the person answers.
    vi.setSystemTime(new Date("2026-11-21T00:00:03Z"));
    await usePolicy({ ...POLICY, version: 4 });
    expect(await route({ type: "nudge:answer", ticket, answer: "acknowledged" }, CHATGPT)).toBe(true);
    expect(await counts()).toEqual({ "2026-11-20 chatgpt nudge_shown v3": 1, "2026-11-20 chatgpt acknowledged v3": 1 });
  });

  it("shows a nudge again within its cooldown only when a new policy version changed what it says", async () => {
    const sender = page("https://www.perplexity.ai/search");
    const show = async () => {
      const served = await serve(sender);
      if (served) await route({ type: "nudge:shown", ticket: served.ticket }, sender);
      return served !== null;
    };
    expect(await show()).toBe(true);
    expect(await show()).toBe(false);
    // A new version that says the same of this tool keeps the cooldown.
    await usePolicy({ ...POLICY, version: 4 });
    expect(await show()).toBe(false);
    // One that says something else shows the new nudge at once.
    const rules = POLICY.rules.map((rule) =>
      rule.id === "note" ? { ...rule, message: "Now with a new rule." } : rule,
    );
    await usePolicy({ ...POLICY, version: 5, rules });
    expect(await show()).toBe(true);
    expect(await show()).toBe(false);
  });

  it("keeps only a reason from the policy's list", async () => {
    const sender = page("https://www.midjourney.com/imagine");
    const served = await serve(sender);
    const ticket = served?.ticket ?? "";
    await route({ type: "nudge:shown", ticket }, sender);
    expect(await route({ type: "nudge:answer", ticket, answer: "justified" }, sender)).toBe(false);
    expect(await route({ type: "nudge:answer", ticket, answer: "justified", reason: "made-up" }, sender)).toBe(false);
    expect(await route({ type: "nudge:answer", ticket, answer: "justified", reason: "evaluating" }, sender)).toBe(true);
    expect(await counts()).toMatchObject({
      "2026-11-20 midjourney justified v3": 1,
      "2026-11-20 midjourney reason:evaluating v3": 1,
    });
  });

  it("counts a page that removes or hides the nudge once, as tampering and never as an answer", async () => {
    const served = await serve();
    const ticket = served?.ticket ?? "";
    await route({ type: "nudge:shown", ticket }, CHATGPT);
    expect(await route({ type: "nudge:tampered", ticket }, CHATGPT)).toBe(true);
    expect(await route({ type: "nudge:tampered", ticket }, CHATGPT)).toBe(false);
    expect(await counts()).toEqual({
      "2026-11-20 chatgpt nudge_shown v3": 1,
      "2026-11-20 chatgpt nudge_tampered v3": 1,
    });
    // The nudge is put back; the person can still answer it.
    expect(await route({ type: "nudge:answer", ticket, answer: "acknowledged" }, CHATGPT)).toBe(true);
  });

  it("a new page in the tab replaces the tab's earlier nudge", async () => {
    const first = await serve();
    await route({ type: "nudge:shown", ticket: first?.ticket ?? "" }, CHATGPT);
    const second = await serve(page("https://chatgpt.com/c/456", 7, "document-2"));
    expect(second?.ticket).not.toBe(first?.ticket);
    expect(await route({ type: "nudge:answer", ticket: first?.ticket ?? "", answer: "acknowledged" }, CHATGPT)).toBe(
      false,
    );
  });

  it("counts nothing while the device is revoked", async () => {
    await local.revoked.setValue({ at: Date.now(), serverUrl: "", tokenDigest: await tokenDigest("") });
    reportingChanged();
    const served = await serve();
    await route({ type: "nudge:shown", ticket: served?.ticket ?? "" }, CHATGPT);
    expect(served).not.toBeNull();
    expect(await counts()).toEqual({});
  });
});
