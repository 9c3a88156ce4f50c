import { beforeEach, describe, expect, it } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { noteCandidate, noteSignIn, reportingChanged } from "../../extension/background/counting";
import { flushEmbeds, observeRequest } from "../../extension/background/discovery/index";
import {
  countCodec,
  countOfRefusal,
  entriesOf,
  markSent,
  nextBatch,
  pendingEntries,
  refusalSubject,
  toReport,
} from "../../extension/lib/counters";
import { local } from "../../extension/lib/state";
import { LIMITS } from "../../shared/limits";
import { reportRequest } from "../../shared/protocol";
import { countName } from "../support/counts";

/*
 * Candidate signals as the background records them: one visit tally per site and day plus a
 * presence per signal, all in the one counter book, sent as one entry per site and day.
 */
const NOW = Date.parse("2026-11-20T10:00:00Z");
const DAY = "2026-11-20";
const names = async () =>
  entriesOf(await local.counters.getValue())
    .map((e) => `${countName(e.count)} ${e.n}`)
    .sort();
const queued = async () => toReport(pendingEntries(await local.counters.getValue(), await local.sent.getValue()));

beforeEach(() => {
  fakeBrowser.reset();
  reportingChanged();
});

describe("signals in the counter book", () => {
  it("counts page loads as visits and an API call or sign-in as seen once", async () => {
    await noteCandidate({ domain: "newtool.ai", signals: ["hostname"] }, "visit", NOW);
    await noteCandidate({ domain: "newtool.ai", signals: ["hostname"] }, "visit", NOW);
    await noteCandidate({ domain: "newtool.ai", signals: ["aiApi"] }, "seen", NOW);
    await noteCandidate({ domain: "shop.com", signals: ["aiApi"] }, "seen", NOW);
    await noteCandidate({ domain: "shop.com", signals: ["aiApi"] }, "seen", NOW);
    expect(await names()).toEqual([
      "newtool.ai 2",
      "newtool.ai signal:aiApi 1",
      "newtool.ai signal:hostname 1",
      "shop.com 1",
      "shop.com signal:aiApi 1",
    ]);
    const report = await queued();
    expect(report.candidates).toEqual([
      { day: DAY, domain: "newtool.ai", n: 2, signals: ["hostname", "aiApi"] },
      { day: DAY, domain: "shop.com", n: 1, signals: ["aiApi"] },
    ]);
    expect(reportRequest.safeParse(report).success).toBe(true);
  });

  it("sends a signal that came after the visits were acknowledged, with n = 1 for the max-merge", async () => {
    await noteCandidate({ domain: "newtool.ai", signals: ["hostname"] }, "visit", NOW);
    await noteCandidate({ domain: "newtool.ai", signals: ["hostname"] }, "visit", NOW);
    const first = pendingEntries(await local.counters.getValue(), {});
    await local.sent.setValue(markSent({}, first));
    await noteCandidate({ domain: "newtool.ai", signals: ["aiApi"] }, "seen", NOW);
    expect((await queued()).candidates).toEqual([{ day: DAY, domain: "newtool.ai", n: 1, signals: ["aiApi"] }]);
  });

  it("keeps a site's signals in the same report entry under the per-report cap", async () => {
    const book: Record<string, number> = {};
    for (let i = 0; i < LIMITS.maxCountersPerDay + 5; i++) {
      book[countCodec.encode({ kind: "candidate", domain: `site${i}.ai` })] = 1;
      book[countCodec.encode({ kind: "candidate", domain: `site${i}.ai`, signal: "hostname" })] = 1;
    }
    const batch = nextBatch(pendingEntries({ [DAY]: book }, {}));
    expect(batch).toHaveLength(2 * LIMITS.maxCountersPerDay);
    const report = toReport(batch);
    expect(report.candidates).toHaveLength(LIMITS.maxCountersPerDay);
    expect(report.candidates?.every((c) => c.signals?.join() === "hostname")).toBe(true);
  });

  it("sets a site's signals aside with its visits when the server refuses the site", () => {
    const named = countOfRefusal({
      kind: "candidate",
      day: DAY,
      domain: "newtool.ai",
      reason: "invalid_domain",
      message: "x",
    });
    const signal = refusalSubject({ kind: "candidate", domain: "newtool.ai", signal: "aiVendor" });
    expect(countCodec.encode(signal)).toBe(countCodec.encode(named?.count ?? signal));
    expect(countCodec.decode("d\tnewtool.ai\tmadeUp")).toBeNull();
  });

  it("counts nothing while reporting is off", async () => {
    await local.options.setValue({ reporting: false });
    await noteCandidate({ domain: "newtool.ai", signals: ["hostname"] }, "visit", NOW);
    expect(await names()).toEqual([]);
  });
});

describe("AI API calls from a site outside the catalog", () => {
  it("makes the calling site a candidate with the aiApi signal, besides the embed", async () => {
    observeRequest(
      { url: "https://api.openai.com/v1/x", type: "xmlhttprequest", initiator: "https://a.shop.com" },
      NOW,
    );
    await flushEmbeds();
    expect(await names()).toEqual(["embed:shop.com openai-platform 1", "shop.com 1", "shop.com signal:aiApi 1"]);
  });

  it("does not when the calling site is one the catalog knows (a tool, a path rule's host)", async () => {
    observeRequest({ url: "https://api.openai.com/v1/x", initiator: "https://chatgpt.com" }, NOW);
    observeRequest({ url: "https://api.openai.com/v1/x", initiator: "https://github.com" }, NOW);
    await flushEmbeds();
    expect(await names()).toEqual(["embed:github.com openai-platform 1"]);
  });
});

describe("sign-ins join a candidate only with another signal", () => {
  it("keeps a sign-in alone on the device, and adds it when another signal names the site that day", async () => {
    await noteSignIn({ domain: "newtool.io", signals: [] }, NOW);
    expect(await names()).toEqual([]);
    expect(await local.signIns.getValue()).toEqual({ day: DAY, domains: ["newtool.io"] });
    expect((await queued()).candidates).toBeUndefined();
    await noteCandidate({ domain: "newtool.io", signals: ["aiApi"] }, "seen", NOW + 60_000);
    expect(await names()).toEqual(["newtool.io 1", "newtool.io signal:aiApi 1", "newtool.io signal:oauth 1"]);
    expect((await local.signIns.getValue()).domains).toEqual([]);
  });

  it("joins at once a site already a candidate today, or one whose own name is AI", async () => {
    await noteCandidate({ domain: "shop.com", signals: ["aiApi"] }, "seen", NOW);
    await noteSignIn({ domain: "shop.com", signals: [] }, NOW);
    await noteSignIn({ domain: "helper.ai", signals: ["hostname"] }, NOW);
    expect(await names()).toEqual([
      "helper.ai 1",
      "helper.ai signal:hostname 1",
      "helper.ai signal:oauth 1",
      "shop.com 1",
      "shop.com signal:aiApi 1",
      "shop.com signal:oauth 1",
    ]);
  });

  it("forgets a lone sign-in the next day", async () => {
    await noteSignIn({ domain: "newtool.io", signals: [] }, NOW);
    await noteCandidate({ domain: "newtool.io", signals: ["aiApi"] }, "seen", NOW + 24 * 3_600_000);
    expect(await names()).toEqual(["newtool.io 1", "newtool.io signal:aiApi 1"]);
  });
});
