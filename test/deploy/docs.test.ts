import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { expect, it } from "vitest";
import { ROOT } from "../../worker/dev/local";

/*
 * Every document stands alone in the repository: its links resolve to files that are here,
 * and it names no document that is not.
 */
const documents = execFileSync("git", ["ls-files", "*.md"], { cwd: ROOT, encoding: "utf8" })
  .split("\n")
  .filter((path) => path !== "" && existsSync(join(ROOT, path)));
const names = new Set(documents.map((path) => basename(path)));

it.each(documents)("%s links only to what is in the repository", (path) => {
  const text = readFileSync(join(ROOT, path), "utf8");
  for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (!target || /^(https?:|mailto:|#)/.test(target)) continue;
    const file = join(ROOT, dirname(path), target.split("#")[0] as string);
    expect(existsSync(file), `${path} links to ${target}, which is not in the repository`).toBe(true);
  }
  // A line that cites another project's repository (a host and a path) names its files, not ours.
  const ours = text.split("\n").filter((line) => !/\b[a-z0-9-]+(\.[a-z0-9-]+)+\/\S/i.test(line));
  for (const [name] of ours.join("\n").matchAll(/\b[\w-]+\.md\b/g)) {
    expect(names.has(name), `${path} names ${name}, which is not in the repository`).toBe(true);
  }
});
