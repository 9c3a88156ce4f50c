import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { ROOT } from "../../worker/dev/local";

/*
 * policies/PRIVACY.md is what a works council reads: it names every table the worker keeps,
 * with what it holds and for how long. A table added to the schema without a line there fails.
 */
it("lists every table of the worker's schema in the privacy model", () => {
  const dir = join(ROOT, "worker", "db", "schema");
  const schema = readdirSync(dir)
    .map((file) => readFileSync(join(dir, file), "utf8"))
    .join("\n");
  const privacy = readFileSync(join(ROOT, "policies", "PRIVACY.md"), "utf8");
  const tables = [...schema.matchAll(/sqliteTable\(\s*"([a-z_]+)"/g)].map((match) => match[1] as string);
  expect(tables.length).toBeGreaterThan(20);
  expect(tables.filter((table) => !privacy.includes(`\`${table}\``))).toEqual([]);
});
