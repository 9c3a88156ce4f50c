import fc from "fast-check";
import { describe, expect, it } from "vitest";
import defaultPolicy from "../../../policies/default-policy.json";
import { REVIEW_STATUSES } from "../../../shared/events";
import { DETECTOR_IDS } from "../../../shared/guard/ids";
import { prepareGuard, scan } from "../../../shared/guard/scan";
import { LIMITS } from "../../../shared/limits";
import { evaluateGuard, guardSettingsOf, guardTable } from "../../../shared/policy/guard";
import { decideGuard } from "../../../shared/policy/guard-table";
import { describeIssues, GUARD_ACTIONS, type Policy, policySchema } from "../../../shared/policy/schema";

const base = { version: 4, name: "Test policy", rules: [] };
const chat = { id: "chatgpt", category: "chat" };
const coding = { id: "copilot", category: "coding" };

const policy: Policy = policySchema.parse({
  ...base,
  reasons: [{ id: "public", label: "Only public information" }],
  guard: {
    markings: [{ text: "CONFIDENTIAL" }],
    patterns: [{ id: "project-codes", label: "Project code", pattern: "PRJ-\\d{6}" }],
    rules: [
      { id: "keys", when: { detectors: ["private-key", "aws-access-key"] }, action: "block", message: "No keys." },
      { id: "banned", when: { statuses: ["banned"] }, action: "block" },
      { id: "coding-codes", when: { categories: ["coding"], detectors: ["org-pattern"] }, action: "allow" },
      { id: "approved", when: { statuses: ["approved"] }, action: "allow" },
      {
        id: "unreviewed",
        when: { statuses: ["unreviewed"] },
        action: "warn",
        message: "Careful.",
        requireReason: true,
      },
    ],
    fallback: "warn",
    message: "Check the policy.",
    unscanned: "block",
  },
});

describe("the guard section of the policy", () => {
  it("is optional: a policy written before it stays valid and turns the guard off", () => {
    const old = policySchema.parse(base);
    expect(old.guard).toBeUndefined();
    expect(guardSettingsOf(old)).toBeNull();
    expect(evaluateGuard(old, chat, undefined, { detectors: ["payment-card"], complete: true })).toMatchObject({
      action: "allow",
      ruleId: "off",
    });
  });

  it("fills in defaults and maps to what the scanner needs", () => {
    const parsed = policySchema.parse({ ...base, guard: {} });
    expect(parsed.guard).toEqual({
      enabled: true,
      emailListMin: 10,
      markings: [],
      patterns: [],
      rules: [],
      fallback: "warn",
      unscanned: "warn",
      files: { read: true, maxBytes: LIMITS.guardFileDefaultBytes },
    });
    expect(guardSettingsOf(parsed)).toEqual({ detectors: DETECTOR_IDS, emailListMin: 10, markings: [], patterns: [] });
    expect(guardSettingsOf(policySchema.parse({ ...base, guard: { enabled: false } }))).toBeNull();
  });

  it("validates the default policy's guard, which finds its markings", () => {
    const parsed = policySchema.parse(defaultPolicy);
    const settings = guardSettingsOf(parsed);
    expect(settings).not.toBeNull();
    const hits = scan("STRICTLY CONFIDENTIAL: card 4242 4242 4242 4242", prepareGuard(settings as never)).hits;
    expect(hits.map((hit) => hit.detector)).toEqual(["classification-marking", "payment-card"]);
  });

  it("names the field of every problem", () => {
    const result = policySchema.safeParse({
      ...base,
      guard: {
        detectors: ["payment-card", "tarot-cards"],
        emailListMin: 1,
        markings: [{ text: "  " }, { text: "SECRET" }, { text: "SECRET " }],
        patterns: [
          { id: "codes", label: "Codes", pattern: "A+" },
          { id: "codes", label: "Codes again", pattern: "(?<=x)y" },
        ],
        rules: [
          { id: "one", when: {}, action: "warn", requireReason: true },
          { id: "one", when: { detectors: ["nope"] }, action: "shout" },
        ],
        fallback: "ignore",
      },
    });
    expect(result.success).toBe(false);
    expect(result.success ? [] : describeIssues(result.error)).toEqual([
      'guard.detectors.1: Invalid option: expected one of "payment-card"|"iban"|"us-ssn"|"de-tax-id"|"uk-nino"|"nl-bsn"|"fr-nir"|"es-dni"|"it-fiscal-code"|"aws-access-key"|"google-api-key"|"azure-storage-key"|"github-token"|"gitlab-token"|"slack-token"|"stripe-key"|"openai-api-key"|"anthropic-api-key"|"huggingface-token"|"private-key"|"jwt"|"email-list"|"classification-marking"|"org-pattern"',
      "guard.emailListMin: Too small: expected number to be >=2",
      "guard.markings.0.text: a marking needs at least one visible character",
      'guard.rules.1.when.detectors.0: Invalid option: expected one of "payment-card"|"iban"|"us-ssn"|"de-tax-id"|"uk-nino"|"nl-bsn"|"fr-nir"|"es-dni"|"it-fiscal-code"|"aws-access-key"|"google-api-key"|"azure-storage-key"|"github-token"|"gitlab-token"|"slack-token"|"stripe-key"|"openai-api-key"|"anthropic-api-key"|"huggingface-token"|"private-key"|"jwt"|"email-list"|"classification-marking"|"org-pattern"',
      'guard.rules.1.action: Invalid option: expected one of "allow"|"warn"|"block"',
      'guard.fallback: Invalid option: expected one of "allow"|"warn"|"block"',
    ]);
    const crossField = policySchema.safeParse({
      ...base,
      guard: {
        markings: [{ text: "SECRET" }, { text: "SECRET " }],
        patterns: [
          { id: "codes", label: "Codes", pattern: "A+" },
          { id: "codes", label: "Codes again", pattern: "(?<=x)y" },
        ],
        rules: [
          { id: "one", when: {}, action: "warn", requireReason: true },
          { id: "one", when: {}, action: "block" },
        ],
      },
    });
    expect(crossField.success ? [] : describeIssues(crossField.error)).toEqual([
      "guard.rules.1.id: duplicate guard rule id",
      "guard.rules.0.requireReason: asking for a reason needs the policy's reasons",
      "guard.patterns.1.id: duplicate pattern id",
      "guard.patterns.1.pattern: at 2: only (...) and (?:...) groups are supported (no lookaround)",
      "guard.markings.1.text: duplicate marking",
    ]);
  });
});

describe("evaluateGuard", () => {
  const decide = (tool: typeof chat, status: (typeof REVIEW_STATUSES)[number], detectors: string[], complete = true) =>
    evaluateGuard(policy, tool, { status }, { detectors: detectors as never, complete });

  it("allows a paste with no hits", () => {
    expect(decide(chat, "unreviewed", [])).toMatchObject({ action: "allow", ruleId: "none", detectors: [] });
  });

  it("decides each detector by the first rule that applies and takes the strictest", () => {
    expect(decide(chat, "approved", ["payment-card"])).toMatchObject({ action: "allow", ruleId: "approved" });
    expect(decide(chat, "approved", ["payment-card", "private-key"])).toMatchObject({
      action: "block",
      ruleId: "keys",
      message: "No keys.",
      detectors: [
        { detector: "payment-card", action: "allow", ruleId: "approved" },
        { detector: "private-key", action: "block", ruleId: "keys" },
      ],
    });
    expect(decide(coding, "unreviewed", ["org-pattern"])).toMatchObject({ action: "allow", ruleId: "coding-codes" });
    expect(decide(chat, "unreviewed", ["org-pattern"])).toMatchObject({
      action: "warn",
      ruleId: "unreviewed",
      message: "Careful.",
      requireReason: true,
    });
    expect(decide(chat, "banned", ["email-list"])).toMatchObject({
      action: "block",
      ruleId: "banned",
      message: "Check the policy.",
    });
    expect(decide(chat, "restricted", ["iban"])).toMatchObject({
      action: "warn",
      ruleId: "fallback",
      requireReason: false,
    });
  });

  it("applies the unscanned action to a paste it could not read to the end", () => {
    expect(decide(chat, "approved", [], false)).toMatchObject({ action: "block", ruleId: "unscanned" });
    expect(decide(chat, "approved", ["private-key"], false)).toMatchObject({ action: "block", ruleId: "keys" });
  });

  it("always decides one of the actions, and never less strict than any detector's own (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(chat, coding),
        fc.constantFrom(...REVIEW_STATUSES),
        fc.subarray([...DETECTOR_IDS]),
        fc.boolean(),
        (tool, status, detectors, complete) => {
          const decision = evaluateGuard(policy, tool, { status }, { detectors, complete });
          expect(GUARD_ACTIONS).toContain(decision.action);
          const rank = GUARD_ACTIONS.indexOf(decision.action);
          for (const entry of decision.detectors) expect(GUARD_ACTIONS.indexOf(entry.action)).toBeLessThanOrEqual(rank);
          expect(decision.detectors.map((entry) => entry.detector)).toEqual(detectors);
          expect(decision.policyVersion).toBe(4);
        },
      ),
    );
  });
});

describe("the page's table of guard decisions", () => {
  it("decides every paste exactly as the policy does (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(policy, policySchema.parse(defaultPolicy)),
        fc.constantFrom(chat, coding),
        fc.constantFrom(...REVIEW_STATUSES),
        fc.shuffledSubarray([...DETECTOR_IDS]),
        fc.boolean(),
        (which, tool, status, detectors, complete) => {
          const expected = evaluateGuard(which, tool, { status }, { detectors, complete });
          const decided = decideGuard(guardTable(which, tool, { status }), { detectors, complete });
          const { action, ruleId, message, requireReason } = expected;
          expect(decided).toMatchObject({ action, ruleId, message, requireReason });
          const counted = expected.detectors.filter((entry) => entry.action !== "allow").map((entry) => entry.detector);
          const unscanned = complete || which.guard?.unscanned === "allow" ? [] : ["unscanned"];
          expect(decided.counted).toEqual([...counted, ...unscanned]);
        },
      ),
    );
  });

  it("is empty when the guard is off, so nothing is ever decided", () => {
    const off = policySchema.parse({ ...base, guard: { enabled: false } });
    expect(guardTable(off, chat, undefined)).toEqual({});
    expect(decideGuard({}, { detectors: ["payment-card"], complete: false })).toMatchObject({ action: "allow" });
  });
});
