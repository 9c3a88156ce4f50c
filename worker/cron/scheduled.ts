import { dayOf } from "../../shared/day";
import type { Env } from "../env";
import { kAnonymity } from "../privacy";
import { runDailyJobs } from "./daily";
import { applyRetention } from "./retention";
import { deliverWebhooks } from "./webhooks";

/**
 * The cron trigger (wrangler.toml `[triggers] crons`): the daily jobs (on the first run of a
 * day: outlier flags, aggregate webhook events, the database's size), then webhook delivery,
 * so a day's events go out in the run that wrote them, then retention. Each step runs even
 * when another fails; a failure is rethrown so the run shows as failed in Cloudflare's cron
 * history.
 */
export async function scheduled(controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
  const now = controller.scheduledTime;
  const today = dayOf(now);
  const steps: Array<[string, () => Promise<unknown>]> = [
    ["daily", () => runDailyJobs(env.DB, today, { k: kAnonymity(env), webhooks: Boolean(env.WEBHOOK_URL), now })],
    ["webhooks", () => deliverWebhooks(env, now)],
    ["retention", () => applyRetention(env.DB, today, now)],
  ];
  const failures: unknown[] = [];
  for (const [name, step] of steps) {
    try {
      const result = await step();
      if (result) console.log(name, result);
    } catch (error) {
      console.error(`${name} failed`, error);
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, "scheduled run failed");
}
