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

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !TIERS.some((tier) => tier.name === name));
if (unknown.length) {
  console.error(`unknown tier: ${unknown.join(", ")} (tiers: ${TIERS.map((tier) => tier.name).join(", ")})`);
  process.exit(2);
}
const chosen = asked.length ? TIERS.filter((tier) => asked.includes(tier.name)) : TIERS;

const results: Array<{ name: string; seconds: number; ok: boolean | null }> = [];
const started = Date.now();
for (const tier of chosen) {
  const tierStarted = Date.now();
  console.log(`\n=== ${tier.name} ===`);
  let ok = true;
  for (const step of tier.steps) {
    if ((await run(step)) !== 0) {
      ok = false;
      break;
    }
  }
  results.push({ name: tier.name, seconds: (Date.now() - tierStarted) / 1000, ok });
  if (!ok && tier.name === "static") break;
}
for (const tier of chosen.filter((t) => !results.some((r) => r.name === t.name))) {
  results.push({ name: tier.name, seconds: 0, ok: null });
}

console.log("\ntier     time      result");
for (const { name, seconds, ok } of results) {
  console.log(
    `${name.padEnd(8)} ${`${seconds.toFixed(1)} s`.padStart(8)}  ${ok === null ? "not run" : ok ? "passed" : "FAILED"}`,
  );
}
console.log(`total    ${`${((Date.now() - started) / 1000).toFixed(1)} s`.padStart(8)}`);
process.exit(results.every((result) => result.ok) ? 0 : 1);
