/**
 * `npm run bench:nudge`: how soon after DOMContentLoaded a person sees the nudge, in real
 * Chromium with the built extension against the local worker, and what the background spends
 * on each navigation.
 *
 * The fake AI site's page measures itself, as any page could: its first head script installs
 * a MutationObserver that notes when the extension's element arrives, and the figure is that
 * moment minus the navigation entry's `domContentLoadedEventEnd` (negative: the nudge was
 * there before the page was parsed). Several catalog hosts, each under an `acknowledge` rule,
 * so every visit gets a nudge. A nudge that delays the page's own DOMContentLoaded would look
 * earlier by that figure alone: the nudge's moment from the navigation's start is printed too,
 * next to the page's DOMContentLoaded without the extension.
 *
 *   warm      the service worker is running (the common case)
 *   cold      the service worker was stopped before the navigation (the browser starts it
 *             again for the navigation, as after 30 s of idleness)
 *   baseline  the same pages in a browser without the extension, navigated in turn with the
 *             extension's: the page's own DOMContentLoaded and load, side by side
 *   allowed   catalog pages of tools the policy allows (no nudge), with and without the
 *             extension: what the extension costs a page it has nothing to show on
 *   other     pages of sites outside the catalog, where no content script runs, with and
 *             without the extension: what the extension costs any navigation (its network
 *             hooks and the background's work), the floor under the two rows above
 *   pastes    on the allowed tools' pages, a person's Ctrl+V of ordinary text, with and
 *             without the extension: the first paste of a page and later ones (page-cost.ts)
 *
 * The policy also turns the sensitive-data guard on (a warning for card numbers), so its
 * listener runs on every page, as in an organization that uses it. What the extension adds to
 * the page's DOMContentLoaded is the median of paired differences (page-cost.ts), held against
 * BUDGETS.pageAddedDcl*.
 *
 * Background CPU per navigation: the CPU time (user + system, from /proc) of the extension's
 * process, which runs only the service worker here, over the warm navigations, divided by
 * their number; cold navigations are reported apart (they include starting the worker).
 *
 * The service worker's start: from its start to its listeners registered (a performance mark
 * it sets), read after each cold navigation, and the cold navigation phase by phase from the
 * worker's marks set against the page's clock (service-worker.ts: when the worker started
 * after the page's DOMContentLoaded, loading its script, evaluating it, the navigation's event,
 * the decision, injecting the UI, the nudge in the DOM).
 *
 * BENCH_BASELINE=<another checkout of the project, with its node_modules> builds that
 * checkout's extension the same way and measures its nudges in a third browser, in the same
 * rounds (warm visits in turn, cold ones in alternating order): the code before a change and
 * after it, side by side in one run, as the machine's speed moves.
 *
 * Prints a table, then one JSON line. Exits non-zero when a navigation shows no nudge; with
 * `--strict` also when a target is missed. `--rounds N` sets the navigations per host
 * (default 8 warm, 4 cold). Timings on a shared machine are noisy: compare within one run.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "selfsigned";
import { BUDGETS } from "../../shared/limits";
import type { PolicyInput } from "../../shared/policy/schema";
import { applyMigrations, buildExtension, newEvidenceKey, ROOT, run, startWorker } from "../../worker/dev/local";
import { freePort, reservedPort } from "../support/net";
import { printTable } from "../support/table";
import { backgroundCpuSince, processCpu } from "./browser-cpu";
import { cells, launch, page, policyHeld, round2, summary, type Visit, visit } from "./nudge-visits";
import { addedMedian, HARMLESS_PASTE, timePastes } from "./page-cost";
import { type ColdPhases, coldPhases, startupMs, stopServiceWorker } from "./service-worker";

const STRICT = process.argv.includes("--strict");
const roundsArg = process.argv.indexOf("--rounds");
const ROUNDS = roundsArg > 0 ? Math.max(1, Number(process.argv[roundsArg + 1]) || 8) : 8;
const COLD_ROUNDS = Math.max(1, Math.ceil(ROUNDS / 2));
/** Another checkout of the project: its extension, built the same way, is measured beside this one. */
const BEFORE = process.env.BENCH_BASELINE;

/** Catalog pages, one tool each, as people open them. */
const PAGES: Array<[tool: string, url: string]> = [
  ["chatgpt", "https://chatgpt.com/c/bench"],
  ["claude", "https://claude.ai/new"],
  ["perplexity", "https://www.perplexity.ai/search/bench"],
  ["midjourney", "https://www.midjourney.com/imagine"],
  ["poe", "https://poe.com/chat/bench"],
  ["deepseek", "https://chat.deepseek.com/a/chat"],
];

/** Pages outside the catalog: no content script of the extension runs there. */
const OTHER: Array<[site: string, url: string]> = [
  ["intranet", "https://intranet.example.com/wiki/bench"],
  ["news", "https://news.example.org/today"],
];

/** Catalog pages of tools the policy allows: the extension runs on them, and shows nothing. */
const ALLOWED: Array<[tool: string, url: string]> = [
  ["google-gemini", "https://gemini.google.com/app"],
  ["mistral-le-chat", "https://chat.mistral.ai/chat"],
];

const POLICY: PolicyInput = {
  version: 1,
  name: "Nudge benchmark policy",
  reasons: [{ id: "evaluating", label: "I am evaluating this tool" }],
  rules: [{ id: "acknowledge-all", when: { tools: PAGES.map(([tool]) => tool) }, action: "acknowledge" }],
  fallback: "allow",
  guard: { rules: [{ id: "cards", when: { detectors: ["payment-card"] }, action: "warn" }], fallback: "allow" },
};

/** Pastes timed per page: the first, and the later ones. */
const PASTES_PER_PAGE = 4;

/** The median of each phase over cold navigations (they need not add up to the median of the whole). */
function phaseMedians(of: ColdPhases[]): Partial<Record<keyof ColdPhases, number>> {
  return Object.fromEntries(
    (Object.keys(of[0] ?? {}) as Array<keyof ColdPhases>).map((phase) => [
      phase,
      summary(of.map((p) => p[phase])).median,
    ]),
  );
}

async function main(): Promise<void> {
  const base = mkdtempSync(join(tmpdir(), "shadowlight-bench-nudge-"));
  const cleanups: Array<() => Promise<unknown> | unknown> = [() => rmSync(base, { recursive: true, force: true })];
  try {
    await run("tsx", ["policies/build.ts"]);
    // The worker serves the dashboard's build as its static assets: it will not start without one.
    if (!existsSync(join(ROOT, "worker/dashboard/dist"))) {
      await run("vite", ["build", "--config", "worker/dashboard/vite.config.ts", "--logLevel", "warn"]);
    }
    const port = await reservedPort();
    const serverUrl = `http://127.0.0.1:${port}`;
    const enrollment = "bench-enrollment-token";
    const admin = "bench-admin-token";
    const started = performance.now();
    const { chrome: extension } = await buildExtension({
      serverUrl,
      enrollmentToken: enrollment,
      outDir: join(base, "build"),
      browsers: ["chrome"],
    });
    if (BEFORE && !existsSync(join(BEFORE, "node_modules"))) {
      throw new Error(`BENCH_BASELINE: ${BEFORE} has no node_modules (run npm ci there)`);
    }
    if (BEFORE) await run("tsx", ["policies/build.ts"], process.env, true, BEFORE);
    const extensionBefore = BEFORE
      ? (
          await buildExtension({
            serverUrl,
            enrollmentToken: enrollment,
            outDir: join(base, "build-before"),
            browsers: ["chrome"],
            root: BEFORE,
          })
        ).chrome
      : null;
    const persistTo = join(base, "state");
    await applyMigrations(persistTo);
    const worker = await startWorker({
      port,
      persistTo,
      vars: { ENROLLMENT_TOKEN: enrollment, ADMIN_TOKEN: admin, EVIDENCE_SIGNING_KEY: newEvidenceKey() },
      inspectorPort: await reservedPort([port]),
    });
    cleanups.unshift(() => worker.stop());
    const published = await fetch(`${serverUrl}/api/admin/policy`, {
      method: "POST",
      headers: { Authorization: `Bearer ${admin}`, "Content-Type": "application/json" },
      body: JSON.stringify({ policy: POLICY }),
    });
    if (!published.ok) throw new Error(`publishing the policy failed: ${published.status} ${await published.text()}`);

    const pems = await generate([{ name: "commonName", value: "fake-ai.test" }], { keySize: 2048 });
    const site = createServer({ key: pems.private, cert: pems.cert }, (request, response) => {
      const host = (request.headers.host ?? "").replace(/:\d+$/, "");
      response.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
      response.end(page(host));
    });
    const sitePort = await freePort();
    await new Promise<void>((resolve) => site.listen(sitePort, "127.0.0.1", resolve));
    cleanups.unshift(() => new Promise((resolve) => site.close(resolve)));
    const hosts = [...PAGES, ...ALLOWED, ...OTHER].map(([, url]) => new URL(url).hostname);

    const withExtension = await launch(join(base, "with"), hosts, sitePort, extension);
    cleanups.unshift(() => withExtension.close());
    const without = await launch(join(base, "without"), hosts, sitePort);
    cleanups.unshift(() => without.close());
    const withBefore = extensionBefore ? await launch(join(base, "before"), hosts, sitePort, extensionBefore) : null;
    if (withBefore) cleanups.unshift(() => withBefore.close());
    for (const browser of [withExtension, without]) {
      for (const [, url] of ALLOWED) {
        await browser.setPermission(
          new URL(url).origin,
          ...(["clipboard-read", "clipboard-write"] as const).map((name) => ({
            permission: { name },
            state: "granted" as const,
          })),
        );
      }
    }
    console.log(
      `nudge bench: extension built, worker and browsers up in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    // The extensions enroll and fetch the policy on install: wait until they hold the published one.
    await policyHeld(withExtension, POLICY.name);
    if (withBefore) await policyHeld(withBefore, POLICY.name);

    const tab = await withExtension.newPage();
    await tab.setViewport({ width: 1280, height: 800 });
    const baselineTab = await without.newPage();
    const beforeTab = withBefore ? await withBefore.newPage() : null;
    await beforeTab?.setViewport({ width: 1280, height: 800 });
    // One visit per host first: caches, the site's TLS session and the page's code are warm for all.
    for (const [, url] of PAGES) {
      await visit(baselineTab, url, false);
      await visit(tab, url, true);
      if (beforeTab) await visit(beforeTab, url, true);
    }
    for (const [, url] of ALLOWED) {
      await visit(baselineTab, url, false);
      await visit(tab, url, false);
    }

    const warm: Visit[] = [];
    const baseline: Visit[] = [];
    const warmBefore: Visit[] = [];
    const cpuBefore = processCpu(withExtension).cpuMs;
    for (let round = 0; round < ROUNDS; round++) {
      for (const [n, [, url]] of PAGES.entries()) {
        // The page without the extension sits between the two builds, which take turns before
        // and after it: the visit right after it (its page's last work still running) is this
        // build's one time, the code before's the next.
        const beforeFirst = (round + n) % 2 === 0;
        if (beforeFirst) {
          if (beforeTab) warmBefore.push(await visit(beforeTab, url, true));
          baseline.push(await visit(baselineTab, url, false));
          warm.push(await visit(tab, url, true));
        } else {
          warm.push(await visit(tab, url, true));
          baseline.push(await visit(baselineTab, url, false));
          if (beforeTab) warmBefore.push(await visit(beforeTab, url, true));
        }
      }
    }
    const warmCpuMs = backgroundCpuSince(withExtension, cpuBefore) / warm.length;

    // Allowed tools: the same pages, no nudge; after the nudged ones so the CPU figure is theirs.
    const allowed: Visit[] = [];
    const allowedBaseline: Visit[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const [, url] of ALLOWED) {
        allowedBaseline.push(await visit(baselineTab, url, false));
        allowed.push(await visit(tab, url, false));
      }
    }
    if (allowed.some((v) => v.nudgeAt !== null)) throw new Error("an allowed tool's page showed a nudge");
    const other: Visit[] = [];
    const otherBaseline: Visit[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const [, url] of OTHER) {
        otherBaseline.push(await visit(baselineTab, url, false));
        other.push(await visit(tab, url, false));
      }
    }

    // Pastes on the allowed tools' pages: a fresh page each time, so its first paste is a first.
    const pastes = {
      first: [] as number[],
      later: [] as number[],
      baseFirst: [] as number[],
      baseLater: [] as number[],
    };
    for (let round = 0; round < ROUNDS; round++) {
      for (const [, url] of ALLOWED) {
        await visit(baselineTab, url, false);
        const [baseFirst, ...baseLater] = await timePastes(baselineTab, HARMLESS_PASTE, PASTES_PER_PAGE);
        await visit(tab, url, false);
        const [first, ...later] = await timePastes(tab, HARMLESS_PASTE, PASTES_PER_PAGE);
        pastes.baseFirst.push(baseFirst as number);
        pastes.baseLater.push(...baseLater);
        pastes.first.push(first as number);
        pastes.later.push(...later);
      }
    }

    const cold: Visit[] = [];
    const startups: number[] = [];
    const phases: ColdPhases[] = [];
    const phasesBefore: ColdPhases[] = [];
    const coldBefore: Visit[] = [];
    const startupsBefore: number[] = [];
    let coldCpuMs = 0;
    for (let round = 0; round < COLD_ROUNDS; round++) {
      for (const [n, [, url]] of PAGES.entries()) {
        // The code before, when named, goes first every other time: neither gets the quieter moments.
        const beforeFirst = (round + n) % 2 === 0;
        const visitBefore = async () => {
          if (!withBefore || !beforeTab) return;
          await stopServiceWorker(withBefore);
          const beforeVisit = await visit(beforeTab, url, true);
          coldBefore.push(beforeVisit);
          startupsBefore.push(await startupMs(withBefore));
          // A build from before the worker's marks has no phases.
          const parts = await coldPhases(withBefore, beforeVisit);
          if (parts) phasesBefore.push(parts);
        };
        if (beforeFirst) await visitBefore();
        await stopServiceWorker(withExtension);
        const cpu = processCpu(withExtension).cpuMs;
        const coldVisit = await visit(tab, url, true);
        cold.push(coldVisit);
        coldCpuMs += backgroundCpuSince(withExtension, cpu);
        startups.push(await startupMs(withExtension));
        const parts = await coldPhases(withExtension, coldVisit);
        if (parts) phases.push(parts);
        if (!beforeFirst) await visitBefore();
        baseline.push(await visit(baselineTab, url, false));
      }
    }
    coldCpuMs /= cold.length;

    const nudgeWarm = summary(warm.map((v) => v.nudge as number));
    const nudgeCold = summary(cold.map((v) => v.nudge as number));
    const nudgeAtWarm = summary(warm.map((v) => v.nudgeAt as number));
    const nudgeAtCold = summary(cold.map((v) => v.nudgeAt as number));
    const dclBaseline = summary(baseline.map((v) => v.dcl));
    const dclAllowedBaseline = summary(allowedBaseline.map((v) => v.dcl));
    const dclAllowed = summary(allowed.map((v) => v.dcl));
    const dclWarm = summary(warm.map((v) => v.dcl));
    const dclCold = summary(cold.map((v) => v.dcl));
    const loadBaseline = summary(baseline.map((v) => v.load));
    const loadWarm = summary(warm.map((v) => v.load));
    // Each warm visit is paired with the visit to the same page without the extension next to it
    // (the first baselines).
    const addedDcl = {
      nudged: addedMedian(
        warm.map((v) => v.dcl),
        baseline.slice(0, warm.length).map((v) => v.dcl),
      ),
      allowed: addedMedian(
        allowed.map((v) => v.dcl),
        allowedBaseline.map((v) => v.dcl),
      ),
      other: addedMedian(
        other.map((v) => v.dcl),
        otherBaseline.map((v) => v.dcl),
      ),
    };
    const paste = {
      first: summary(pastes.first),
      later: summary(pastes.later),
      baselineFirst: summary(pastes.baseFirst),
      baselineLater: summary(pastes.baseLater),
    };

    // The code before (BENCH_BASELINE), measured in the same rounds: its nudges and its start.
    const before = withBefore
      ? {
          checkout: BEFORE,
          nudgeAfterDclMs: {
            warm: summary(warmBefore.map((v) => v.nudge as number)),
            cold: summary(coldBefore.map((v) => v.nudge as number)),
          },
          nudgeAfterNavigationStartMs: { cold: summary(coldBefore.map((v) => v.nudgeAt as number)) },
          serviceWorkerStartupMs: summary(startupsBefore),
          coldPhasesMs: phaseMedians(phasesBefore),
        }
      : null;
    const rows: string[][] = [
      ["", "median ms", "p95 ms", "n", "target"],
      ["nudged tool: DOMContentLoaded, no extension", ...cells(dclBaseline), ""],
      ["nudged tool: DOMContentLoaded, extension (warm)", ...cells(dclWarm), ""],
      ["nudged tool: DOMContentLoaded, extension (cold)", ...cells(dclCold), ""],
      ["allowed tool: DOMContentLoaded, no extension", ...cells(dclAllowedBaseline), ""],
      ["allowed tool: DOMContentLoaded, extension (warm)", ...cells(dclAllowed), ""],
      [
        "nudged tool: DOMContentLoaded added (paired)",
        addedDcl.nudged.toFixed(1),
        "",
        String(warm.length),
        `median <= ${BUDGETS.pageAddedDclNudgedMs}`,
      ],
      [
        "allowed tool: DOMContentLoaded added (paired)",
        addedDcl.allowed.toFixed(1),
        "",
        String(allowed.length),
        `median <= ${BUDGETS.pageAddedDclAllowedMs}`,
      ],
      [
        "other site (no content script): DOMContentLoaded added (paired)",
        addedDcl.other.toFixed(1),
        "",
        String(other.length),
        "",
      ],
      ["page load, no extension", ...cells(loadBaseline), ""],
      ["page load, extension (warm)", ...cells(loadWarm), ""],
      [
        "nudge after DOMContentLoaded (warm)",
        ...cells(nudgeWarm),
        `median <= ${BUDGETS.nudgeWarmMedianMs}, p95 <= ${BUDGETS.nudgeWarmP95Ms}`,
      ],
      ["nudge after DOMContentLoaded (cold)", ...cells(nudgeCold), `median <= ${BUDGETS.nudgeColdMedianMs}`],
      // A nudge that delays the page's own DOMContentLoaded flatters the two rows above: these
      // compare its moment with the page's DOMContentLoaded without the extension.
      ["nudge after navigation start (warm)", ...cells(nudgeAtWarm), ""],
      ["nudge after navigation start (cold)", ...cells(nudgeAtCold), ""],
      ...(before
        ? [
            ["code before: nudge after DOMContentLoaded (warm)", ...cells(before.nudgeAfterDclMs.warm), ""],
            ["code before: nudge after DOMContentLoaded (cold)", ...cells(before.nudgeAfterDclMs.cold), ""],
            ["code before: nudge after navigation start (cold)", ...cells(before.nudgeAfterNavigationStartMs.cold), ""],
          ]
        : []),
      ["paste, first of a page, no extension", ...cells(paste.baselineFirst), ""],
      ["paste, first of a page, extension", ...cells(paste.first), `p95 <= ${BUDGETS.guardFirstPasteP95Ms}`],
      ["paste, later, no extension", ...cells(paste.baselineLater), ""],
      ["paste, later, extension", ...cells(paste.later), ""],
    ];
    printTable(rows);
    console.log(
      `nudged: ${PAGES.map(([, url]) => new URL(url).hostname).join(", ")}; allowed: ${ALLOWED.map(([, url]) => new URL(url).hostname).join(", ")}; negative: the nudge was in the page before DOMContentLoaded`,
    );
    console.log(
      `background CPU per navigation: ${warmCpuMs.toFixed(2)} ms warm (over ${warm.length}), ${coldCpuMs.toFixed(1)} ms cold (starting the worker included)`,
    );
    const startup = summary(startups);
    console.log(`service worker start to listening: median ${startup.median} ms, p95 ${startup.p95} ms`);
    if (before) {
      const { median, p95 } = before.serviceWorkerStartupMs;
      console.log(`code before (${BEFORE}): service worker start to listening: median ${median} ms, p95 ${p95} ms`);
    }
    // A cold navigation phase by phase (medians of each phase; they need not add up to the
    // median of the whole).
    const phasesNow = phaseMedians(phases);
    const phaseLabels: Record<keyof ColdPhases, string> = {
      workerStart: "worker started after DOMContentLoaded",
      scriptLoad: "script loaded",
      evaluation: "evaluated, listening",
      toEvent: "navigation's event in",
      decision: "nudge decided",
      uiInjection: "UI injected",
      toDom: "nudge in the DOM",
    };
    const phaseList = (of: Partial<Record<keyof ColdPhases, number>>) =>
      Object.entries(of)
        .map(([phase, ms]) => `${phaseLabels[phase as keyof ColdPhases]} ${ms}`)
        .join(", ");
    console.log(`cold navigation, phase by phase (median ms over ${phases.length}): ${phaseList(phasesNow)}`);
    if (phasesBefore.length > 0) {
      console.log(`code before: the same (over ${phasesBefore.length}): ${phaseList(phaseMedians(phasesBefore))}`);
    }

    const targets = {
      nudgeWarmMedian: nudgeWarm.median <= BUDGETS.nudgeWarmMedianMs,
      nudgeWarmP95: nudgeWarm.p95 <= BUDGETS.nudgeWarmP95Ms,
      nudgeColdMedian: nudgeCold.median <= BUDGETS.nudgeColdMedianMs,
      pageAddedDclNudged: addedDcl.nudged <= BUDGETS.pageAddedDclNudgedMs,
      pageAddedDclAllowed: addedDcl.allowed <= BUDGETS.pageAddedDclAllowedMs,
      guardFirstPasteP95: paste.first.p95 <= BUDGETS.guardFirstPasteP95Ms,
    };
    const allMet = Object.values(targets).every(Boolean);
    console.log(
      JSON.stringify({
        bench: "nudge",
        nudgeAfterDclMs: { warm: nudgeWarm, cold: nudgeCold },
        nudgeAfterNavigationStartMs: { warm: nudgeAtWarm, cold: nudgeAtCold },
        domContentLoadedMs: { baseline: dclBaseline, warm: dclWarm, cold: dclCold },
        allowedDomContentLoadedMs: { baseline: dclAllowedBaseline, warm: dclAllowed },
        addedDomContentLoadedMedianMs: addedDcl,
        pasteMs: paste,
        loadMs: { baseline: loadBaseline, warm: loadWarm },
        backgroundCpuMsPerNavigation: { warm: round2(warmCpuMs), cold: round2(coldCpuMs) },
        serviceWorkerStartupMs: startup,
        coldPhasesMs: phasesNow,
        ...(before ? { codeBefore: before } : {}),
        budgets: {
          nudgeWarmMedianMs: BUDGETS.nudgeWarmMedianMs,
          nudgeWarmP95Ms: BUDGETS.nudgeWarmP95Ms,
          nudgeColdMedianMs: BUDGETS.nudgeColdMedianMs,
          pageAddedDclNudgedMs: BUDGETS.pageAddedDclNudgedMs,
          pageAddedDclAllowedMs: BUDGETS.pageAddedDclAllowedMs,
          guardFirstPasteP95Ms: BUDGETS.guardFirstPasteP95Ms,
        },
        targets,
        allTargetsMet: allMet,
      }),
    );
    if (STRICT && !allMet) process.exitCode = 1;
  } finally {
    for (const cleanup of cleanups) await Promise.resolve(cleanup()).catch(() => undefined);
  }
}

await main();
