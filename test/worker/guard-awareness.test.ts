import { beforeAll, describe, expect, it } from "vitest";
import { awarenessResponse, evidencePack } from "../../shared/admin";
import type { GuardCount } from "../../shared/protocol";
import { admin, enrollDevice, expectJson, report, today } from "./helpers";

/*
 * Sensitive-data warnings and what people did, in awareness and the evidence pack, on a known
 * population (storage is per test file, k = 5):
 *   6 devices warned about a card number in ChatGPT today; 5 of them took it back, 1 pasted
 *   anyway (and claims 250 warnings and answers: it still counts once);
 *   2 devices blocked pasting an AWS key into Claude (below k: withheld).
 */

const day = today();
const guard = (entries: Array<[string, GuardCount["detector"], GuardCount["outcome"], number]>): GuardCount[] =>
  entries.map(([tool, detector, outcome, n]) => ({ day, tool, detector, outcome, policyVersion: 1, n }));

beforeAll(async () => {
  for (let i = 0; i < 6; i++) {
    const { deviceToken } = await enrollDevice();
    const answer: GuardCount["outcome"] = i < 5 ? "removed" : "pasted_anyway";
    const n = i < 5 ? 1 : 250;
    const response = await report(deviceToken, {
      days: [],
      guard: guard([
        ["chatgpt", "payment-card", "warned", n],
        ["chatgpt", "payment-card", answer, n],
      ]),
    });
    if (response.status !== 200) throw new Error(await response.text());
  }
  for (let i = 0; i < 2; i++) {
    const { deviceToken } = await enrollDevice();
    const response = await report(deviceToken, {
      days: [],
      guard: guard([["claude", "aws-access-key", "blocked", 1]]),
    });
    if (response.status !== 200) throw new Error(await response.text());
  }
});

const PER_OUTCOME = { warned: 6, removed: 5, pasted_anyway: null, blocked: null };

describe("sensitive-data warnings in awareness and evidence", () => {
  it("awareness counts distinct devices per outcome and detector, withheld below k", async () => {
    const awareness = await expectJson(await admin("/awareness"), 200, awarenessResponse);
    expect(awareness.guard.outcomes).toEqual(PER_OUTCOME);
    expect(awareness.guard.byDetector).toEqual([
      { detector: "aws-access-key", warned: 0, removed: 0, pasted_anyway: 0, blocked: null },
      { detector: "payment-card", warned: 6, removed: 5, pasted_anyway: null, blocked: 0 },
    ]);
    expect(awareness.guard.to).toBe(day);
  });

  it("the evidence pack states how many warned devices took it back, with the section in every format", async () => {
    const pack = await expectJson(await admin("/evidence"), 200, evidencePack);
    const figure = pack.figures.find((entry) => entry.id === "guard-warnings-heeded");
    expect(figure).toMatchObject({ numerator: 5, denominator: 6, basis: "device-reports" });
    expect(figure?.statement).toMatch(/^5 of 6 devices warned about sensitive data/);
    expect(figure?.trust).toContain("page script");
    expect(pack.guard?.outcomes).toEqual(PER_OUTCOME);
    const csv = await (await admin("/evidence?format=csv")).text();
    expect(csv).toContain("guard-removed,payment-card: 5 devices took it back,5");
    expect(csv).toContain("aws-access-key: withheld (fewer than 5 devices)");
    const html = await (await admin("/evidence?format=html")).text();
    expect(html).toContain("Sensitive-data warnings in AI tools and what people did");
  });
});
