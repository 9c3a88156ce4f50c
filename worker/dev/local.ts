/**
 * Running the product locally: used by `npm start`, the end-to-end tests and the benchmarks.
 * Everything here runs offline: wrangler's local mode with D1 under a persist folder.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export const ROOT = new URL("../../", import.meta.url).pathname;

/** Environment for wrangler: no metrics, no fetching of `Request.cf` from the internet. */
export const WRANGLER_ENV = {
  ...process.env,
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_LOG: process.env.WRANGLER_LOG ?? "warn",
  NO_COLOR: "1",
};

/**
 * WXT writes its generated files (`.wxt/`) on every build, so builds in different processes (a
 * test's package build beside another's extension build) take turns: a lock file holding the
 * builder's process id, taken over when that process is gone.
 */
const WXT_LOCK = join(ROOT, ".wxt", "build.lock");
const WXT_LOCK_WAIT_MS = 10 * 60_000;

async function withWxtLock<T>(task: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + WXT_LOCK_WAIT_MS;
  mkdirSync(dirname(WXT_LOCK), { recursive: true });
  for (;;) {
    try {
      writeFileSync(WXT_LOCK, String(process.pid), { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (!lockHolderAlive()) {
      rmSync(WXT_LOCK, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`another WXT build held ${WXT_LOCK} for ${WXT_LOCK_WAIT_MS / 60_000} minutes`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    return await task();
  } finally {
    rmSync(WXT_LOCK, { force: true });
  }
}

function lockHolderAlive(): boolean {
  let holder: number;
  try {
    holder = Number(readFileSync(WXT_LOCK, "utf8"));
  } catch {
    return true; // Just released or being written: look again.
  }
  if (!Number.isInteger(holder) || holder <= 0) return false;
  try {
    process.kill(holder, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Runs a program of node_modules/.bin in the repository (or in another checkout of it, `root`)
 * and resolves with its output.
 */
export function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  quiet = true,
  root = ROOT,
): Promise<string> {
  if (command === "wxt") return withWxtLock(() => spawnBin(command, args, env, quiet, root));
  return spawnBin(command, args, env, quiet, root);
}

function spawnBin(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  quiet: boolean,
  root: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(root, "node_modules", ".bin", command), args, {
      cwd: root,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk;
      if (!quiet) process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk;
      if (!quiet) process.stderr.write(chunk);
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(" ")} failed (${code}):\n${output}`)),
    );
  });
}

export interface DevVars {
  ENROLLMENT_TOKEN: string;
  ADMIN_TOKEN: string;
  VIEWER_TOKEN: string;
  EVIDENCE_SIGNING_KEY: string;
}

/** A new Ed25519 private key as JWK text: what EVIDENCE_SIGNING_KEY holds. */
export function newEvidenceKey(): string {
  const { privateKey } = generateKeyPairSync("ed25519");
  const { kty, crv, d, x } = privateKey.export({ format: "jwk" });
  return JSON.stringify({ kty, crv, d, x });
}

function parseVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^\s*([A-Z_][A-Z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match?.[1]) vars[match[1]] = (match[2] ?? "").replace(/^"(.*)"$/, "$1").replace(/^'(.*)'$/, "$1");
  }
  return vars;
}

/** Reads `.dev.vars`, creating it from `.dev.vars.example` with fresh random tokens when missing. */
export function ensureDevVars(): { vars: DevVars; created: boolean } {
  const path = join(ROOT, ".dev.vars");
  let created = false;
  if (!existsSync(path)) {
    const example = readFileSync(join(ROOT, ".dev.vars.example"), "utf8");
    const filled = example.replace(/=replace-with-a-random-value/g, () => `=${randomBytes(24).toString("base64url")}`);
    writeFileSync(path, filled, { mode: 0o600 });
    created = true;
  }
  let vars = parseVars(readFileSync(path, "utf8"));
  if (!vars.EVIDENCE_SIGNING_KEY || vars.EVIDENCE_SIGNING_KEY === "replace-with-a-generated-key") {
    // A .dev.vars from before evidence was signed, or a fresh copy of the example: add a key.
    const text = readFileSync(path, "utf8").replace(/^EVIDENCE_SIGNING_KEY=.*\n?/m, "");
    writeFileSync(path, `${text.trimEnd()}\nEVIDENCE_SIGNING_KEY='${newEvidenceKey()}'\n`, { mode: 0o600 });
    vars = parseVars(readFileSync(path, "utf8"));
  }
  for (const key of ["ENROLLMENT_TOKEN", "ADMIN_TOKEN", "VIEWER_TOKEN", "EVIDENCE_SIGNING_KEY"] as const) {
    if (!vars[key] || vars[key] === "replace-with-a-random-value") {
      throw new Error(`.dev.vars has no ${key}: delete .dev.vars to have it created again`);
    }
  }
  return { vars: vars as unknown as DevVars, created };
}

/** Builds the Chrome (MV3) and Firefox (MV2) extension (or only those asked for) preconfigured for a server. */
export async function buildExtension(options: {
  serverUrl: string;
  enrollmentToken: string;
  group?: string;
  outDir?: string;
  browsers?: Array<"chrome" | "firefox">;
  /** Another checkout of the project to build (a benchmark's baseline); this one by default. */
  root?: string;
}): Promise<{ chrome: string; firefox: string }> {
  const root = options.root ?? ROOT;
  const outDir = options.outDir ?? join(root, ".output");
  const env = {
    ...process.env,
    SHADOWLIGHT_SERVER_URL: options.serverUrl,
    SHADOWLIGHT_ENROLLMENT_TOKEN: options.enrollmentToken,
    SHADOWLIGHT_GROUP: options.group ?? "",
    SHADOWLIGHT_OUT_DIR: outDir,
  };
  const browsers = options.browsers ?? ["chrome", "firefox"];
  if (browsers.includes("chrome")) await run("wxt", ["build"], env, true, root);
  if (browsers.includes("firefox")) await run("wxt", ["build", "-b", "firefox"], env, true, root);
  return { chrome: join(outDir, "chrome-mv3"), firefox: join(outDir, "firefox-mv2") };
}

/**
 * Applies the drizzle-kit migrations of a checkout (this one by default) to local D1 (in
 * `persistTo`, or wrangler's default).
 * `wrangler d1 migrations apply` starts a local D1 of its own for each migration (seconds
 * each on a busy machine), so a database that does not exist yet gets them all in one
 * `wrangler d1 execute`, each followed by the row `migrations apply` records for it (its
 * table and row as wrangler writes them): later runs find them applied and add only new ones.
 */
export async function applyMigrations(persistTo?: string, root = ROOT): Promise<void> {
  const location = persistTo ? ["--persist-to", persistTo] : [];
  // Another checkout's migrations (a benchmark's baseline) are read through its own configuration.
  if (root !== ROOT) location.push("--config", join(root, "wrangler.toml"));
  const migrations = join(root, "worker", "migrations");
  if (existsSync(join(persistTo ?? join(ROOT, ".wrangler", "state"), "v3", "d1"))) {
    await run("wrangler", ["d1", "migrations", "apply", "DB", "--local", ...location], WRANGLER_ENV);
    return;
  }
  const statements = [
    `CREATE TABLE IF NOT EXISTS "d1_migrations"(
		id         INTEGER PRIMARY KEY AUTOINCREMENT,
		name       TEXT UNIQUE,
		applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
);`,
  ];
  for (const name of readdirSync(migrations)
    .filter((file) => file.endsWith(".sql"))
    .sort()) {
    statements.push(readFileSync(join(migrations, name), "utf8"));
    statements.push(`INSERT INTO "d1_migrations" (name) values ('${name.replace(/'/g, "''")}');`);
  }
  const folder = mkdtempSync(join(tmpdir(), "shadowlight-migrations-"));
  try {
    const file = join(folder, "all.sql");
    writeFileSync(file, statements.join("\n"));
    await run("wrangler", ["d1", "execute", "DB", "--local", ...location, "--file", file], WRANGLER_ENV);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

export interface RunningWorker {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Resolves when nothing listens on 127.0.0.1:`port`; throws otherwise. */
function portIsFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) =>
      reject(new Error(`127.0.0.1:${port} is in use (${error.code}): stop what runs there or set PORT`)),
    );
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve()));
  });
}

/** Starts `wrangler dev` on 127.0.0.1 and resolves once it answers HTTP. */
export async function startWorker(options: {
  port: number;
  persistTo?: string;
  vars?: Record<string, string>;
  inherit?: boolean;
  /** Expose `/__scheduled?cron=...` to run the cron handler on demand (benchmarks). */
  testScheduled?: boolean;
  /** The DevTools inspector's port (wrangler's default, 9229, is one port for every worker). */
  inspectorPort?: number;
  /** Another wrangler configuration than ./wrangler.toml (a benchmark's own worker). */
  config?: string;
  /** Another checkout of the project to run (a benchmark comparing two versions); this one by default. */
  root?: string;
}): Promise<RunningWorker> {
  // Another server on the port would answer the readiness check below in this worker's place.
  await portIsFree(options.port);
  const args = ["dev", "--ip", "127.0.0.1", "--port", String(options.port), "--show-interactive-dev-session=false"];
  if (options.config) args.push("--config", options.config);
  if (options.persistTo) args.push("--persist-to", options.persistTo);
  if (options.testScheduled) args.push("--test-scheduled");
  if (options.inspectorPort) args.push("--inspector-port", String(options.inspectorPort));
  // The local admin token is an explicit opt-in (see middleware/admin-auth.ts).
  for (const [key, value] of Object.entries({ LOCAL_ADMIN: "1", ...options.vars })) {
    args.push("--var", `${key}:${value}`);
  }
  const root = options.root ?? ROOT;
  const child = spawn(join(root, "node_modules", ".bin", "wrangler"), args, {
    cwd: root,
    env: WRANGLER_ENV,
    stdio: ["ignore", options.inherit ? "inherit" : "pipe", options.inherit ? "inherit" : "pipe"],
    detached: !options.inherit,
  });
  let log = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    log += chunk;
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    log += chunk;
  });
  const url = `http://127.0.0.1:${options.port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      if (child.pid && !options.inherit) process.kill(-child.pid, "SIGTERM");
      else child.kill("SIGTERM");
    } catch {
      // Already gone.
    }
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${log}`);
    try {
      const response = await fetch(`${url}/api/v1/policy`);
      if (response.status === 401) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wrangler dev did not start within 60 s:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { url, process: child, stop };
}
