import { dayOf } from "../../shared/day";
import type { Env } from "../env";
import { applyRetention } from "./retention";
import { deliverWebhooks } from "./webhooks";

/**
 * The cron trigger (wrangler.toml `[triggers] crons`): webhook delivery first (it is what
 * people wait for), then retention. Each step runs even when the other fails; a failure is
 * rethrown so the run shows as failed in Cloudflare's cron history.
 */
export async function scheduled(controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
  const failures: unknown[] = [];
  try {
    const webhooks = await deliverWebhooks(env, controller.scheduledTime);
    if (webhooks.delivered + webhooks.retried + webhooks.failed > 0) console.log("webhooks", webhooks);
  } catch (error) {
    console.error("webhook delivery failed", error);
    failures.push(error);
  }
  try {
    const retention = await applyRetention(env.DB, dayOf(controller.scheduledTime), controller.scheduledTime);
    if (retention.days.length > 0) console.log("retention", retention);
  } catch (error) {
    console.error("retention failed", error);
    failures.push(error);
  }
  if (failures.length > 0) throw new AggregateError(failures, "scheduled run failed");
}
