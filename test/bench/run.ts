/**
 * `npm run bench`: every `bench:*` script of package.json, in the order it lists them, one at
 * a time (they measure time; running two at once would skew both). Each one's output is shown
 * as it comes; at the end, a summary and one JSON line carrying each benchmark's own closing
 * JSON line. Exits non-zero when any benchmark fails. `npm run bench -- matcher` runs only
 * the named ones.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

interface Outcome {
  script: string;
  ok: boolean;
  seconds: number;
  result: unknown;
}

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  scripts: Record<string, string>;
};
const only = process.argv.slice(2);
const scripts = Object.keys(pkg.scripts)
  .filter((name) => name.startsWith("bench:"))
  .filter((name) => only.length === 0 || only.includes(name) || only.includes(name.slice("bench:".length)));
if (scripts.length === 0) {
  console.error(`no bench:* script matches ${only.join(", ")}`);
  process.exit(1);
}

/** Runs one script, passing its output through and keeping its last line. */
function runScript(script: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn("npm", ["run", "--silent", script], { stdio: ["ignore", "pipe", "inherit"] });
    let tail = "";
    child.stdout.on("data", (chunk: Buffer) => {
      process.stdout.write(chunk);
      // Only the end matters: keep enough for a long closing JSON line.
      tail = (tail + chunk.toString("utf8")).slice(-65_536);
    });
    const finish = (ok: boolean) => {
      const last = tail.trimEnd().split("\n").pop() ?? "";
      let result: unknown = null;
      try {
        result = JSON.parse(last);
      } catch {
        // A benchmark that does not end with JSON still counts by its exit status.
      }
      resolve({ script, ok, seconds: (performance.now() - started) / 1000, result });
    };
    child.on("error", (error) => {
      console.error(`${script}: ${error.message}`);
      finish(false);
    });
    child.on("close", (code) => finish(code === 0));
  });
}

const outcomes: Outcome[] = [];
for (const script of scripts) {
  console.log(`\n=== ${script} ===`);
  outcomes.push(await runScript(script));
}

console.log("\n=== summary ===");
for (const outcome of outcomes) {
  console.log(`${outcome.ok ? "ok    " : "FAILED"}  ${outcome.script.padEnd(24)} ${outcome.seconds.toFixed(1)} s`);
}
const failed = outcomes.filter((outcome) => !outcome.ok).map((outcome) => outcome.script);
console.log(
  JSON.stringify({
    bench: "all",
    ok: failed.length === 0,
    failed,
    results: Object.fromEntries(outcomes.map((outcome) => [outcome.script, outcome.result])),
  }),
);
if (failed.length > 0) process.exitCode = 1;
