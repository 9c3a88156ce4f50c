/**
 * Builds the extension once per end-to-end run, before any test file. The `e2e` project runs
 * several files at once (E2E_SLOTS in vitest.config.ts), each slot with its own worker port: one
 * Chrome build, preconfigured for a placeholder server, is copied for each slot with the
 * placeholder replaced by the slot's address (a file takes the slot of the vitest worker that
 * runs it). The `e2e` project also gets an unconfigured Firefox build (the Firefox test
 * force-installs it by policy); the `e2e-serial` project, which runs one file at a time before
 * them (enterprise policy is machine-wide), an unconfigured Chrome build, as from a store. The
 * migrations are applied once to a template database that each file copies.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
  /** Firefox build with no server or token (the `e2e` project's). */
  unconfiguredFirefox: string;
  /** A local D1 with the migrations applied, copied for each file's fresh database. */
  stateTemplate: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    e2e: E2EBuild;
  }
}

export const ENROLLMENT_TOKEN = "e2e-enrollment-token";

const UNCONFIGURED = { serverUrl: "", enrollmentToken: "" };

/** The server a build is preconfigured for until a slot's copy names its own. */
const PLACEHOLDER_SERVER = "http://server-of-the-slot.shadowlight.invalid";

/**
 * Points a copy of the template build at `serverUrl`: the placeholder is the value the build
 * baked in for its default server setting (`__SL_SERVER_URL__`), a string found nowhere else.
 */
function configureServer(dir: string, serverUrl: string): void {
  let replaced = 0;
  for (const file of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    if (!file.endsWith(".js")) continue;
    const text = readFileSync(join(dir, file), "utf8");
    if (!text.includes(PLACEHOLDER_SERVER)) continue;
    writeFileSync(join(dir, file), text.replaceAll(PLACEHOLDER_SERVER, serverUrl));
    replaced++;
  }
  if (replaced === 0) throw new Error(`the build in ${dir} does not carry the placeholder server URL`);
}

export default async function setup(project: TestProject): Promise<() => void> {
  const base = mkdtempSync(join(tmpdir(), "shadowlight-e2e-build-"));
  const started = Date.now();
  const slots: E2EBuild["slots"] = [];
  let unconfigured = "";
  let unconfiguredFirefox = "";
  // One build after the other (they all write WXT's generated files; builds in other processes wait).
  if (project.name === "e2e-serial") {
    unconfigured = (await buildExtension({ ...UNCONFIGURED, outDir: join(base, "u"), browsers: ["chrome"] })).chrome;
  }
  // As many slots as files run at once (the project's maxWorkers in vitest.config.ts).
  const slotCount = project.name === "e2e" ? Math.max(1, Number(project.config.maxWorkers) || 1) : 0;
  if (slotCount > 0) {
    unconfiguredFirefox = (await buildExtension({ ...UNCONFIGURED, outDir: join(base, "u"), browsers: ["firefox"] }))
      .firefox;
    const template = await buildExtension({
      serverUrl: PLACEHOLDER_SERVER,
      enrollmentToken: ENROLLMENT_TOKEN,
      outDir: join(base, "template"),
      browsers: ["chrome"],
    });
    for (let slot = 0; slot < slotCount; slot++) {
      // Reserved: each slot's worker starts only when its first file does.
      const taken = slots.flatMap((other) => [other.port, other.inspectorPort]);
      const port = await reservedPort(taken);
      const inspectorPort = await reservedPort([...taken, port]);
      const configured = join(base, String(slot));
      cpSync(template.chrome, configured, { recursive: true });
      configureServer(configured, `http://127.0.0.1:${port}`);
      slots.push({ port, inspectorPort, configured });
    }
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
  project.provide("e2e", {
    slots,
    enrollmentToken: ENROLLMENT_TOKEN,
    unconfigured,
    unconfiguredFirefox,
    stateTemplate,
  });
  return () => rmSync(base, { recursive: true, force: true });
}
