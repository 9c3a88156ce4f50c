import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import defaultPolicy from "../../policies/dist/default-policy.json";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

// The default policy as published 120 days ago, so tests may report counts for past days
// (counts dated before their policy version was published are refused).
await env.DB.prepare(
  `INSERT INTO policy_versions (version, body, published_at, published_by) VALUES (?1, ?2, ?3, 'default')
   ON CONFLICT (version) DO NOTHING`,
)
  .bind(defaultPolicy.version, JSON.stringify(defaultPolicy), Date.now() - 120 * 86_400_000)
  .run();
