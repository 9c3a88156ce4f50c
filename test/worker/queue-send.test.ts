import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { LIMITS } from "../../shared/limits";
import { errorResponse, reportResponse } from "../../shared/protocol";
import { waitingToSend } from "../../worker/ingest/send";
import { counters, enrollDevice, today } from "./helpers";
import { consume, queuedReport, stored, waitFor } from "./queue-support";

/*
 * Joined sends (worker/ingest/send.ts): reports arriving while a send to the queue is under
 * way go together in the next one; each request answers only once its own report is in the
 * queue, and a send that fails fails every report in it alike. The queue here is the real
 * local queue behind a gate the test opens or fails, batch by batch.
 */

interface HeldBatch {
  bodies: string[];
  pass: () => void;
  fail: () => void;
}

/** The real queue, each `sendBatch` recorded and held until the test passes it on or fails it. */
function gatedQueue(real: Queue) {
  const held: HeldBatch[] = [];
  const queue: Queue = {
    send: () => Promise.reject(new Error("the report route sends through sendBatch")),
    sendBatch: (messages, options) => {
      const list = [...messages];
      return new Promise((resolve, reject) => {
        held.push({
          bodies: list.map((message) => message.body as string),
          pass: () => {
            real.sendBatch(list, options).then(resolve, reject);
          },
          fail: () => reject(new Error("the queue refused the batch")),
        });
      });
    },
    metrics: () => real.metrics(),
  };
  const batch = async (index: number) => {
    await waitFor(async () => held.length > index, `send ${index + 1} to the queue`, 10_000);
    return held[index] as HeldBatch;
  };
  return { queue, held, batch };
}

const visits = (tool: string, n: number) => counters(today(), [[tool, "visit", n]]);

/** A gated queue whose first send, one device's report of `tool`, is held: later reports wait for it. */
async function firstSendHeld(tool: string) {
  const gate = gatedQueue(env.REPORTS_QUEUE as Queue);
  const vars = { ...env, INGEST_MODE: "queue", REPORTS_QUEUE: gate.queue };
  const device = await enrollDevice();
  const answer = queuedReport(device.deviceToken, visits(tool, 1), vars);
  const send = await gate.batch(0);
  expect(send.bodies).toHaveLength(1);
  return { gate, vars, device, answer, send };
}

describe("joined sends to the report queue", () => {
  it("sends a lone report at once, and reports arriving meanwhile together in the next send", async () => {
    const { gate, vars, device: first, answer: firstAnswer, send: lone } = await firstSendHeld("perplexity");
    const others = await Promise.all([1, 2, 3].map(() => enrollDevice()));
    const answers = others.map((device) => queuedReport(device.deviceToken, visits("perplexity", 3), vars));
    // Each waits for the send under way to end, none sends on its own.
    await waitFor(async () => waitingToSend(gate.queue) === 3, "three reports waiting to send", 10_000);
    expect(gate.held).toHaveLength(1);
    lone.pass();
    expect((await firstAnswer).status).toBe(202);
    const joined = await gate.batch(1);
    expect(joined.bodies).toHaveLength(3);
    expect(joined.bodies.map((body) => JSON.parse(body).deviceId).sort()).toEqual(
      others.map((device) => device.deviceId).sort(),
    );
    joined.pass();
    for (const answer of await Promise.all(answers)) {
      expect(answer.status).toBe(202);
      expect(reportResponse.parse(await answer.json())).toMatchObject({ accepted: 1, queued: true });
    }
    expect(gate.held).toHaveLength(2);
    expect(waitingToSend(gate.queue)).toBe(0);
    for (const device of [first, ...others]) {
      await waitFor(
        async () => (await stored(device.deviceId, "perplexity")).visit !== undefined,
        "the consumer",
        25_000,
      );
    }
    expect((await stored(first.deviceId, "perplexity")).visit).toBe(1);
    for (const device of others) expect((await stored(device.deviceId, "perplexity")).visit).toBe(3);
  }, 40_000);

  it("fails every report of a failed send with the same retryable refusal, and stores none of them", async () => {
    const { gate, vars, device: leader, answer: leaderAnswer, send: lone } = await firstSendHeld("poe");
    const joiners = await Promise.all([1, 2].map(() => enrollDevice()));
    const answers = joiners.map((device) => queuedReport(device.deviceToken, visits("poe", 4), vars));
    await waitFor(async () => waitingToSend(gate.queue) === 2, "two reports waiting to send", 10_000);
    lone.pass();
    expect((await leaderAnswer).status).toBe(202);
    (await gate.batch(1)).fail();
    const refusals = [];
    for (const answer of await Promise.all(answers)) {
      expect(answer.status).toBe(503);
      refusals.push(errorResponse.parse(await answer.json()));
    }
    expect(refusals.map((refusal) => refusal.code)).toEqual(["queue_unavailable", "queue_unavailable"]);
    expect(refusals[0]).toEqual(refusals[1]);
    // The line is free again: the next report is sent at once, alone.
    const again = queuedReport(joiners[0]?.deviceToken as string, visits("you-com", 1), vars);
    (await gate.batch(2)).pass();
    expect((await again).status).toBe(202);
    // What the queue took arrives; the failed send's counts never do.
    const first = joiners[0]?.deviceId as string;
    await waitFor(async () => (await stored(first, "you-com")).visit === 1, "the consumer", 25_000);
    await waitFor(async () => (await stored(leader.deviceId, "poe")).visit === 1, "the consumer", 25_000);
    for (const device of joiners) expect(await stored(device.deviceId, "poe")).toEqual({});
  }, 40_000);

  it("keeps totals exact when one report is sent twice in the same send", async () => {
    const { gate, vars, answer: busyAnswer, send: lone } = await firstSendHeld("jasper");
    const device = await enrollDevice();
    const body = counters(today(), [
      ["jasper", "visit", 5],
      ["jasper", "nudge_shown", 2],
    ]);
    const twice = [1, 2].map(() => queuedReport(device.deviceToken, body, vars));
    await waitFor(async () => waitingToSend(gate.queue) === 2, "both deliveries waiting to send", 10_000);
    lone.pass();
    const joined = await gate.batch(1);
    expect(joined.bodies).toHaveLength(2);
    joined.pass();
    for (const answer of await Promise.all([busyAnswer, ...twice])) expect(answer.status).toBe(202);
    await waitFor(async () => (await stored(device.deviceId, "jasper")).visit === 5, "the consumer", 25_000);
    expect(await stored(device.deviceId, "jasper")).toEqual({ visit: 5, nudge_shown: 2 });
  }, 40_000);

  it("does not leave a report waiting behind a send that never ends", async () => {
    const { gate, vars, answer: stuckAnswer, send: stuck } = await firstSendHeld("writesonic");
    const waiting = await enrollDevice();
    const started = Date.now();
    const answer = queuedReport(waiting.deviceToken, visits("writesonic", 2), vars);
    // After LIMITS.queueSendWaitMs it sends what waits itself.
    const own = await gate.batch(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(LIMITS.queueSendWaitMs - 50);
    expect(own.bodies).toHaveLength(1);
    own.pass();
    expect((await answer).status).toBe(202);
    // The first send ends at last (here: fails); its report alone is refused.
    stuck.fail();
    expect((await stuckAnswer).status).toBe(503);
  }, 40_000);
});

describe("queue messages as text", () => {
  it("applies a report sent as text, and drops text that is not a report", async () => {
    const { deviceId } = await enrollDevice();
    const text = JSON.stringify({ v: 1, deviceId, receivedAt: Date.now(), report: visits("chatgpt", 6) });
    for (const hostile of ["not json", "null", '{"v":2}', JSON.stringify({ v: 1, deviceId, receivedAt: 1 })]) {
      const { retried, result } = await consume([hostile]);
      expect(retried).toEqual([]);
      expect(result.explicitAcks).toHaveLength(1);
    }
    const { retried } = await consume([text]);
    expect(retried).toEqual([]);
    expect(await stored(deviceId, "chatgpt")).toEqual({ visit: 6 });
  });
});
