import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addCount,
  type Count,
  candidateFits,
  compact,
  countCodec,
  countOfRefusal,
  type Entry,
  entriesOf,
  eventCount,
  markSent,
  nextBatch,
  ofTools,
  pendingEntries,
  rebase,
  setAside,
  toReport,
} from "../../extension/lib/counters";
import { LIMITS } from "../../shared/limits";
import { type RefusedCount, reportRequest } from "../../shared/protocol";

const DAYS = ["2026-11-20", "2026-11-21", "2026-11-22"];
const justification = (tool: string, reason: string, policyVersion: number): Count => ({
  kind: "justification",
  tool,
  reason,
  policyVersion,
});
const candidate = (domain: string): Count => ({ kind: "candidate", domain });
const KEYS: Count[] = [
  eventCount("chatgpt", "visit", 1),
  eventCount("chatgpt", "acknowledged", 1),
  eventCount("claude", "visit", 2),
  justification("claude", "evaluating", 2),
  candidate("newtool.ai"),
  { kind: "guard", tool: "chatgpt", detector: "payment-card", outcome: "warned", policyVersion: 1 },
  { kind: "guard", tool: "claude", detector: "unscanned", outcome: "blocked", policyVersion: 2 },
  { kind: "lesson", lesson: "chat-assistants", version: 3, outcome: "passed_first_try" },
];
const FIRST = KEYS[0] as Count;

/** The server's side of the protocol: keep max(stored, received) per (day, key). */
function serverApply(server: Map<string, number>, entries: Entry[]): void {
  for (const { day, count, n } of entries) {
    const id = `${day}|${countCodec.encode(count)}`;
    server.set(id, Math.max(server.get(id) ?? 0, n));
  }
}

describe("device counters", () => {
  it("builds a report the server's schema accepts", () => {
    let book = addCount({}, DAYS[0] as string, FIRST);
    for (const key of KEYS) book = addCount(book, DAYS[1] as string, key, 3);
    const report = toReport(pendingEntries(book, {}));
    expect(reportRequest.safeParse(report).success).toBe(true);
    expect(report.days).toHaveLength(2);
    expect(report.justifications).toEqual([
      { day: DAYS[1], tool: "claude", reason: "evaluating", policyVersion: 2, n: 3 },
    ]);
    expect(report.candidates).toEqual([{ day: DAYS[1], domain: "newtool.ai", n: 3 }]);
    // A lesson outcome carries the lesson, its version and the outcome: no answer, no tool.
    expect(report.lessons).toEqual([
      { day: DAYS[1], lesson: "chat-assistants", version: 3, outcome: "passed_first_try", n: 3 },
    ]);
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
        for (const { day, count, n } of entriesOf(counters)) {
          expect(server.get(`${day}|${countCodec.encode(count)}`)).toBe(n);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("never exceeds the report limits in one batch", () => {
    let book = {};
    for (let i = 0; i < LIMITS.maxCountersPerDay + 50; i++)
      book = addCount(book, "2026-11-21", eventCount(`t${i}`, "visit", 1));
    const batch = nextBatch(pendingEntries(book, {}));
    expect(batch).toHaveLength(LIMITS.maxCountersPerDay);
    const rest = nextBatch(pendingEntries(book, markSent({}, batch)));
    expect(rest).toHaveLength(50);
  });

  it("keeps unsent days until delivered, and drops what is acknowledged and old", () => {
    let book = addCount({}, "2026-09-01", FIRST);
    book = addCount(book, "2026-11-20", FIRST);
    book = addCount(book, "2026-06-01", FIRST);
    const sent = markSent({}, [{ day: "2026-11-20", count: FIRST, n: 1 }]);
    const kept = compact(book, sent, "2026-10-22", "2026-08-28");
    expect(Object.keys(kept.counters).sort()).toEqual(["2026-09-01", "2026-11-20"]);
    const allSent = markSent(sent, [{ day: "2026-09-01", count: FIRST, n: 1 }]);
    expect(Object.keys(compact(book, allSent, "2026-10-22", "2026-08-28").counters)).toEqual(["2026-11-20"]);
  });
});

describe("one encoding of a count", () => {
  it("decodes what it encodes, and refuses keys that are not counts", () => {
    for (const count of KEYS) expect(countCodec.decode(countCodec.encode(count))).toEqual(count);
    for (const key of [
      "",
      "l\tchat-assistants\t0\topened",
      "l\tchat-assistants\t2\tanswered",
      "l\tchat-assistants\t2\topened\textra",
      "c\tchatgpt\texploded\t1",
      "c\tchatgpt\tvisit\t-1",
      "c\tchatgpt\tvisit\t1\textra",
      "x\ty",
      "g\tchatgpt\tcredit-card\twarned\t1",
      "g\tchatgpt\tiban\tignored\t1",
      "g\tchatgpt\tiban\twarned\t",
      "g\tchatgpt\tiban\twarned\t1\textra",
      "g\t\tiban\twarned\t1",
    ]) {
      expect(countCodec.decode(key), JSON.stringify(key)).toBeNull();
    }
  });

  it("names the count a server refusal names", () => {
    const day = "2026-11-20";
    const refused: RefusedCount[] = [
      {
        kind: "counter",
        day,
        tool: "chatgpt",
        event: "acknowledged",
        policyVersion: 1,
        reason: "over_cap",
        message: "",
      },
      {
        kind: "justification",
        day,
        tool: "claude",
        justification: "evaluating",
        policyVersion: 2,
        reason: "unknown_reason",
        message: "",
      },
      { kind: "candidate", day, domain: "newtool.ai", reason: "too_many", message: "" },
      {
        kind: "guard",
        day,
        tool: "chatgpt",
        detector: "payment-card",
        outcome: "warned",
        policyVersion: 1,
        reason: "over_cap",
        message: "",
      },
      {
        kind: "guard",
        day,
        tool: "chatgpt",
        detector: "payment-card",
        outcome: "exploded",
        policyVersion: 1,
        reason: "over_cap",
        message: "",
      },
      {
        kind: "lesson",
        day,
        lesson: "chat-assistants",
        version: 3,
        outcome: "passed_first_try",
        reason: "unknown_lesson",
        message: "",
      },
    ];
    expect(refused.map((r) => countOfRefusal(r)?.count)).toEqual([
      KEYS[1],
      KEYS[3],
      KEYS[4],
      KEYS[5],
      undefined,
      KEYS[7],
    ]);
  });
});

describe("setting counts aside", () => {
  it("sets aside exactly the unacknowledged part of the chosen counts and nothing else", () => {
    let book = addCount({}, "2026-11-21", eventCount("retired-tool", "visit", 1), 4);
    book = addCount(book, "2026-11-21", justification("retired-tool", "evaluating", 1), 1);
    book = addCount(book, "2026-11-21", eventCount("chatgpt", "visit", 1), 2);
    book = addCount(book, "2026-11-21", candidate("retired-tool.ai"), 1);
    // The server already holds 3 of the 4 visits: only the fourth is set aside.
    const sent = markSent({}, [{ day: "2026-11-21", count: eventCount("retired-tool", "visit", 1), n: 3 }]);
    const { counters, removed } = setAside(book, sent, ofTools(new Set(["retired-tool"])));
    expect(removed.reduce((sum, entry) => sum + entry.n, 0)).toBe(2);
    expect(entriesOf(counters)).toEqual([
      { day: "2026-11-21", count: eventCount("retired-tool", "visit", 1), n: 3 },
      { day: "2026-11-21", count: eventCount("chatgpt", "visit", 1), n: 2 },
      { day: "2026-11-21", count: candidate("retired-tool.ai"), n: 1 },
    ]);
    expect(pendingEntries(counters, sent).map((entry) => entry.count)).toEqual([
      eventCount("chatgpt", "visit", 1),
      candidate("retired-tool.ai"),
    ]);
  });

  it("starts a new pseudonym from what the old one never delivered", () => {
    let book = addCount({}, "2026-11-21", FIRST, 5);
    book = addCount(book, "2026-11-20", KEYS[2] as Count, 2);
    const sent = markSent({}, [
      { day: "2026-11-21", count: FIRST, n: 3 },
      { day: "2026-11-20", count: KEYS[2] as Count, n: 2 },
    ]);
    expect(entriesOf(rebase(book, sent))).toEqual([{ day: "2026-11-21", count: FIRST, n: 2 }]);
  });
});

describe("bounded storage", () => {
  it("keeps at most the daily number of distinct unknown domains", () => {
    let book = {};
    for (let i = 0; i < LIMITS.maxCandidatesPerDay; i++) {
      const key = candidate(`site${i}.ai`);
      expect(candidateFits(book, "2026-11-21", key)).toBe(true);
      book = addCount(book, "2026-11-21", key);
    }
    expect(candidateFits(book, "2026-11-21", candidate("one-more.ai"))).toBe(false);
    expect(candidateFits(book, "2026-11-21", candidate("site3.ai"))).toBe(true);
    expect(candidateFits(book, "2026-11-22", candidate("one-more.ai"))).toBe(true);
  });

  it("counts what expired undelivered", () => {
    let book = addCount({}, "2026-06-01", FIRST, 5);
    book = addCount(book, "2026-11-20", FIRST, 1);
    const sent = markSent({}, [{ day: "2026-06-01", count: FIRST, n: 2 }]);
    const { expired, counters } = compact(book, sent, "2026-10-22", "2026-08-28");
    expect(expired).toBe(3);
    expect(Object.keys(counters)).toEqual(["2026-11-20"]);
  });
});
