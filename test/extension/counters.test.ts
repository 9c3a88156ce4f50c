import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addCount,
  candidateFits,
  candidateKey,
  compact,
  counterKey,
  dropTools,
  type Entry,
  justificationKey,
  markSent,
  nextBatch,
  pendingEntries,
  toReport,
} from "../../extension/lib/counters";
import { LIMITS } from "../../shared/limits";
import { reportRequest } from "../../shared/protocol";

const DAYS = ["2026-11-20", "2026-11-21", "2026-11-22"];
const KEYS = [
  counterKey("chatgpt", "visit", 1),
  counterKey("chatgpt", "acknowledged", 1),
  counterKey("claude", "visit", 2),
  justificationKey("claude", "evaluating", 2),
  candidateKey("newtool.ai"),
];

/** The server's side of the protocol: keep max(stored, received) per (day, key). */
function serverApply(server: Map<string, number>, entries: Entry[]): void {
  for (const { day, key, n } of entries) {
    const id = `${day}|${key}`;
    server.set(id, Math.max(server.get(id) ?? 0, n));
  }
}

describe("device counters", () => {
  it("builds a report the server's schema accepts", () => {
    let book = addCount({}, DAYS[0] as string, KEYS[0] as string);
    for (const key of KEYS) book = addCount(book, DAYS[1] as string, key, 3);
    const report = toReport(pendingEntries(book, {}));
    expect(reportRequest.safeParse(report).success).toBe(true);
    expect(report.days).toHaveLength(2);
    expect(report.justifications).toEqual([
      { day: DAYS[1], tool: "claude", reason: "evaluating", policyVersion: 2, n: 3 },
    ]);
    expect(report.candidates).toEqual([{ day: DAYS[1], domain: "newtool.ai", n: 3 }]);
  });

  it("keeps the server's totals exact through lost responses, failures, duplicates and reordering (property)", () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant("add" as const), day: fc.constantFrom(...DAYS), key: fc.constantFrom(...KEYS) }),
      fc.record({ kind: fc.constantFrom("delivered" as const, "lostResponse" as const, "failed" as const) }),
      fc.record({ kind: fc.constant("replay" as const), back: fc.nat(5) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        let counters = {};
        let sent = {};
        const server = new Map<string, number>();
        const history: Entry[][] = [];
        for (const step of ops) {
          if (step.kind === "add") counters = addCount(counters, step.day, step.key);
          else if (step.kind === "replay") {
            // A request the network delivers again, late and out of order.
            const old = history[history.length - 1 - step.back];
            if (old) serverApply(server, old);
          } else {
            const batch = nextBatch(pendingEntries(counters, sent));
            if (step.kind === "failed") continue;
            serverApply(server, batch);
            history.push(batch);
            if (step.kind === "delivered") sent = markSent(sent, batch);
          }
        }
        serverApply(server, nextBatch(pendingEntries(counters, sent)));
        for (const [day, values] of Object.entries(counters as Record<string, Record<string, number>>)) {
          for (const [key, n] of Object.entries(values)) expect(server.get(`${day}|${key}`)).toBe(n);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("never exceeds the report limits in one batch", () => {
    let book = {};
    for (let i = 0; i < LIMITS.maxCountersPerDay + 50; i++)
      book = addCount(book, "2026-11-21", counterKey(`t${i}`, "visit", 1));
    const batch = nextBatch(pendingEntries(book, {}));
    expect(batch).toHaveLength(LIMITS.maxCountersPerDay);
    const rest = nextBatch(pendingEntries(book, markSent({}, batch)));
    expect(rest).toHaveLength(50);
  });

  it("keeps unsent days until delivered, and drops what is acknowledged and old", () => {
    let book = addCount({}, "2026-09-01", KEYS[0] as string);
    book = addCount(book, "2026-11-20", KEYS[0] as string);
    book = addCount(book, "2026-06-01", KEYS[0] as string);
    const sent = markSent({}, [{ day: "2026-11-20", key: KEYS[0] as string, n: 1 }]);
    const kept = compact(book, sent, "2026-10-22", "2026-08-28");
    expect(Object.keys(kept.counters).sort()).toEqual(["2026-09-01", "2026-11-20"]);
    const allSent = markSent(sent, [{ day: "2026-09-01", key: KEYS[0] as string, n: 1 }]);
    expect(Object.keys(compact(book, allSent, "2026-10-22", "2026-08-28").counters)).toEqual(["2026-11-20"]);
  });
});

describe("counts of tools the server does not know", () => {
  it("are set aside without touching the rest", () => {
    let book = addCount({}, "2026-11-21", counterKey("retired-tool", "visit", 1), 4);
    book = addCount(book, "2026-11-21", justificationKey("retired-tool", "evaluating", 1), 1);
    book = addCount(book, "2026-11-21", counterKey("chatgpt", "visit", 1), 2);
    book = addCount(book, "2026-11-21", candidateKey("retired-tool.ai"), 1);
    const { book: kept, dropped } = dropTools(book, new Set(["retired-tool"]));
    expect(dropped).toBe(5);
    expect(kept).toEqual({
      "2026-11-21": { [counterKey("chatgpt", "visit", 1)]: 2, [candidateKey("retired-tool.ai")]: 1 },
    });
  });
});

describe("bounded storage", () => {
  it("keeps at most the daily number of distinct unknown domains", () => {
    let book = {};
    for (let i = 0; i < LIMITS.maxCandidatesPerDay; i++) {
      const key = candidateKey(`site${i}.ai`);
      expect(candidateFits(book, "2026-11-21", key)).toBe(true);
      book = addCount(book, "2026-11-21", key);
    }
    expect(candidateFits(book, "2026-11-21", candidateKey("one-more.ai"))).toBe(false);
    expect(candidateFits(book, "2026-11-21", candidateKey("site3.ai"))).toBe(true);
    expect(candidateFits(book, "2026-11-22", candidateKey("one-more.ai"))).toBe(true);
  });

  it("counts what expired undelivered", () => {
    let book = addCount({}, "2026-06-01", KEYS[0] as string, 5);
    book = addCount(book, "2026-11-20", KEYS[0] as string, 1);
    const sent = markSent({}, [{ day: "2026-06-01", key: KEYS[0] as string, n: 2 }]);
    const { expired, counters } = compact(book, sent, "2026-10-22", "2026-08-28");
    expect(expired).toBe(3);
    expect(Object.keys(counters)).toEqual(["2026-11-20"]);
  });
});
