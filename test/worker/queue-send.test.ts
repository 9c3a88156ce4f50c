import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { errorResponse, reportResponse } from "../../shared/protocol";
import { counters, enrollDevice, today } from "./helpers";
import { consume, queuedReport, stored, waitFor } from "./queue-support";

/*
 * Sending a report to the queue: the route sends the JSON text it built and answers 202 once
 * the queue took it; a send that fails is answered 503 queue_unavailable and stores nothing
 * (the device keeps its counts and sends them again). The consumer reads text messages.
 */

const visits = (tool: string, n: number) => counters(today(), [[tool, "visit", n]]);

/** The real queue, but every send refused, as a queue that is down refuses it. */
function refusingQueue(real: Queue): Queue {
  return {
    send: () => Promise.reject(new Error("the queue refused the message")),
    sendBatch: () => Promise.reject(new Error("the queue refused the batch")),
    metrics: () => real.metrics(),
  };
}

describe("a send to the report queue", () => {
  it("answers a refused send with the retryable queue_unavailable, and stores nothing", async () => {
    const { deviceId, deviceToken } = await enrollDevice();
    const vars = { ...env, INGEST_MODE: "queue", REPORTS_QUEUE: refusingQueue(env.REPORTS_QUEUE as Queue) };
    const answer = await queuedReport(deviceToken, visits("poe", 4), vars);
    expect(answer.status).toBe(503);
    expect(errorResponse.parse(await answer.json()).code).toBe("queue_unavailable");
    // The same counts sent again once the queue is back are taken and arrive.
    const again = await queuedReport(deviceToken, visits("poe", 4), { ...env, INGEST_MODE: "queue" });
    expect(again.status).toBe(202);
    expect(reportResponse.parse(await again.json())).toMatchObject({ queued: true });
    await waitFor(async () => (await stored(deviceId, "poe")).visit === 4, "the consumer", 25_000);
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
