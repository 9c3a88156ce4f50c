import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { FILE_LINES } from "../../shared/limits";

/*
 * Files stay readable: no source file over FILE_LINES.source lines, no test file over
 * FILE_LINES.test. Generated files (migrations, lockfiles) and data are not code and are not
 * counted.
 */

const ROOT = join(dirname(new URL(import.meta.url).pathname), "../..");
const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: ROOT })
  .toString()
  .split("\n")
  .filter((file) => /\.(?:ts|tsx|css)$/.test(file) && !file.endsWith(".d.ts") && !file.startsWith("node_modules/"))
  // A file deleted in the working tree but not yet from the index is no longer there to read.
  .filter((file) => existsSync(join(ROOT, file)));
const lines = (file: string) => readFileSync(join(ROOT, file), "utf8").split("\n").length;

describe("file sizes", () => {
  const sources = files.filter((file) => !file.startsWith("test/"));
  const tests = files.filter((file) => file.startsWith("test/"));

  it("reads the files it measures", () => {
    expect(sources.length).toBeGreaterThan(200);
    expect(tests.length).toBeGreaterThan(100);
  });

  it(`no source file over ${FILE_LINES.source} lines`, () => {
    expect(sources.filter((file) => lines(file) > FILE_LINES.source).map((file) => `${file}: ${lines(file)}`)).toEqual(
      [],
    );
  });

  it(`no test file over ${FILE_LINES.test} lines`, () => {
    expect(tests.filter((file) => lines(file) > FILE_LINES.test).map((file) => `${file}: ${lines(file)}`)).toEqual([]);
  });
});
