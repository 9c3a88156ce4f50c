/**
 * The worker `npm run bench:load` measures (never deployed): the real worker, whose
 * configuration the benchmark takes from wrangler.toml, plus the queue floor:
 *   POST /__bench/queue  sends the request's body to REPORTS_QUEUE as one message, then
 *                        answers exactly as POST /api/v1/health does (the floor): receiving a
 *                        report-sized request and one queue send, no database
 * Locally the queue is Miniflare's, in the same process as the worker, so its cost is part of
 * every queued report; this route measures that cost on its own. The consumer acknowledges
 * these messages here; every other message goes to the real consumer.
 */
import type { Env } from "../../../worker/env";
import shadowlight from "../../../worker/index";

const PROBE = "queueFloor";

const isProbe = (message: Message<unknown>) =>
  typeof message.body === "object" && message.body !== null && PROBE in message.body;

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname !== "/__bench/queue") return shadowlight.fetch(request, env, ctx);
    if (!env.REPORTS_QUEUE) return Response.json({ error: "no REPORTS_QUEUE is bound" }, { status: 503 });
    const body = await request.text();
    await env.REPORTS_QUEUE.send({ [PROBE]: body }, { contentType: "json" });
    url.pathname = "/api/v1/health";
    return shadowlight.fetch(new Request(url, { method: "POST", headers: request.headers, body }), env, ctx);
  },
  scheduled: shadowlight.scheduled,
  async queue(batch, env, ctx) {
    const reports: Array<Message<unknown>> = [];
    for (const message of batch.messages) {
      if (isProbe(message)) message.ack();
      else reports.push(message);
    }
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
  },
} satisfies ExportedHandler<Env>;
