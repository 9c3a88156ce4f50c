/**
 * TypeScript (strict) over every part, each with its own tsconfig: the parts differ in what
 * they may touch (shared/ has no DOM and no browser API, the worker has Workers types, the
 * extension WXT's). Runs as many projects at once as the machine has cores, and keeps each
 * project's incremental state in node_modules/.cache, so an unchanged checkout is checked in
 * seconds. Prints each project's time; exits non-zero when any has errors.
 */
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";

const ROOT = new URL("../", import.meta.url).pathname;
const CACHE = join(ROOT, "node_modules", ".cache", "typecheck");
const PROJECTS = [".", "extension", "worker", "worker/dashboard", "test/worker", "test/dashboard", "shared"];

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
process.exit(failed ? 1 : 0);
