import { LIMITS } from "../../shared/limits";

/*
 * Joined sends to the report queue. A report that arrives while this instance is sending
 * others waits for that send to end and then goes, with every report that arrived meanwhile,
 * in one `sendBatch` (at most LIMITS.queueBatchMessages messages and LIMITS.queueBatchBytes).
 * A report that arrives when no send is under way is sent at once: nothing waits for company,
 * so a lone report costs one send, and under load one send carries many reports.
 *
 * Each request answers only after the batch holding its own report was accepted by the
 * queue. When a batch fails, every report in it fails with the same error, so no report is
 * acknowledged that the queue did not take.
 *
 * workerd ties I/O to the request that started it, and a request's continuations run in
 * that request even when another request settles the promise they wait on. So a batch is
 * sent from the request of its oldest report, which waits for that very batch; when the send
 * ends, that request wakes the oldest report still waiting through a promise the woken
 * request created, and the next batch goes from there. `waitUntil` keeps a request that was
 * woken alive for its send should its device go away meanwhile. A report that waited
 * LIMITS.queueSendWaitMs without being taken into a batch sends the waiting ones itself, so
 * a request that never woke cannot hold up the others.
 */

/** Settles once: resolve and reject after the first call do nothing. */
interface Settle<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

function settle<T>(): Settle<T> {
  let resolve: (value: T) => void = () => {};
  let reject: (error: unknown) => void = () => {};
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

interface Waiter {
  body: string;
  bytes: number;
  /** true: send the next batch from this request; false: its report went with another's batch. */
  lead: Settle<boolean>;
  /** Its report is in the queue (or its batch failed). */
  sent: Settle<void>;
}

interface Line {
  waiting: Waiter[];
  /** Whether a batch is being sent (or a request was woken to send the next one). */
  sending: boolean;
}

/** One line per queue binding. */
const lines = new WeakMap<Queue, Line>();

function lineOf(queue: Queue): Line {
  let line = lines.get(queue);
  if (!line) {
    line = { waiting: [], sending: false };
    lines.set(queue, line);
  }
  return line;
}

/** How many reports of this instance wait to join a send to `queue` (none when it is idle). */
export function waitingToSend(queue: Queue): number {
  return lines.get(queue)?.waiting.length ?? 0;
}

function nextBatch(line: Line): Waiter[] {
  let bytes = 0;
  let count = 0;
  while (count < line.waiting.length && count < LIMITS.queueBatchMessages) {
    const next = line.waiting[count] as Waiter;
    if (count > 0 && bytes + next.bytes > LIMITS.queueBatchBytes) break;
    bytes += next.bytes;
    count++;
  }
  return line.waiting.splice(0, count);
}

async function sendWaiting(queue: Queue, line: Line): Promise<void> {
  const batch = nextBatch(line);
  try {
    if (batch.length > 0) {
      await queue.sendBatch(batch.map((waiter) => ({ body: waiter.body, contentType: "text" as const })));
    }
    for (const waiter of batch) waiter.sent.resolve();
  } catch (error) {
    for (const waiter of batch) waiter.sent.reject(error);
  } finally {
    for (const waiter of batch) waiter.lead.resolve(false);
  }
  const next = line.waiting[0];
  if (next) next.lead.resolve(true);
  else line.sending = false;
}

/**
 * Sends `body` (a queue message as text, at most LIMITS.queueMessageBytes) to `queue`,
 * together with what other requests of this instance send meanwhile. Resolves once the queue
 * took it; rejects with the batch's error when the batch failed.
 */
export async function sendJoined(queue: Queue, ctx: Pick<ExecutionContext, "waitUntil">, body: string): Promise<void> {
  const line = lineOf(queue);
  const waiter: Waiter = {
    body,
    // Queues count about 100 bytes of metadata with every message. A report is mostly ASCII:
    // its length in UTF-16 units stands for its bytes unless it could be larger than allowed.
    bytes: 100 + (body.length * 3 <= LIMITS.queueBatchBytes / 2 ? body.length : new TextEncoder().encode(body).length),
    lead: settle(),
    sent: settle(),
  };
  // Created here, so the send it starts runs in this request whichever request wakes it.
  ctx.waitUntil(
    waiter.lead.promise.then((leads) => {
      if (leads) return sendWaiting(queue, line);
    }),
  );
  line.waiting.push(waiter);
  if (!line.sending) {
    line.sending = true;
    waiter.lead.resolve(true);
  }
  const watch = setTimeout(() => {
    // Nobody took this report into a batch in time: send what waits from here.
    if (line.waiting.includes(waiter)) waiter.lead.resolve(true);
  }, LIMITS.queueSendWaitMs);
  try {
    await waiter.sent.promise;
  } finally {
    clearTimeout(watch);
  }
}
