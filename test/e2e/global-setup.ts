/**
 * Builds the extension once per end-to-end run, before any test file: one build preconfigured
 * for the worker every file starts on the same port (the files run one after another), and one
 * unconfigured build, as from a store, for the managed-settings tests. The migrations are
 * applied once to a template database that each file copies.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { applyMigrations, buildExtension } from "../../worker/dev/local";
import { freePort } from "../support/net";

export interface E2EBuild {
  /** The port every test file's worker listens on. */
  port: number;
  enrollmentToken: string;
  /** Chrome build preconfigured for http://127.0.0.1:<port> and the enrollment token. */
  configured: string;
  /** Chrome build with no server or token: settings come from managed storage or the options page. */
  unconfigured: string;
  /** A local D1 with the migrations applied, copied for each file's fresh database. */
  stateTemplate: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    e2e: E2EBuild;
  }
}

export const ENROLLMENT_TOKEN = "e2e-enrollment-token";

export default async function setup(project: TestProject): Promise<() => void> {
  const base = mkdtempSync(join(tmpdir(), "shadowlight-e2e-build-"));
  const port = await freePort();
  const started = Date.now();
  // One after the other: both builds write WXT's generated files.
  const configured = await buildExtension({
    serverUrl: `http://127.0.0.1:${port}`,
    enrollmentToken: ENROLLMENT_TOKEN,
    outDir: join(base, "configured"),
    browsers: ["chrome"],
  });
  const unconfigured = await buildExtension({
    serverUrl: "",
    enrollmentToken: "",
    outDir: join(base, "unconfigured"),
    browsers: ["chrome"],
  });
  const stateTemplate = join(base, "state");
  await applyMigrations(stateTemplate);
  console.log(`e2e: extension built and database migrated once in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  project.provide("e2e", {
    port,
    enrollmentToken: ENROLLMENT_TOKEN,
    configured: configured.chrome,
    unconfigured: unconfigured.chrome,
    stateTemplate,
  });
  return () => rmSync(base, { recursive: true, force: true });
}
