import { h, render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Checker, type CheckerDeps, type Choice } from "../../extension/guard/checker";
import { type GuardActions, GuardCard } from "../../extension/guard/GuardCard";
import type { GuardView } from "../../extension/guard/view";
import type { GuardPage, GuardReport } from "../../extension/lib/messages";
import { formatMessage, type Messages } from "../../extension/nudge/strings";
import de from "../../extension/public/_locales/de/messages.json";
import en from "../../extension/public/_locales/en/messages.json";
import { guardSettingsOf, guardTable } from "../../shared/policy/guard";
import { type PolicyInput, policySchema } from "../../shared/policy/schema";
import { pasteOf } from "../support/guard-timing";
import { pasted as transfer } from "./transfers";

/*
 * The guard on a page, without a browser: which pastes go on untouched inside their own
 * event, which are held, what the person is shown (masked, in their language) and what
 * becomes of the paste and of the counts after each answer.
 */
const POLICY: PolicyInput = {
  version: 2,
  name: "Guard page policy",
  reasons: [{ id: "public", label: "It is public already" }],
  rules: [],
  fallback: "allow",
  guard: {
    markings: [{ text: "CONFIDENTIAL" }],
    patterns: [{ id: "customer", label: "Customer number", pattern: "\\bK\\d{8}\\b" }],
    rules: [
      { id: "keys", when: { detectors: ["aws-access-key"] }, action: "block", message: "Never keys." },
      { id: "marks", when: { detectors: ["classification-marking"] }, action: "allow" },
    ],
    fallback: "warn",
    message: "Check first.",
  },
};
const policy = policySchema.parse(POLICY);
const tool = { id: "chatgpt", category: "chat" };
const PAGE: GuardPage = {
  session: "00000000-0000-4000-8000-000000000001",
  tool: { id: "chatgpt", name: "ChatGPT" },
  settings: guardSettingsOf(policy) as NonNullable<ReturnType<typeof guardSettingsOf>>,
  table: guardTable(policy, tool, undefined),
  patternLabels: { customer: "Customer number" },
  reasons: [{ id: "public", label: "It is public already" }],
  files: { read: true, maxBytes: 1_000_000 },
  policyVersion: 2,
  policyUrl: null,
};
const CARD = "4242 4242 4242 4242";

/**
 * A checker with the person's answer decided ahead. `now` defaults to a clock that stands
 * still, so a scan at once never runs out of time on a busy machine.
 */
function harness(choice: Choice, page: GuardPage | null | undefined = PAGE, now = () => 0) {
  const reports: GuardReport[] = [];
  const views: GuardView[] = [];
  let ids = 0;
  let paused = 0;
  const deps: CheckerDeps = {
    page: () => page,
    settled: async () => page ?? null,
    report: (report) => reports.push(report),
    ask: async (view) => {
      views.push(view);
      return choice;
    },
    now,
    pause: () => {
      paused++;
      return new Promise((resolve) => setTimeout(resolve, 0));
    },
    newId: () => `check-${++ids}`,
  };
  return { checker: new Checker(deps), reports, views, pauses: () => paused };
}

/** Waits until the held transfer was delivered or discarded. */
async function settledOf(done: { delivered: number; discarded: number }): Promise<void> {
  await vi.waitFor(() => expect(done.delivered + done.discarded).toBe(1), { timeout: 5_000 });
}

describe("the guard on a page", () => {
  it("lets a harmless paste go on untouched, inside its own event", () => {
    const { checker, reports, views } = harness("removed");
    const { value, done } = transfer("Meeting notes: ship v2 on 2026-12-01, budget 4,200 EUR, ticket #4242.");
    expect(checker.check(value)).toBe("pass");
    // Allowed by the policy is not stopped either: a marking alone.
    expect(checker.check(transfer("CONFIDENTIAL draft").value)).toBe("pass");
    expect({ reports, views, done }).toEqual({ reports: [], views: [], done: { delivered: 0, discarded: 0 } });
  });

  it("holds a card number, shows it masked, counts the warning and the paste anyway, then delivers it", async () => {
    const { checker, reports, views } = harness("pasted_anyway");
    const { value, done } = transfer(`Please charge ${CARD} and K12345678 today. CONFIDENTIAL`);
    expect(checker.check(value)).toBe("hold");
    await settledOf(done);
    expect(done).toEqual({ delivered: 1, discarded: 0 });
    expect(views).toEqual([
      expect.objectContaining({
        kind: "paste",
        action: "warn",
        message: "Check first.",
        found: [
          { detector: "payment-card", label: null, preview: "•••• •••• •••• 4242" },
          { detector: "org-pattern", label: "Customer number", preview: expect.stringMatching(/^K.*•/) },
        ],
        unscanned: false,
      }),
    ]);
    // Nothing of the text travels: detectors and the outcome only.
    const detectors = ["payment-card", "classification-marking", "org-pattern"];
    expect(reports).toEqual([
      { session: PAGE.session, check: "check-1", detectors: expect.arrayContaining(detectors), outcome: "warned" },
      {
        session: PAGE.session,
        check: "check-1",
        detectors: expect.arrayContaining(detectors),
        outcome: "pasted_anyway",
      },
    ]);
    expect(JSON.stringify(reports)).not.toMatch(/4242|K1234/);
  });

  it("takes the paste back when the person removes it, and blocks what the policy blocks", async () => {
    const removed = harness("removed");
    const card = transfer(`card ${CARD}`);
    removed.checker.check(card.value);
    await settledOf(card.done);
    expect(card.done).toEqual({ delivered: 0, discarded: 1 });
    expect(removed.reports.map((r) => r.outcome)).toEqual(["warned", "removed"]);

    const blocked = harness("closed");
    const key = transfer("aws_access_key_id = AKIAQYLPMN5HFIQR7XYZ");
    expect(blocked.checker.check(key.value)).toBe("hold");
    await settledOf(key.done);
    expect(key.done).toEqual({ delivered: 0, discarded: 1 });
    expect(blocked.views[0]).toMatchObject({ action: "block", message: "Never keys." });
    expect(blocked.reports.map((r) => r.outcome)).toEqual(["blocked"]);
  });

  it("holds a paste too long to scan at once, scans the rest in slices, then decides", async () => {
    const { checker, views, reports, pauses } = harness("removed", PAGE, () => performance.now());
    // Three megabytes of business text with a token or an IBAN every 20 KB.
    const { value, done } = transfer(pasteOf(3_000_000, 5));
    expect(checker.check(value)).toBe("hold");
    await settledOf(done);
    expect(pauses()).toBeGreaterThan(0);
    expect(done).toEqual({ delivered: 0, discarded: 1 });
    expect(views[0]?.found.length).toBe(5);
    // How far the scan gets within its time budget depends on the machine's load: past the
    // budget the rest counts as unscanned, never as clean.
    expect(views[0]?.more).toBeGreaterThan(0);
    expect(views[0]?.unscanned || (views[0]?.more ?? 0) > 100).toBe(true);
    expect(reports.map((report) => report.outcome)).toEqual(["warned", "removed"]);
  });

  it("reads a pasted text file only where the policy allows, and never other files", async () => {
    const secret = new File([`customer card ${CARD}`], "cards.csv", { type: "text/csv" });
    const photo = new File([`looks like ${CARD}`], "photo.jpg", { type: "image/jpeg" });
    const { checker, views } = harness("removed");
    const withFile = transfer("", [secret]);
    expect(checker.check(withFile.value)).toBe("hold");
    await settledOf(withFile.done);
    expect(views[0]?.found.map((hit) => hit.detector)).toEqual(["payment-card"]);
    // A photo is not opened: the paste goes on untouched.
    expect(checker.check(transfer("", [photo]).value)).toBe("pass");
    // A policy that reads no files passes the CSV untouched too.
    const noFiles = harness("removed", { ...PAGE, files: { read: false, maxBytes: 0 } });
    expect(noFiles.checker.check(transfer("", [secret]).value)).toBe("pass");
  });

  it("holds what comes before the settings arrive, and hands it on when the guard is off there", async () => {
    let page: GuardPage | null | undefined;
    const reports: GuardReport[] = [];
    const checker = new Checker({
      page: () => page,
      settled: async () => {
        page = null;
        return null;
      },
      report: (report) => reports.push(report),
      ask: async () => "removed",
      now: () => performance.now(),
      pause: async () => {},
      newId: () => "check",
    });
    const { value, done } = transfer(`card ${CARD}`);
    expect(checker.check(value)).toBe("hold");
    await settledOf(done);
    expect(done).toEqual({ delivered: 1, discarded: 0 });
    expect(checker.check(transfer(`card ${CARD}`).value)).toBe("pass");
    expect(reports).toEqual([]);
  });
});

describe("the guard's warning", () => {
  afterEach(() => {
    document.body.innerHTML = "";
  });
  const view: GuardView = {
    kind: "paste",
    action: "warn",
    message: "Check first.",
    requireReason: true,
    reasons: [{ id: "public", label: "It is public already" }],
    found: [{ detector: "payment-card", label: null, preview: "•••• •••• •••• 4242" }],
    more: 2,
    unscanned: true,
    toolName: "ChatGPT",
    policyUrl: "https://intranet.example.com/ai",
    policyVersion: 2,
  };
  const mount = (messages: Messages, shown: GuardView, actions?: GuardActions) => {
    const root = document.createElement("div");
    document.body.append(root);
    render(h(GuardCard, { view: shown, t: formatMessage(messages), ...(actions ? { actions } : {}) }), root);
    return root;
  };

  it("says what it found, masked, and what the person can do, in English and German", () => {
    const english = mount(en as Messages, view, { accept: () => true, choose: vi.fn() });
    expect(english.querySelector("h2")?.textContent).toBe("Check before you share this with ChatGPT");
    expect(english.querySelector(".found")?.textContent).toBe("Payment card number •••• •••• •••• 4242");
    expect(english.textContent).toContain("… and 2 more");
    expect(english.textContent).toContain("Part of it was too long to check on this device.");
    expect([...english.querySelectorAll("button")].map((b) => b.textContent)).toEqual(["Don't paste", "Paste anyway"]);
    const german = mount(de as Messages, { ...view, kind: "files", action: "block", requireReason: false });
    expect(german.querySelector("h2")?.textContent).toBe("Das darf nicht mit ChatGPT geteilt werden");
    expect(german.querySelector(".found")?.textContent).toBe("Kartennummer •••• •••• •••• 4242");
    expect([...german.querySelectorAll("button")].map((b) => b.textContent)).toEqual(["OK"]);
  });

  it("asks for a reason before pasting anyway, and ignores gestures it does not accept", async () => {
    const choose = vi.fn();
    const root = mount(en as Messages, view, { accept: (event) => event.isTrusted, choose });
    const anyway = root.querySelector<HTMLButtonElement>('button[data-does="pasted_anyway"]');
    expect(anyway?.disabled).toBe(true);
    // A script's click is never trusted.
    root.querySelector<HTMLButtonElement>('button[data-does="removed"]')?.click();
    expect(choose).not.toHaveBeenCalled();
    const trusting = mount(en as Messages, view, { accept: () => true, choose });
    await act(() => {
      trusting.querySelector<HTMLInputElement>('input[value="public"]')?.click();
    });
    const enabled = trusting.querySelector<HTMLButtonElement>('button[data-does="pasted_anyway"]');
    expect(enabled?.disabled).toBe(false);
    enabled?.click();
    expect(choose).toHaveBeenCalledWith("pasted_anyway");
  });
});
