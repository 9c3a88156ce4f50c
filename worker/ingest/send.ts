import { LIMITS } from "../../shared/limits";

/*
 * Group commit to the queue: reports that arrive while this instance is sending others wait
 * and go together in the next `sendBatch` (at most 100 messages and LIMITS.queueBatchBytes),
 * so under load one send carries many reports; a lone report waits only
 * LIMITS.queueSendLingerMs for company. Every request still answers only after its own
 * report is in the queue.
 *
 * Each batch is sent from the request of the oldest report in it, so the send belongs to a
 * request that is waiting for it (kept alive with `waitUntil` should the device go away);
 * when the send ends, that request wakes the oldest one still waiting to send the next batch.
 * Waking goes through a promise the woken request created, so its send runs in its own
 * request context. A request that has heard nothing for LIMITS.queueSendWaitMs sends its
 * report alone, and takes over the sending if it looks stuck: at worst a report is queued
 * twice, which max-merge makes harmless.
 */

interface Waiter {
  message: unknown;
  bytes: number;
  /** Wakes the waiter to send the next batch from its own request. */
  lead: () => void;
  /** Its report is in the queue (or could not be sent). */
  done: (error?: unknown) => void;
}

const waiting: Waiter[] = [];
/** When the batch being sent started, or null when none is. */
let sendingSince: number | null = null;

function nextBatch(): Waiter[] {
  let bytes = 0;
  let count = 0;
  while (count < waiting.length && count < 100) {
    const next = waiting[count] as Waiter;
    if (count > 0 && bytes + next.bytes > LIMITS.queueBatchBytes) break;
    bytes += next.bytes;
    count++;
  }
  return waiting.splice(0, count);
}

async function sendBatch(queue: Queue): Promise<void> {
  sendingSince = Date.now();
  // A moment for reports arriving together to join (a few, not one, per send under load).
  await new Promise((resolve) => setTimeout(resolve, LIMITS.queueSendLingerMs));
  const batch = nextBatch();
  try {
    if (batch.length > 0) {
      await queue.sendBatch(batch.map((waiter) => ({ body: waiter.message, contentType: "json" as const })));
    }
    for (const waiter of batch) waiter.done();
  } catch (error) {
    for (const waiter of batch) waiter.done(error);
  }
  const next = waiting[0];
  if (next) next.lead();
  else sendingSince = null;
}

function deferred() {
  let resolve: () => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

/** Queues `message`, together with what other requests of this instance queue meanwhile. */
export async function sendGrouped(
  queue: Queue,
  ctx: Pick<ExecutionContext, "waitUntil">,
  message: unknown,
  bytes: number,
): Promise<void> {
  const led = deferred();
  const sent = deferred();
  let settled = false;
  const waiter: Waiter = {
    message,
    // Queues count about 100 bytes of metadata with every message.
    bytes: bytes + 100,
    lead: led.resolve,
    done: (error) => {
      if (settled) return;
      settled = true;
      if (error === undefined) sent.resolve();
      else sent.reject(error);
    },
  };
  // Created here, so it runs in this request's context whoever wakes it.
  void led.promise.then(() => ctx.waitUntil(sendBatch(queue)));
  waiting.push(waiter);
  const stuck = sendingSince !== null && Date.now() - sendingSince > LIMITS.queueSendWaitMs;
  if (sendingSince === null || stuck) {
    sendingSince = Date.now();
    waiter.lead();
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const alone = new Promise<void>((resolve, reject) => {
    timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      const index = waiting.indexOf(waiter);
      if (index >= 0) waiting.splice(index, 1);
      queue.send(message, { contentType: "json" }).then(() => resolve(), reject);
    }, LIMITS.queueSendWaitMs);
  });
  try {
    await Promise.race([sent.promise, alone]);
  } finally {
    clearTimeout(timer);
  }
}
