/**
 * Runs before each worker test file. The files share one workerd and one isolate (starting a
 * runtime and loading the worker's modules for each file cost about three quarters of the
 * tier's time), so each begins as a new instance on a new database would:
 *   - the migrations applied (once; later files find them applied) and every table emptied;
 *   - the default policy published 120 days ago, so tests may report counts for past days
 *     (counts dated before their policy version was published are refused);
 *   - a bootstrap enrollment token of its own: the rate limit per token counts within the
 *     runtime, across files, as it does across a fleet's requests;
 *   - nothing the isolate kept between requests (worker/isolate-state.ts), nor the group
 *     tokens the test helpers created for the previous file.
 */
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import defaultPolicy from "../../policies/dist/default-policy.json";
import { forgetIsolateState } from "../../worker/isolate-state";
import { forgetGroupTokens } from "./helpers";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

const { results: tables } = await env.DB.prepare(
  `SELECT name FROM sqlite_master
   WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations'`,
).all<{ name: string }>();
await env.DB.batch([
  // Emptied in one transaction, whatever the order of the references between tables.
  env.DB.prepare("PRAGMA defer_foreign_keys = on"),
  ...tables.map(({ name }) => env.DB.prepare(`DELETE FROM "${name}"`)),
]);

await env.DB.prepare(
  `INSERT INTO policy_versions (version, body, published_at, published_by) VALUES (?1, ?2, ?3, 'default')`,
)
  .bind(defaultPolicy.version, JSON.stringify(defaultPolicy), Date.now() - 120 * 86_400_000)
  .run();

env.ENROLLMENT_TOKEN = `test-enrollment-token-${crypto.randomUUID()}`;
forgetIsolateState();
forgetGroupTokens();
