import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations, run, WRANGLER_ENV } from "../../worker/dev/local";

/*
 * A new local database gets every migration in one `wrangler d1 execute` (worker/dev/local.ts):
 * it must end up exactly as `wrangler d1 migrations apply` leaves it, bookkeeping included, so
 * that wrangler later finds every migration applied.
 */

const base = mkdtempSync(join(tmpdir(), "shadowlight-migrations-test-"));
/** wrangler prints its answers at the "log" level, below the "warn" the local runs use. */
const SAYING = { ...WRANGLER_ENV, WRANGLER_LOG: "log" };

/** The rows of each statement in `sql` (statements separated by semicolons), in one wrangler run. */
async function query(persistTo: string, sql: string): Promise<unknown[]> {
  const output = await run(
    "wrangler",
    ["d1", "execute", "DB", "--local", "--persist-to", persistTo, "--json", "--command", sql],
    SAYING,
  );
  // The JSON answer starts on a line of its own (wrangler's notices share the output).
  const start = /^\[$/m.exec(output)?.index ?? -1;
  if (start < 0) throw new Error(`wrangler answered no JSON:\n${output}`);
  return (JSON.parse(output.slice(start)) as Array<{ results: unknown }>).map((result) => result.results);
}

const SCHEMA =
  "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE '_cf_%' AND name <> 'sqlite_sequence' ORDER BY name";
const APPLIED = "SELECT id, name FROM d1_migrations ORDER BY id";

describe("migrating a new local database", () => {
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it("in one go leaves what wrangler's migrations leave, and wrangler finds nothing left to apply", {
    // Seven wrangler runs, each starting a local D1: minutes when the whole end-to-end suite shares the machine.
    timeout: 420_000,
  }, async () => {
    const fast = join(base, "fast");
    const wrangler = join(base, "wrangler");
    await Promise.all([
      applyMigrations(fast),
      run("wrangler", ["d1", "migrations", "apply", "DB", "--local", "--persist-to", wrangler], WRANGLER_ENV),
    ]);

    // Each wrangler run starts a local D1: both questions go to each database in one run.
    const [[fastSchema, fastApplied], [wranglerSchema, wranglerApplied]] = await Promise.all([
      query(fast, `${SCHEMA}; ${APPLIED}`),
      query(wrangler, `${SCHEMA}; ${APPLIED}`),
    ]);
    expect((fastSchema as unknown[]).length).toBeGreaterThan(20);
    expect(fastSchema).toEqual(wranglerSchema);
    expect((wranglerApplied as unknown[]).length).toBeGreaterThan(10);
    expect(fastApplied).toEqual(wranglerApplied);

    const listed = await run("wrangler", ["d1", "migrations", "list", "DB", "--local", "--persist-to", fast], SAYING);
    expect(listed).toContain("No migrations to apply");
    // An existing database goes through wrangler's own command, which applies nothing here.
    await applyMigrations(fast);
    expect(await query(fast, APPLIED)).toEqual([wranglerApplied]);
  });
});
