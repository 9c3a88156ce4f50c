/**
 * `npm test`: every tier, each timed; one line per tier and the total at the end.
 *   static   the catalog, dashboard and extension builds, TypeScript, Biome, web-ext lint,
 *            knip (no unused file, dependency or export)
 *   unit     shared, extension and dashboard modules (vitest; the default watch loop)
 *   worker   every endpoint inside workerd against local D1
 *   e2e      the built extension in Chromium and Firefox against the local worker, and the
 *            organization's packages
 * The test tiers share nothing (each starts its own workers on ports of its own, and builds of
 * the extension take turns through a lock), so they run side by side, each in a process of its
 * own whose output is printed in one piece when it ends: the e2e tier, the longest, as soon as
 * the static tier's builds and type check passed (see STATIC_STEPS_BEFORE_E2E), the unit and
 * worker tiers once the whole static tier passed. A failing static tier keeps the tiers it had
 * not started from starting (nothing after it would mean anything; a started e2e tier runs to
 * its end); a failing test tier does not stop the others.
 *
 * `npm test -- unit worker` runs only the tiers named; `--one-by-one` runs them one after the
 * other with their output as it comes (for a machine short of memory, or to read along).
 */
import { spawn } from "node:child_process";
import { readFileSync, writeSync } from "node:fs";

interface Tier {
  name: string;
  steps: string[][];
}

/**
 * The static tier's first steps build what the tests read (the compiled catalog, the dashboard
 * the local worker serves) and read WXT's generated types, which the e2e tier's builds rewrite
 * (for Chrome, then Firefox); the steps after them only read the sources and the static
 * tier's own build. The e2e tier starts once these steps passed.
 */
const STATIC_STEPS_BEFORE_E2E = 2;

const TIERS: Tier[] = [
  {
    name: "static",
    steps: [
      // The build compiles the catalog first; the type check and the Firefox lint use its output.
      ["npm", "run", "--silent", "build"],
      ["npx", "tsx", "test/typecheck.ts"],
      ["npm", "run", "--silent", "lint"],
      ["npm", "run", "--silent", "lint:firefox"],
      ["npm", "run", "--silent", "lint:unused"],
    ],
  },
  {
    name: "unit",
    steps: [["npx", "vitest", "run", "--project", "shared", "--project", "extension", "--project", "dashboard"]],
  },
  { name: "worker", steps: [["npx", "vitest", "run", "--project", "worker"]] },
  { name: "e2e", steps: [["npx", "vitest", "run", "--project", "e2e", "--project", "e2e-serial"]] },
];

/** What every tier's processes run with: vitest keeps its colours though its output is piped. */
const CHILD_ENV = { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? "1" };

/** The file descriptor on which a tier's process reports its processor time to the run. */
const REPORT_FD = 3;

interface Outcome {
  name: string;
  seconds: number;
  cpu: number | null;
  ok: boolean | null;
}

/**
 * Processor seconds used so far by this process's finished children and everything they
 * waited for (Linux's cutime + cstime), or null elsewhere. Unlike the wall time, it hardly
 * changes with what else the machine is running.
 */
function childCpuSeconds(): number | null {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[13]) + Number(fields[14]);
    return Number.isFinite(ticks) ? ticks / 100 : null;
  } catch {
    return null;
  }
}

function runStep(command: string[]): Promise<number> {
  const [program, ...args] = command as [string, ...string[]];
  return new Promise((resolve) => {
    const child = spawn(program, args, {
      stdio: "inherit",
      env: CHILD_ENV,
    });
    child.on("close", (code) => resolve(code ?? 1));
    child.on("error", () => resolve(1));
  });
}

/** Runs one tier's steps in this process, stopping at the first that fails. */
async function runTierHere(tier: Tier, afterStep: (done: number) => void = () => {}): Promise<Outcome> {
  const started = Date.now();
  const cpuBefore = childCpuSeconds();
  let ok = true;
  for (const [index, step] of tier.steps.entries()) {
    if ((await runStep(step)) !== 0) {
      ok = false;
      break;
    }
    afterStep(index + 1);
  }
  const cpuAfter = childCpuSeconds();
  const cpu = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
  return { name: tier.name, seconds: (Date.now() - started) / 1000, cpu, ok };
}

/**
 * Runs a tier in a process of its own (this script again, with `--tier`), its output kept until
 * it ends; the process reports its outcome as JSON on REPORT_FD, so its processor time is its
 * own and not the other tiers'.
 */
function runTierApart(tier: Tier): Promise<{ outcome: Outcome; output: string }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1] as string, "--tier", tier.name], {
      stdio: ["ignore", "pipe", "pipe", "pipe"],
      env: CHILD_ENV,
    });
    const chunks: Buffer[] = [];
    let report = "";
    child.stdout?.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr?.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stdio[REPORT_FD]?.on("data", (chunk: Buffer) => {
      report += chunk;
    });
    const finish = (fallback: string) => {
      const output = Buffer.concat(chunks).toString();
      try {
        resolve({ outcome: JSON.parse(report) as Outcome, output });
      } catch {
        const seconds = (Date.now() - started) / 1000;
        resolve({ outcome: { name: tier.name, seconds, cpu: null, ok: false }, output: `${output}\n${fallback}\n` });
      }
    };
    child.on("close", (code, signal) =>
      finish(`the ${tier.name} tier's process ended without a result (${signal ?? code})`),
    );
    child.on("error", (error) => finish(`the ${tier.name} tier's process did not start: ${error.message}`));
  });
}

const seconds = (value: number | null) => (value === null ? "-" : `${value.toFixed(1)} s`).padStart(8);
const verdict = (ok: boolean | null) => (ok === null ? "not run" : ok ? "passed" : "FAILED");

const argv = process.argv.slice(2);

// A tier's own process: run it and report.
const tierFlag = argv.indexOf("--tier");
if (tierFlag >= 0) {
  const tier = TIERS.find((candidate) => candidate.name === argv[tierFlag + 1]);
  if (!tier) process.exit(2);
  const outcome = await runTierHere(tier);
  writeSync(REPORT_FD, JSON.stringify(outcome));
  process.exit(outcome.ok ? 0 : 1);
}

const oneByOne = argv.includes("--one-by-one");
const asked = argv.filter((arg) => arg !== "--one-by-one");
const unknown = asked.filter((name) => !TIERS.some((tier) => tier.name === name));
if (unknown.length) {
  console.error(
    `unknown tier or option: ${unknown.join(", ")} (tiers: ${TIERS.map((tier) => tier.name).join(", ")}; --one-by-one)`,
  );
  process.exit(2);
}
const chosen = asked.length ? TIERS.filter((tier) => asked.includes(tier.name)) : TIERS;

const results: Outcome[] = [];
const started = Date.now();
const staticTier = chosen.find((tier) => tier.name === "static");
const testTiers = chosen.filter((tier) => tier !== staticTier);
// One tier on its own needs no buffering: its output comes as it is written.
const apart = !oneByOne && testTiers.length > 1;

/** Runs a test tier in its own process and prints its output in one piece when it ends. */
async function runReported(tier: Tier): Promise<void> {
  const { outcome, output } = await runTierApart(tier);
  console.log(`\n=== ${tier.name}: ${verdict(outcome.ok)} in ${outcome.seconds.toFixed(1)} s ===`);
  process.stdout.write(output);
  results.push(outcome);
}

const running: Array<Promise<void>> = [];
const early = apart ? testTiers.filter((tier) => tier.name === "e2e") : [];
const startEarly = () => running.push(...early.splice(0).map(runReported));
let passed = true;
if (staticTier) {
  console.log("\n=== static ===");
  const outcome = await runTierHere(staticTier, (done) => {
    if (done !== STATIC_STEPS_BEFORE_E2E || early.length === 0) return;
    console.log("\n(the e2e tier starts now, beside the rest of the static tier; its output follows when it ends)");
    startEarly();
  });
  results.push(outcome);
  passed = outcome.ok === true;
}
if (!passed) {
  console.log("\nThe static tier failed: no test tier starts now (a started e2e tier runs to its end).");
} else if (apart) {
  startEarly();
  const rest = testTiers.filter((tier) => tier.name !== "e2e");
  console.log(
    `\nRunning ${testTiers.map((tier) => tier.name).join(", ")} side by side; each tier's output follows when it ends.`,
  );
  running.push(...rest.map(runReported));
} else {
  for (const tier of testTiers) {
    console.log(`\n=== ${tier.name} ===`);
    results.push(await runTierHere(tier));
  }
}
await Promise.all(running);
for (const tier of chosen.filter((t) => !results.some((r) => r.name === t.name))) {
  results.push({ name: tier.name, seconds: 0, cpu: null, ok: null });
}
results.sort((a, b) => TIERS.findIndex((t) => t.name === a.name) - TIERS.findIndex((t) => t.name === b.name));

console.log("\ntier         time       cpu  result");
for (const { name, seconds: wall, cpu, ok } of results) {
  console.log(`${name.padEnd(8)} ${seconds(wall)}  ${seconds(cpu)}  ${verdict(ok)}`);
}
const cpus = results.map((result) => result.cpu);
const totalCpu = cpus.every((cpu) => cpu !== null) ? cpus.reduce((sum: number, cpu) => sum + (cpu ?? 0), 0) : null;
console.log(`total    ${seconds((Date.now() - started) / 1000)}  ${seconds(totalCpu)}`);
if (apart) console.log("(time: each tier's own; the test tiers ran at once, so the total is less than their sum)");
console.log("(cpu: seconds of processor time the tier's processes used, on all cores together)");
process.exit(results.every((result) => result.ok) ? 0 : 1);
