/**
 * The worker `npm run bench:load` measures (never deployed): the real worker, whose
 * configuration the benchmark takes from wrangler.toml, plus queue floors:
 *   POST /__bench/queue?as=<way>  sends the request's body to REPORTS_QUEUE as one message,
 *                        then answers exactly as POST /api/v1/health does (the floor):
 *                        receiving a report-sized request and one queue message, no database.
 *                        <way> is how the message goes:
 *                          text    as text, one send per request, as the report route
 *                                  sends (the default)
 *                          json    as an object holding the body, contentType "json"
 *                          v8      the same object, contentType "v8" (structured clone)
 *                          bytes   the body's UTF-8 bytes, contentType "bytes"
 *   GET /__bench/sends   how many sends and messages reached REPORTS_QUEUE from this
 *                        instance since it started (reports and floors alike), and how many
 *                        deliveries its consumer has finished with
 * Locally the queue is Miniflare's, in the same process as the worker, so its cost is part of
 * every queued report; these routes measure that cost on its own. The consumer acknowledges
 * the floors' messages here; every other message goes to the real consumer.
 */
import type { Env } from "../../../worker/env";
import shadowlight from "../../../worker/index";

const PROBE = "queueFloor";
const WAYS = ["text", "json", "v8", "bytes"] as const;
type Way = (typeof WAYS)[number];

const isProbe = (body: unknown) =>
  body instanceof ArrayBuffer ||
  ArrayBuffer.isView(body) ||
  (typeof body === "string" && body.startsWith(`{"${PROBE}"`)) ||
  (typeof body === "object" && body !== null && PROBE in body);

/** Sends and messages that reached the queue: the binding the worker gets, counted. */
const counted = { sends: 0, messages: 0, consumed: 0 };
let countingQueue: { binding: Queue; counting: Queue } | null = null;

function counting(binding: Queue): Queue {
  if (countingQueue?.binding === binding) return countingQueue.counting;
  const queue: Queue = {
    send: (body, options) => {
      counted.sends++;
      counted.messages++;
      return binding.send(body, options);
    },
    sendBatch: (messages, options) => {
      const list = [...messages];
      counted.sends++;
      counted.messages += list.length;
      return binding.sendBatch(list, options);
    },
    metrics: () => binding.metrics(),
  };
  countingQueue = { binding, counting: queue };
  return queue;
}

async function sendProbe(way: Way, queue: Queue, body: string): Promise<void> {
  const text = JSON.stringify({ [PROBE]: body });
  switch (way) {
    case "text":
      await queue.send(text, { contentType: "text" });
      return;
    case "json":
      await queue.send({ [PROBE]: body }, { contentType: "json" });
      return;
    case "v8":
      await queue.send({ [PROBE]: body }, { contentType: "v8" });
      return;
    case "bytes":
      await queue.send(new TextEncoder().encode(body), { contentType: "bytes" });
      return;
  }
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const queue = env.REPORTS_QUEUE ? counting(env.REPORTS_QUEUE) : undefined;
    const withQueue: Env = { ...env, REPORTS_QUEUE: queue };
    if (url.pathname === "/__bench/sends") return Response.json(counted);
    if (url.pathname !== "/__bench/queue") return shadowlight.fetch(request, withQueue, ctx);
    if (!queue) return Response.json({ error: "no REPORTS_QUEUE is bound" }, { status: 503 });
    const way = (url.searchParams.get("as") ?? "text") as Way;
    if (!WAYS.includes(way)) return Response.json({ error: `as: one of ${WAYS.join(", ")}` }, { status: 400 });
    const body = await request.text();
    await sendProbe(way, queue, body);
    url.pathname = "/api/v1/health";
    url.search = "";
    return shadowlight.fetch(new Request(url, { method: "POST", headers: request.headers, body }), env, ctx);
  },
  scheduled: shadowlight.scheduled,
  async queue(batch, env, ctx) {
    const reports: Array<Message<unknown>> = [];
    for (const message of batch.messages) {
      if (isProbe(message.body)) message.ack();
      else reports.push(message);
    }
    counted.consumed += batch.messages.length - reports.length;
    if (reports.length === 0) return;
    await shadowlight.queue(
      {
        queue: batch.queue,
        metadata: batch.metadata,
        messages: reports,
        ackAll: () => {
          for (const message of reports) message.ack();
        },
        retryAll: (options) => {
          for (const message of reports) message.retry(options);
        },
      },
      env,
      ctx,
    );
    counted.consumed += reports.length;
  },
} satisfies ExportedHandler<Env>;
