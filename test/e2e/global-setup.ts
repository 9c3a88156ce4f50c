/**
 * Builds the extension once per end-to-end run, before any test file. The `e2e` project runs
 * several files at once (E2E_SLOTS in vitest.config.ts), so it gets one build per slot, each preconfigured for the port its
 * slot's worker listens on (a file takes the slot of the vitest worker that runs it). The
 * `e2e-serial` project runs one file at a time, before them (enterprise policy is machine-wide),
 * with an unconfigured build, as from a store. The migrations are applied once to a template database
 * that each file copies.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { applyMigrations, buildExtension } from "../../worker/dev/local";
import { reservedPort } from "../support/net";

export interface E2EBuild {
  /**
   * Per slot: the ports the slot's worker listens on (and its inspector: workers that start
   * together cannot share wrangler's default one) and the Chrome build preconfigured for it.
   */
  slots: Array<{ port: number; inspectorPort: number; configured: string }>;
  enrollmentToken: string;
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
  const started = Date.now();
  const slots: E2EBuild["slots"] = [];
  let unconfigured = "";
  // One build after the other (they all write WXT's generated files; builds in other processes wait).
  if (project.name === "e2e-serial") {
    const build = await buildExtension({
      serverUrl: "",
      enrollmentToken: "",
      outDir: join(base, "u"),
      browsers: ["chrome"],
    });
    unconfigured = build.chrome;
  }
  // As many slots as files run at once (the project's maxWorkers in vitest.config.ts).
  const slotCount = project.name === "e2e" ? Math.max(1, Number(project.config.maxWorkers) || 1) : 0;
  for (let slot = 0; slot < slotCount; slot++) {
    // Reserved: each slot's worker starts only when its first file does.
    const taken = slots.flatMap((other) => [other.port, other.inspectorPort]);
    const port = await reservedPort(taken);
    const inspectorPort = await reservedPort([...taken, port]);
    const build = await buildExtension({
      serverUrl: `http://127.0.0.1:${port}`,
      enrollmentToken: ENROLLMENT_TOKEN,
      outDir: join(base, String(slot)),
      browsers: ["chrome"],
    });
    slots.push({ port, inspectorPort, configured: build.chrome });
  }
  // The serial files need a server too: one slot whose build they do not use.
  if (project.name === "e2e-serial") {
    const port = await reservedPort();
    slots.push({ port, inspectorPort: await reservedPort([port]), configured: "" });
  }
  const stateTemplate = join(base, "state");
  await applyMigrations(stateTemplate);
  console.log(
    `${project.name}: extension built and database migrated once in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  project.provide("e2e", { slots, enrollmentToken: ENROLLMENT_TOKEN, unconfigured, stateTemplate });
  return () => rmSync(base, { recursive: true, force: true });
}
