import { run } from "../../worker/dev/local";

/*
 * `web-ext lint` (AMO's addons-linter) on a Firefox build. Errors always fail. Warnings fail
 * too, except these, which come from libraries and are explained to AMO's reviewers:
 *   UNSAFE_VAR_ASSIGNMENT  Preact's support for `dangerouslySetInnerHTML`, which no Shadowlight
 *                          component uses (every text is rendered as text).
 *   DANGEROUS_EVAL         zod's probe `new Function("")`, wrapped in try/catch, to decide
 *                          whether it may compile validators; nothing is ever evaluated.
 */
export const EXPECTED_FIREFOX_WARNINGS = ["UNSAFE_VAR_ASSIGNMENT", "DANGEROUS_EVAL"] as const;

interface LintMessage {
  code: string;
  message: string;
  file?: string;
}

interface LintReport {
  errors: LintMessage[];
  warnings: LintMessage[];
  notices: LintMessage[];
}

export async function firefoxLint(dir: string, { selfHosted }: { selfHosted: boolean }): Promise<LintReport> {
  const args = ["lint", `--source-dir=${dir}`, "--output=json", "--no-config-discovery"];
  if (selfHosted) args.push("--self-hosted");
  // web-ext exits non-zero when there are errors; the JSON report is printed either way.
  const output = await run("web-ext", args).catch((error: Error) => error.message);
  const start = output.indexOf("{");
  if (start < 0) throw new Error(`web-ext lint printed no report:\n${output}`);
  return JSON.parse(output.slice(start, output.lastIndexOf("}") + 1)) as LintReport;
}

/** Every error and every unexpected warning, as lines for a person. */
export async function firefoxLintProblems(dir: string, options: { selfHosted: boolean }): Promise<string[]> {
  const report = await firefoxLint(dir, options);
  const expected = new Set<string>(EXPECTED_FIREFOX_WARNINGS);
  return [...report.errors, ...report.warnings.filter((warning) => !expected.has(warning.code))].map(
    (problem) => `${problem.code} ${problem.file ?? ""}: ${problem.message}`,
  );
}
