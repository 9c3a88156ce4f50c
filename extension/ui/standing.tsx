import { t } from "../lib/i18n";
import type { DeviceStatus } from "../lib/messages";

/** Failures the popup and options page name in words, by code. */
export const FAILURE_CODES = [
  "unreachable",
  "rate_limited",
  "device_revoked",
  "device_unknown",
  "no_server",
  "no_token",
  "reporting_off",
  "report_refused",
  "enrollment_token_invalid",
  "enrollment_full",
  "group_unknown",
  "invalid_response",
] as const;
const FAILURES: ReadonlySet<string> = new Set(FAILURE_CODES);

/** Why something failed, in words, from its stable code (the server's English only as a last resort). */
export function failureText(code: string, detail: string): string {
  return FAILURES.has(code) ? t(`failure_${code}`) : detail;
}

/** A time on screen, in the browser's language. */
export function when(time: number): string {
  return new Date(time).toLocaleString();
}

/**
 * The device's standing with its server, shown in the popup and on the options page: revoked,
 * the group the server decided, or why enrollment failed.
 */
export function DeviceStanding({ status }: { status: DeviceStatus }) {
  if (status.revokedAt !== null) {
    return (
      <p role="alert" class="warn small" data-testid="standing">
        {t("standingRevoked", when(status.revokedAt))}
      </p>
    );
  }
  const problem = status.enrollment;
  if (!status.enrolled && problem) {
    return (
      <p role="alert" class="error small" data-testid="standing">
        {problem.code === "group_unknown"
          ? t("standingGroupUnknown", problem.group ?? "")
          : t("standingEnrollFailed", failureText(problem.code, problem.code))}
      </p>
    );
  }
  if (!status.enrolled) return null;
  return (
    <p class="small" data-testid="standing">
      {status.group ? t("standingGroup", status.group) : t("standingNoGroup")}
    </p>
  );
}
