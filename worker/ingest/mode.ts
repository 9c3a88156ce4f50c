import type { Env } from "../env";

/**
 * How reports are applied, from INGEST_MODE: "direct" (the default) writes each report before
 * answering; "queue" queues it on REPORTS_QUEUE for the consumer to write many at once. A
 * value that is neither, or "queue" without the binding, is a configuration error the
 * device API reports (503 not_configured) rather than a silent fallback.
 */
export type IngestMode = { ok: true; queue: Queue | null } | { ok: false; error: string };

export function ingestMode(env: Env): IngestMode {
  const mode = env.INGEST_MODE ?? "direct";
  if (mode === "direct") return { ok: true, queue: null };
  if (mode !== "queue") return { ok: false, error: `INGEST_MODE must be "direct" or "queue", not "${mode}"` };
  if (!env.REPORTS_QUEUE) return { ok: false, error: 'INGEST_MODE is "queue" but no REPORTS_QUEUE queue is bound' };
  return { ok: true, queue: env.REPORTS_QUEUE };
}
