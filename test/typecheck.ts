/**
 * TypeScript (strict) over every part, each with its own tsconfig: the parts differ in what
 * they may touch (shared/ has no DOM and no browser API, the worker has Workers types, the
 * extension WXT's). Runs as many projects at once as the machine has cores, and keeps each
 * project's incremental state in node_modules/.cache. A check that passed records a digest of
 * everything TypeScript reads from the repository (every TypeScript file and tsconfig, the
 * lockfile, the generated catalog and WXT types); when nothing of it changed since, the check
 * is not run again and says so. Prints each project's time; exits non-zero when any has errors.
 */
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";

const ROOT = new URL("../", import.meta.url).pathname;
const CACHE = join(ROOT, "node_modules", ".cache", "typecheck");
const PROJECTS = [".", "extension", "worker", "worker/dashboard", "test/worker", "test/dashboard", "shared"];
/** The digest of the inputs of the last check that passed. */
const PASSED = join(CACHE, "passed.sha256");

/** A digest of every file TypeScript reads from the repository, by path and content. */
function inputsDigest(): string {
  const tracked = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: ROOT })
    .toString()
    .split("\n")
    .filter((file) => /\.(?:ts|tsx|mts|cts)$|(?:^|\/)tsconfig[^/]*\.json$|^package-lock\.json$/.test(file));
  // Generated, so not in git: the compiled catalog the code imports, and WXT's types.
  const generated = ["policies/dist", ".wxt"].flatMap((dir) =>
    existsSync(join(ROOT, dir))
      ? readdirSync(join(ROOT, dir), { recursive: true, encoding: "utf8" }).map((file) => join(dir, file))
      : [],
  );
  const hash = createHash("sha256");
  for (const file of [...tracked, ...generated].sort()) {
    const path = join(ROOT, file);
    if (!existsSync(path) || !/\.[a-z]+$/.test(file)) continue;
    let content: Buffer;
    try {
      content = readFileSync(path);
    } catch {
      continue; // A folder.
    }
    hash.update(file).update("\0").update(content).update("\0");
  }
  return hash.digest("hex");
}

function run(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(join(ROOT, "node_modules", ".bin", args[0] as string), args.slice(1), { cwd: ROOT });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk;
    });
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

mkdirSync(CACHE, { recursive: true });
// WXT's generated types (.wxt/) must exist before the extension is checked.
const prepared = await run(["wxt", "prepare"]);
if (prepared.code !== 0) {
  process.stderr.write(prepared.output);
  process.exit(1);
}

const digest = inputsDigest();
if (existsSync(PASSED) && readFileSync(PASSED, "utf8") === digest) {
  console.log(`tsc: nothing TypeScript reads changed since the last check passed (${PASSED}); not run again`);
  process.exit(0);
}
rmSync(PASSED, { force: true });

const queue = [...PROJECTS];
let failed = false;
async function worker(): Promise<void> {
  for (let project = queue.shift(); project !== undefined; project = queue.shift()) {
    const started = Date.now();
    const name = project === "." ? "root" : project.replaceAll("/", "-");
    const { code, output } = await run([
      "tsc",
      "-p",
      project,
      "--incremental",
      "--tsBuildInfoFile",
      join(CACHE, `${name}.tsbuildinfo`),
    ]);
    console.log(
      `tsc -p ${project}: ${code === 0 ? "ok" : "errors"} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    if (code !== 0) {
      failed = true;
      process.stdout.write(output);
    }
  }
}
await Promise.all(Array.from({ length: Math.max(1, Math.min(availableParallelism(), PROJECTS.length)) }, worker));
if (!failed) writeFileSync(PASSED, digest);
process.exit(failed ? 1 : 0);
