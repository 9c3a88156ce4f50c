import { describe, expect, it, vi } from "vitest";
import { Checker } from "../../extension/guard/checker";
import { type GuardEngine, type GuardState, type StartEngine, TransferGate } from "../../extension/guard/listen";
import type { GuardPage, GuardReport } from "../../extension/lib/messages";
import { guardSettingsOf, guardTable } from "../../shared/policy/guard";
import { policySchema } from "../../shared/policy/schema";
import { pasted } from "./transfers";

/*
 * The guard's listener without a browser: before its engine (the detectors and the warning) is
 * there, it holds what the engine must see and loads it once; the held transfers then go to the
 * engine in the order the person made them, and everything later is decided inside its event.
 * The engine here is the real checker; only the person's answer is decided ahead.
 */
const policy = policySchema.parse({
  version: 3,
  name: "Listener policy",
  reasons: [],
  rules: [],
  fallback: "allow",
  guard: { rules: [{ id: "cards", when: { detectors: ["payment-card"] }, action: "warn" }], fallback: "allow" },
});
const PAGE: GuardPage = {
  session: "00000000-0000-4000-8000-000000000003",
  tool: { id: "chatgpt", name: "ChatGPT" },
  settings: guardSettingsOf(policy) as NonNullable<ReturnType<typeof guardSettingsOf>>,
  table: guardTable(policy, { id: "chatgpt", category: "chat" }, undefined),
  patternLabels: {},
  reasons: [],
  files: { read: true, maxBytes: 1_000_000 },
  policyVersion: 3,
  policyUrl: null,
};
const CARD = "4242 4242 4242 4242";
const HARMLESS = "Summarize the notes of Tuesday's meeting in three bullet points.";

function checkerEngine(state: GuardState, reports: GuardReport[]): GuardEngine {
  const checker = new Checker({
    page: state.page,
    settled: state.settled,
    report: (report) => reports.push(report),
    ask: async () => "removed",
    now: () => 0,
    pause: async () => {},
    newId: () => "00000000-0000-4000-8000-00000000000c",
  });
  return { check: (transfer) => checker.check(transfer), owns: () => false, warm: () => checker.warm() };
}

/** A gate whose engine loads when `arrive` is called (or fails with `arrive(false)`). */
function lazyGate(page: GuardPage | null = PAGE) {
  const reports: GuardReport[] = [];
  let arrive: (ok?: boolean) => void = () => {};
  const load = vi.fn(
    () =>
      new Promise<StartEngine | null>((resolve) => {
        arrive = (ok = true) => resolve(ok ? (state) => checkerEngine(state, reports) : null);
      }),
  );
  const gate = new TransferGate({ load }, { page: () => page, settled: async () => page });
  /** Answers the gate's request for the engine, once it asked. */
  const answer = async (ok?: boolean) => {
    await vi.waitFor(() => expect(load).toHaveBeenCalled());
    arrive(ok);
  };
  return { gate, load, reports, arrive: answer };
}

const order: string[] = [];
const transfer = (text: string, files: File[] = []) => pasted(text, files, order);

describe("the guard's listener", () => {
  it("holds the first paste, loads the engine once, and hands harmless pastes on in order", async () => {
    const { gate, load, arrive } = lazyGate();
    order.length = 0;
    const first = transfer(HARMLESS);
    const second = transfer(`${HARMLESS} Again.`);
    expect(gate.decide(first.value)).toBe("hold");
    expect(gate.decide(second.value)).toBe("hold");
    await vi.waitFor(() => expect(load).toHaveBeenCalledTimes(1));
    expect(first.done.delivered).toBe(0);
    await arrive();
    await vi.waitFor(() => expect(order).toEqual([HARMLESS, `${HARMLESS} Again.`]));
    // The engine is there: a harmless paste goes on untouched, inside its own event.
    const later = transfer(HARMLESS);
    expect(gate.decide(later.value)).toBe("pass");
    expect(later.done).toEqual({ delivered: 0, discarded: 0 });
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("a held paste with a card number gets the warning once the engine is there", async () => {
    const { gate, arrive, reports } = lazyGate();
    const held = transfer(`card ${CARD}`);
    expect(gate.decide(held.value)).toBe("hold");
    await arrive();
    await vi.waitFor(() => expect(held.done).toEqual({ delivered: 0, discarded: 1 }));
    expect(reports.map((report) => [report.detectors, report.outcome])).toEqual([
      [["payment-card"], "warned"],
      [["payment-card"], "removed"],
    ]);
  });

  it("where the guard is off, or nothing can be read, it loads nothing and holds nothing", () => {
    const off = lazyGate(null);
    expect(off.gate.decide(transfer(`card ${CARD}`).value)).toBe("pass");
    const on = lazyGate();
    const image = new File([CARD], "scan.png", { type: "image/png" });
    expect(on.gate.decide(transfer("", [image]).value)).toBe("pass");
    expect(on.gate.decide(transfer("").value)).toBe("pass");
    expect(off.load).not.toHaveBeenCalled();
    expect(on.load).not.toHaveBeenCalled();
    // A text file is read by the detectors: it waits for them.
    const csv = new File([CARD], "refunds.csv", { type: "text/csv" });
    expect(on.gate.decide(transfer("", [csv]).value)).toBe("hold");
  });

  it("an engine that cannot be loaded lets the held paste go on rather than swallow it", async () => {
    const { gate, arrive } = lazyGate();
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const held = transfer(`card ${CARD}`);
    expect(gate.decide(held.value)).toBe("hold");
    await arrive(false);
    await vi.waitFor(() => expect(held.done).toEqual({ delivered: 1, discarded: 0 }));
    expect(errors).toHaveBeenCalledOnce();
    errors.mockRestore();
  });

  it("an engine the script carries (Firefox) decides the very first paste inside its event", () => {
    const reports: GuardReport[] = [];
    const gate = new TransferGate(
      { start: (state) => checkerEngine(state, reports) },
      { page: () => PAGE, settled: async () => PAGE },
    );
    const first = transfer(HARMLESS);
    expect(gate.decide(first.value)).toBe("pass");
    expect(gate.decide(transfer(`card ${CARD}`).value)).toBe("hold");
  });
});
