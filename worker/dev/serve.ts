/**
 * What `npm start` and `npm run demo` share: build the catalog, the dashboard and the
 * extension (preconfigured for this server), apply the migrations to a local D1, start the
 * worker on 127.0.0.1:$PORT (8787), let the caller fill the database, print what to do next
 * and run until interrupted.
 */
import { applyMigrations, buildExtension, type DevVars, ensureDevVars, ROOT, run, startWorker } from "./local";

export interface ServeOptions {
  /** The local D1's folder (wrangler's default under `.wrangler/state` when absent). */
  persistTo?: string;
  /** The first line of the summary. */
  heading: string;
  /** Settings that replace wrangler.toml's `[vars]` for this local worker. */
  workerVars?: Record<string, string>;
  /** Runs once the worker answers, before the summary is printed; returns lines for the summary. */
  prepare?: (context: { serverUrl: string; vars: DevVars }) => Promise<string[]>;
}

export async function serve(options: ServeOptions): Promise<void> {
  const port = Number(process.env.PORT ?? 8787);
  const { vars, created } = ensureDevVars();
  const serverUrl = `http://127.0.0.1:${port}`;

  // The worker bundles the catalog and serves the dashboard: both are built before it starts.
  // The migrations run meanwhile in a local D1 of their own (the worker opens the database at
  // its first request, after them), the extension while the worker starts and the caller fills
  // the database (neither needs it).
  console.log("Building the catalog, dashboard and extension; migrating the local D1 and starting the worker…");
  const migrated = applyMigrations(options.persistTo);
  await run("tsx", ["policies/build.ts"]);
  await run("vite", ["build", "--config", "worker/dashboard/vite.config.ts", "--logLevel", "warn"]);
  const extension = buildExtension({ serverUrl, enrollmentToken: vars.ENROLLMENT_TOKEN });
  // Both are awaited below; until then a failure must not end the process before the worker stops.
  for (const step of [migrated, extension]) step.catch(() => {});
  // Local wrangler does not run cron triggers by itself: this process runs the scheduled jobs
  // (daily aggregates, webhooks, retention) every 5 minutes, as the cron does in production.
  const worker = await startWorker({
    port,
    inherit: true,
    testScheduled: true,
    persistTo: options.persistTo,
    ...(options.workerVars ? { vars: options.workerVars } : {}),
  });
  const runScheduled = () =>
    fetch(`${serverUrl}/__scheduled?cron=${encodeURIComponent("*/5 * * * *")}`).catch((error: Error) =>
      console.error(`scheduled jobs did not run: ${error.message}`),
    );
  const cron = setInterval(runScheduled, 5 * 60_000);
  const stop = async () => {
    clearInterval(cron);
    await worker.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  let extra: string[];
  let paths: Awaited<typeof extension>;
  try {
    await migrated;
    // Publishes the default policy into a fresh database (idempotent).
    await fetch(`${serverUrl}/api/admin/policy`, { headers: { Authorization: `Bearer ${vars.ADMIN_TOKEN}` } });
    extra = options.prepare ? await options.prepare({ serverUrl, vars }) : [];
    paths = await extension;
    const page = await fetch(`${serverUrl}/`);
    if (!page.ok || !(await page.text()).includes("<script"))
      throw new Error(`the dashboard is not served (${page.status})`);
  } catch (error) {
    clearInterval(cron);
    await worker.stop();
    throw error;
  }

  // From the moment this command started (Node's clock starts with the process).
  const seconds = (performance.now() / 1000).toFixed(1);
  console.log(`
${options.heading} (ready in ${seconds} s).

  Dashboard        ${serverUrl}/#token=${vars.ADMIN_TOKEN}
  API              ${serverUrl}/api/v1/
  Admin token      ${vars.ADMIN_TOKEN}${created ? "   (new: written to .dev.vars)" : "   (from .dev.vars)"}
  Viewer token     ${vars.VIEWER_TOKEN}
  Enrollment token ${vars.ENROLLMENT_TOKEN}
${extra.map((line) => `${line}\n`).join("")}
Load the extension (already configured for this server and token):
  Chrome / Edge:   open chrome://extensions, switch on Developer mode, "Load unpacked",
                   choose ${paths.chrome}
  Firefox:         open about:debugging#/runtime/this-firefox, "Load Temporary Add-on…",
                   choose ${paths.firefox}/manifest.json
Then open an AI tool (for example https://chatgpt.com), and press "Send now" in the
extension's popup to see it in the dashboard at once (otherwise it reports every 15 minutes).
The scheduled jobs (daily totals, webhooks, retention) run every 5 minutes while this runs.

Data lives in ${options.persistTo ?? `${ROOT}.wrangler/state`}. Press Ctrl+C to stop.
`);

  await runScheduled();
}
