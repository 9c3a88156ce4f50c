import { beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { reportingChanged } from "../../extension/background/counting";
import { browserNotice, noticeBrowser, noticeDue } from "../../extension/background/discovery/browser-notice";
import { flushEmbeds, observeRequest, runCensus } from "../../extension/background/discovery/index";
import { catalog } from "../../extension/lib/catalog";
import { entriesOf } from "../../extension/lib/counters";
import { bundledPolicy } from "../../extension/lib/policy-cache";
import { local } from "../../extension/lib/state";
import { evaluatePolicy } from "../../shared/policy/evaluate";
import type { Policy } from "../../shared/policy/schema";
import { countName } from "../support/counts";

/*
 * Discovery wired to storage and the browser's APIs (WXT's fake browser): the census reads the
 * list only when the settings allow it, counts land in the one counter book, and an AI browser
 * the policy does not allow gets its notice at most once a day.
 */
const NOW = Date.parse("2026-11-20T10:00:00Z");
const CHATGPTBOX = "eobbhoofkanlmddnplfhnmkfbnlhpbbo";

const comet = () => {
  const entry = catalog().toolsById.get("comet");
  if (entry?.kind !== "browser") throw new Error("the catalog has no AI browser comet");
  return entry;
};
const names = async () => entriesOf(await local.counters.getValue()).map((e) => `${countName(e.count)} ${e.n}`);

describe("the census, as the background runs it", () => {
  let getAll: ReturnType<typeof vi.fn>;
  beforeEach(() => {
    fakeBrowser.reset();
    reportingChanged();
    getAll = vi.fn(async () => [
      { id: CHATGPTBOX, name: "ChatGPTBox", enabled: false, type: "extension" },
      { id: "b".repeat(32), name: "AI Helper", enabled: true, type: "extension" },
    ]);
    (fakeBrowser.management as unknown as { getAll: typeof getAll }).getAll = getAll;
  });

  it("counts into the counter book, and a later reading can only raise a presence", async () => {
    expect(await runCensus(NOW)).toBe(true);
    expect(await names()).toEqual(["extension:chatgptbox 1", "unknownExtensions: 1"]);
    getAll.mockResolvedValueOnce([{ id: CHATGPTBOX, name: "ChatGPTBox", enabled: true, type: "extension" }]);
    await runCensus(NOW + 60_000);
    expect(await names()).toEqual(["extension:chatgptbox 2", "unknownExtensions: 1"]);
    expect((await local.discovery.getValue()).censusDay).toBe("2026-11-20");
  });

  it("never reads the list when a setting turns the census off", async () => {
    await local.options.setValue({ extensionCensus: false });
    expect(await runCensus(NOW)).toBe(false);
    expect(getAll).not.toHaveBeenCalled();
    expect(await names()).toEqual([]);
    expect(await local.discovery.getValue()).toMatchObject({ censusDay: "2026-11-20", censusOff: true });
  });

  it("managed settings win: the census stays off even if the options page turns it on", async () => {
    await local.options.setValue({ extensionCensus: true });
    await fakeBrowser.storage.managed.set({ extensionCensus: false });
    expect(await runCensus(NOW)).toBe(false);
    expect(getAll).not.toHaveBeenCalled();
  });

  it("counts nothing while reporting is off", async () => {
    await local.options.setValue({ reporting: false });
    await runCensus(NOW);
    expect(await names()).toEqual([]);
  });

  it("tallies embeds in memory and writes them in one go", async () => {
    for (let i = 0; i < 3; i++) {
      observeRequest(
        { url: "https://api.openai.com/v1/x", type: "xmlhttprequest", initiator: "https://a.shop.com" },
        NOW,
      );
    }
    observeRequest({ url: "https://api.openai.com/v1/x", initiator: "https://chatgpt.com" }, NOW);
    await flushEmbeds();
    // The calling site is also an unknown AI candidate (test/extension/candidate-signals.test.ts).
    expect((await names()).sort()).toEqual([
      "embed:shop.com openai-platform 3",
      "shop.com 1",
      "shop.com signal:aiApi 1",
    ]);
  });
});

describe("the AI browser notice", () => {
  const policy = (action: "allow" | "redirect" | "block"): Policy => ({
    ...(bundledPolicy.policy as Policy),
    rules: [
      {
        id: "approved-browser",
        when: { kinds: ["browser"] },
        action,
        message: "Please use the approved browser for work.",
        cooldownHours: 1,
      },
    ],
  });
  const usePolicy = (action: "allow" | "redirect" | "block") =>
    local.policy.setValue({ etag: null, response: { ...bundledPolicy, policy: policy(action) }, fetchedAt: NOW });

  beforeEach(() => fakeBrowser.reset());

  it("is due at most once a day, never when the policy allows the browser", () => {
    const decision = evaluatePolicy(policy("redirect"), comet());
    expect(noticeDue(decision, undefined, NOW)).toBe(true);
    expect(noticeDue(decision, NOW - 3_600_000, NOW)).toBe(false);
    expect(noticeDue(decision, NOW - 24 * 3_600_000, NOW)).toBe(true);
    const allowed = evaluatePolicy(policy("allow"), comet());
    expect(noticeDue(allowed, undefined, NOW)).toBe(false);
  });

  it("opens the notice page with the rule's message for a browser the policy does not allow", async () => {
    await usePolicy("redirect");
    const opened = vi.spyOn(fakeBrowser.tabs, "create");
    expect(await noticeBrowser("comet", NOW)).toBe(true);
    expect(opened).toHaveBeenCalledTimes(1);
    expect(await noticeBrowser("comet", NOW + 60_000)).toBe(false);
    await local.discovery.setValue({ censusDay: null, browserDay: "2026-11-20", browser: "comet" });
    const view = await browserNotice();
    expect(view?.decision.message).toBe("Please use the approved browser for work.");
    await usePolicy("allow");
    expect(await browserNotice()).toBeNull();
  });

  it("shows nothing when no AI browser was recognized", async () => {
    await usePolicy("block");
    expect(await browserNotice()).toBeNull();
  });
});
