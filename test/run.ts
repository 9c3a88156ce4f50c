/**
 * `npm test`: every tier in order, each timed, then one line per tier and the total.
 *   static   the catalog, dashboard and extension builds, TypeScript, Biome, web-ext lint,
 *            knip (no unused file, dependency or export)
 *   unit     shared, extension and dashboard modules (vitest; the default watch loop)
 *   worker   every endpoint inside workerd against local D1
 *   e2e      the built extension in Chromium against the local worker
 * `npm test -- unit worker` runs only the tiers named. A failing static tier stops the run
 * (nothing after it would mean anything); a failing test tier does not stop the next.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

interface Tier {
  name: string;
  steps: string[][];
}

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

function run(command: string[]): Promise<number> {
  const [program, ...args] = command as [string, ...string[]];
  return new Promise((resolve) => {
    const child = spawn(program, args, {
      stdio: "inherit",
      env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? "1" },
    });
    child.on("close", (code) => resolve(code ?? 1));
    child.on("error", () => resolve(1));
  });
}

/**
 * CPU seconds used so far by the finished steps and everything they waited for (Linux's
 * cutime + cstime of this process), or null elsewhere. Unlike the wall time, it hardly
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

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !TIERS.some((tier) => tier.name === name));
if (unknown.length) {
  console.error(`unknown tier: ${unknown.join(", ")} (tiers: ${TIERS.map((tier) => tier.name).join(", ")})`);
  process.exit(2);
}
const chosen = asked.length ? TIERS.filter((tier) => asked.includes(tier.name)) : TIERS;

const results: Array<{ name: string; seconds: number; cpu: number | null; ok: boolean | null }> = [];
const started = Date.now();
for (const tier of chosen) {
  const tierStarted = Date.now();
  const cpuBefore = childCpuSeconds();
  console.log(`\n=== ${tier.name} ===`);
  let ok = true;
  for (const step of tier.steps) {
    if ((await run(step)) !== 0) {
      ok = false;
      break;
    }
  }
  const cpuAfter = childCpuSeconds();
  const cpu = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
  results.push({ name: tier.name, seconds: (Date.now() - tierStarted) / 1000, cpu, ok });
  if (!ok && tier.name === "static") break;
}
for (const tier of chosen.filter((t) => !results.some((r) => r.name === t.name))) {
  results.push({ name: tier.name, seconds: 0, cpu: null, ok: null });
}

const seconds = (value: number | null) => (value === null ? "-" : `${value.toFixed(1)} s`).padStart(8);
console.log("\ntier         time       cpu  result");
for (const { name, seconds: wall, cpu, ok } of results) {
  console.log(
    `${name.padEnd(8)} ${seconds(wall)}  ${seconds(cpu)}  ${ok === null ? "not run" : ok ? "passed" : "FAILED"}`,
  );
}
const cpus = results.map((result) => result.cpu);
const totalCpu = cpus.every((cpu) => cpu !== null) ? cpus.reduce((sum: number, cpu) => sum + (cpu ?? 0), 0) : null;
console.log(`total    ${seconds((Date.now() - started) / 1000)}  ${seconds(totalCpu)}`);
console.log("(cpu: seconds of processor time the tier's processes used, on all cores together)");
process.exit(results.every((result) => result.ok) ? 0 : 1);
