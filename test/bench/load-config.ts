import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../../worker/dev/local";

/**
 * The configuration `npm run bench:load` starts its worker with: wrangler.toml as deployed
 * (bindings, queue, rate limits), with test/bench/load-worker as its entry point and without
 * the dashboard's assets, written under .wrangler/ (paths in it are relative to where it
 * lies). Returns its path; the caller deletes it.
 */
export function loadWorkerConfig(): string {
  const text = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
  const config = text
    .replace(/^main = "worker\/index\.ts"$/m, 'main = "../test/bench/load-worker/index.ts"')
    .replace(/^migrations_dir = "worker\/migrations"$/m, 'migrations_dir = "../worker/migrations"')
    .replace(/^\[assets\]\n(?:(?!\[).*\n)*/m, "");
  if (!config.includes("load-worker") || !config.includes('"../worker/migrations"') || config.includes("[assets]")) {
    throw new Error("wrangler.toml changed its main, migrations_dir or [assets]: update test/bench/load-config.ts");
  }
  mkdirSync(join(ROOT, ".wrangler"), { recursive: true });
  const path = join(ROOT, ".wrangler", `bench-load-${process.pid}.toml`);
  writeFileSync(path, config);
  return path;
}
