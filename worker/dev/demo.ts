/**
 * `npm run demo`: `npm start` on a database of its own (`.wrangler/demo`), seeded with the demo
 * organization (worker/dev/demo-seed.ts) through the device and admin APIs. A second run
 * reuses the seeded database; `npm run demo -- --reseed` deletes it and seeds it again (the
 * organization is the same, its 90 days end on the day of seeding).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type DemoSummary, overviewShows, seedDemo } from "./demo-seed";
import { ROOT } from "./local";
import { serve } from "./serve";

const args = process.argv.slice(2);
const unknown = args.filter((arg) => arg !== "--reseed");
if (unknown.length) {
  console.error(`npm run demo: unknown argument ${unknown.join(" ")} (the only one is --reseed)`);
  process.exit(2);
}
const persistTo = join(ROOT, ".wrangler", "demo");
const markerPath = join(persistTo, "demo.json");
interface Marker {
  seededOn: string;
  summary: DemoSummary;
}
const marker: Marker | null = existsSync(markerPath) ? (JSON.parse(readFileSync(markerPath, "utf8")) as Marker) : null;
// A database without the marker was left half seeded: start over.
if (args.includes("--reseed") || !marker) rmSync(persistTo, { recursive: true, force: true });
const reused = marker && !args.includes("--reseed") ? marker : null;

const describe = ({ summary, seededOn }: Marker, how: string) => [
  "",
  `  Demo data        ${summary.devices} devices in ${Object.keys(summary.groups).length} groups, ${summary.tools} AI tools,`,
  `                   ${summary.days} days up to ${seededOn}, policy versions ${summary.versions.join(" and ")} (${how})`,
];

await serve({
  persistTo,
  heading: "The Shadowlight demo is running",
  // Each seeded report is written before its answer (not queued), so the admin decisions and
  // the scheduled jobs that follow the seeding see every count.
  workerVars: { INGEST_MODE: "direct" },
  prepare: async ({ serverUrl, vars }) => {
    if (reused) {
      await overviewShows({ serverUrl, adminToken: vars.ADMIN_TOKEN }, reused.summary);
      return describe(reused, "reused; npm run demo -- --reseed seeds it again");
    }
    console.log("Seeding the demo organization through the device API…");
    const started = performance.now();
    const summary = await seedDemo({ serverUrl, persistTo }, { adminToken: vars.ADMIN_TOKEN, log: console.log });
    const seeded: Marker = { seededOn: new Date().toISOString().slice(0, 10), summary };
    await overviewShows({ serverUrl, adminToken: vars.ADMIN_TOKEN }, summary);
    writeFileSync(markerPath, `${JSON.stringify(seeded, null, 2)}\n`);
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    return describe(seeded, `seeded now: ${summary.reports} reports in ${seconds} s`);
  },
});
