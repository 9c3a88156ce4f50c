import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, run, WRANGLER_ENV } from "../../worker/dev/local";

/*
 * The backend deployment guide (README, "Deploy to Cloudflare") against what the worker really
 * reads: every setting in worker/env.ts is documented, every documented setting exists, and
 * the production configuration bundles with `wrangler deploy --dry-run` within the Free
 * plan's Worker size limit.
 */
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const ENV_SOURCE = readFileSync(join(ROOT, "worker", "env.ts"), "utf8");
/** Cloudflare's Workers limits page: 3 MB (after compression) on Workers Free. */
const FREE_PLAN_WORKER_GZIP_BYTES = 3 * 1024 * 1024;

function deployGuide(): string {
  const start = README.indexOf("## Deploy to Cloudflare");
  if (start < 0) throw new Error('README.md has no "## Deploy to Cloudflare" section');
  const end = README.indexOf("\n## ", start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

/** Names of the settings the worker reads: the `Env` interface's members, bindings aside. */
function envSettings(): string[] {
  const body = /export interface Env \{([\s\S]*?)\n\}/.exec(ENV_SOURCE)?.[1];
  if (!body) throw new Error("worker/env.ts has no `export interface Env`");
  const names = [...body.matchAll(/^\s+([A-Z][A-Z0-9_]*)\??:/gm)].map((match) => match[1] as string);
  return names.filter((name) => name !== "DB" && name !== "ASSETS");
}

describe("the backend deployment guide", () => {
  const guide = deployGuide();
  const settings = envSettings();

  it("documents every setting the worker reads", () => {
    expect(settings.length).toBeGreaterThan(5);
    for (const name of settings) expect(guide, `${name} is not in the deployment guide`).toContain(`\`${name}\``);
  });

  it("names only settings the worker reads", () => {
    const named = new Set([...guide.matchAll(/wrangler secret put ([A-Z][A-Z0-9_]*)/g)].map((match) => match[1]));
    for (const match of guide.matchAll(/^\| `([A-Z][A-Z0-9_]+)`\s*\|/gm)) named.add(match[1]);
    expect(named.size).toBeGreaterThan(3);
    for (const name of named) expect(settings, `${name} is documented but the worker never reads it`).toContain(name);
  });

  it("gives every command it relies on", () => {
    for (const command of [
      "wrangler d1 create shadowlight",
      "wrangler d1 migrations apply DB --remote",
      "wrangler deploy",
      "wrangler rollback",
      "wrangler d1 time-travel restore",
      "wrangler d1 export",
    ]) {
      expect(guide).toContain(command);
    }
  });
});

describe("wrangler deploy --dry-run", () => {
  const outDir = mkdtempSync(join(tmpdir(), "shadowlight-deploy-"));
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it("bundles the worker and the dashboard with the production configuration", async () => {
    if (!existsSync(join(ROOT, "worker", "dashboard", "dist", "index.html"))) {
      throw new Error("the dashboard is not built: run `npm run build` first (npm test does)");
    }
    await run("wrangler", ["deploy", "--dry-run", "--outdir", outDir], WRANGLER_ENV);
    const bundle = readFileSync(join(outDir, "index.js"));
    // The bundle is the whole API: the device routes and the admin routes are in it.
    expect(bundle.toString()).toContain("/api/v1/reports");
    expect(bundle.toString()).toContain("/api/admin/inventory");
    expect(gzipSync(bundle).length).toBeLessThan(FREE_PLAN_WORKER_GZIP_BYTES);
  }, 120_000);
});
