import { EXPECTED_FIREFOX_WARNINGS, firefoxLint } from "./firefox-lint";

/*
 * `npm run lint:firefox`: AMO's linter on the Firefox build `npm run build` made. Fails on any
 * error and on any warning but the two from libraries that extension/deploy/README.md
 * explains; prints one line when all is well.
 */
const dir = process.argv[2] ?? ".output/firefox-mv2";
const report = await firefoxLint(dir, { selfHosted: true });
const expected = new Set<string>(EXPECTED_FIREFOX_WARNINGS);
const explained = report.warnings.filter((warning) => expected.has(warning.code));
const problems = [...report.errors, ...report.warnings.filter((warning) => !expected.has(warning.code))];
for (const problem of problems) console.error(`${problem.code} ${problem.file ?? ""}: ${problem.message}`);
console.log(
  `web-ext lint ${dir}: ${report.errors.length} errors, ${problems.length - report.errors.length} unexpected warnings, ${explained.length} explained (${[...new Set(explained.map((w) => w.code))].join(", ") || "none"})`,
);
if (problems.length) process.exit(1);
