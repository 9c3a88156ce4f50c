import { generateKeyPairSync } from "node:crypto";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { WxtVitest } from "wxt/testing/vitest-plugin";

/*
 * Three tiers of projects (`npm test` runs them in order and times each, see test/run.ts):
 *   unit    shared      environment-free code in Node (unit and property tests) and policy files
 *           extension   extension modules with WXT's fake browser
 *           dashboard   the dashboard's pure modules in happy-dom
 *   worker  worker      the worker inside workerd against local D1 with the real migrations
 *   e2e     e2e         the built extension in Debian's Chromium (and Firefox) against the local
 *                       worker, and the store packages built and linted as an organization does
 *           e2e-serial  enterprise policy, one file at a time, before e2e
 * `vitest` on its own (the watch loop) runs the unit tier; `--project` picks others.
 */
const UNIT = ["shared", "extension", "dashboard"];

/** How many end-to-end files run at once, each with its own worker, database and browser. */
const E2E_SLOTS = 3;

/** End-to-end files that change machine-wide state: Chromium's enterprise policy folder. */
const SERIAL_E2E = ["test/e2e/managed.test.ts", "test/e2e/chromium-policy.test.ts"];

/** Builds an organization's packages and lints them: as slow as a browser test, so it runs in that tier. */
const PACKAGES = "test/deploy/packages.test.ts";

/** Property tests run hundreds of cases: on a busy machine they outlast vitest's default 5 s. */
const PROPERTY_TIMEOUT = 60_000;

/**
 * The unit projects run their files one after another in one module graph per vitest worker,
 * which halves their time: their modules keep no state a test relies on, and tests that fake
 * the clock or spy on the fake browser restore it after each test.
 */
const SHARED_MODULES = { isolate: false };

/** What the end-to-end projects share. */
const E2E = {
  chaiConfig: { truncateThreshold: 0 },
  environment: "node" as const,
  testTimeout: 120_000,
  hookTimeout: 180_000,
  // The browser and the service worker act a moment after the page: polls wait for them.
  expect: { poll: { timeout: 15_000, interval: 100 } },
  // The extension is built once per run, before the first file.
  globalSetup: ["./test/e2e/global-setup.ts"],
  // Each file starts its own worker, database and browser and closes them; the files of a slot
  // run in one process, which loads the harness and playwright once.
  isolate: false,
};
const watchingUnitTier = !process.argv.some((arg) => arg === "run" || arg === "--run" || arg.startsWith("--project"));

export default defineConfig({
  test: {
    ...(watchingUnitTier ? { project: UNIT } : {}),
    projects: [
      {
        test: {
          name: "shared",
          include: [
            "test/shared/**/*.test.ts",
            "test/policies/**/*.test.ts",
            "test/deploy/**/*.test.ts",
            "test/dev/**/*.test.ts",
            "test/conventions/**/*.test.ts",
          ],
          exclude: [PACKAGES],
          environment: "node",
          testTimeout: PROPERTY_TIMEOUT,
          ...SHARED_MODULES,
        },
      },
      {
        plugins: [WxtVitest()],
        // What wxt.config.ts defines from SHADOWLIGHT_* at build time: an unconfigured build.
        define: { __SL_SERVER_URL__: '""', __SL_ENROLLMENT_TOKEN__: '""', __SL_GROUP__: '""' },
        test: {
          name: "extension",
          include: ["test/extension/**/*.test.ts"],
          environment: "happy-dom",
          testTimeout: PROPERTY_TIMEOUT,
          ...SHARED_MODULES,
        },
      },
      {
        test: {
          name: "dashboard",
          include: ["test/dashboard/**/*.test.ts"],
          environment: "happy-dom",
          testTimeout: PROPERTY_TIMEOUT,
          ...SHARED_MODULES,
        },
      },
      {
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations("worker/migrations"),
                // Each file sets a bootstrap token of its own (test/worker/fresh-instance.ts).
                ENROLLMENT_TOKEN: "test-enrollment-token",
                ADMIN_TOKEN: "test-admin-token",
                VIEWER_TOKEN: "test-viewer-token",
                LOCAL_ADMIN: "1",
                // Reports are written before the answer; the queued path's tests set "queue"
                // for the requests they make (test/worker/queue.test.ts).
                INGEST_MODE: "direct",
                EVIDENCE_SIGNING_KEY: JSON.stringify(
                  generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" }),
                ),
                // Webhook events are queued only when a URL is set; tests mock the delivery.
                WEBHOOK_URL: "https://hooks.example.com/shadowlight",
                WEBHOOK_SECRET: "test-webhook-secret",
              },
            },
          })),
        ],
        test: {
          name: "worker",
          include: ["test/worker/**/*.test.ts"],
          testTimeout: PROPERTY_TIMEOUT,
          // One runtime and isolate for every file; each starts as a fresh instance (see the setup file).
          isolate: false,
          setupFiles: ["./test/worker/fresh-instance.ts"],
        },
      },
      {
        test: {
          ...E2E,
          name: "e2e",
          include: ["test/e2e/**/*.test.ts", PACKAGES],
          exclude: SERIAL_E2E,
          // E2E_SLOTS files at once, each with its own worker, database and browser (see global-setup.ts).
          maxWorkers: E2E_SLOTS,
          sequence: { groupOrder: 2 },
        },
      },
      {
        test: {
          ...E2E,
          // One at a time, before every other browser test (enterprise policy is machine-wide):
          // while they run, `npm test` runs the unit and worker tiers beside them.
          name: "e2e-serial",
          include: SERIAL_E2E,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
