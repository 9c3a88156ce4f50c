import { REFUSAL_REASONS } from "../../../shared/protocol";
import { plural, t } from "../../lib/i18n";
import type { StatusView } from "../../lib/messages";
import { failureText, when } from "../../ui/standing";

/** Every kind of data that leaves the device, in words. */
const SENT_KINDS = [
  "sentKindCounts",
  "sentKindReasons",
  "sentKindDomains",
  "sentKindGuard",
  "sentKindExtensions",
  "sentKindBrowser",
  "sentKindEmbeds",

  "sentKindLessons",
  "sentKindEnrollment",
  "sentKindReviewQuestions",
] as const;

/** Every count the device did not keep or send, with its reason. */
function NotKept({ notKept }: { notKept: StatusView["notKept"] }) {
  const all: Array<[string, number]> = [
    ...REFUSAL_REASONS.map((reason): [string, number] => [reason, notKept.refused[reason] ?? 0]),
    ["expired", notKept.expired],
    ["candidateOverflow", notKept.candidateOverflow],
  ];
  const lines = all.filter(([, n]) => n > 0);
  if (lines.length === 0) return null;
  return (
    <section aria-labelledby="not-kept-heading" data-testid="not-kept">
      <h3 id="not-kept-heading" class="small">
        {t("notKeptHeading")}
      </h3>
      <ul class="small muted">
        {lines.map(([reason, n]) => (
          <li key={reason} data-reason={reason}>
            {t("notKeptLine", String(n), t(`notKept_${reason}`))}
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * Exactly what this device reports: the counters waiting to be sent and the last report the
 * server accepted, as the JSON that went over the wire.
 */
export function Transparency({ view }: { view: StatusView }) {
  return (
    <section aria-labelledby="transparency-heading">
      <h2 id="transparency-heading">{t("transparencyHeading")}</h2>
      <p class="small">{t("transparencyIntro")}</p>
      <ul class="small" data-testid="sent-kinds">
        {SENT_KINDS.map((kind) => (
          <li key={kind}>{t(kind)}</li>
        ))}
      </ul>
      <details>
        <summary>{t("transparencyQueued", plural("counts", view.queuedCount))}</summary>
        <p class="small muted">{t("transparencyJson")}</p>
        <pre data-testid="queued">{JSON.stringify(view.queued, null, 1)}</pre>
      </details>
      <details>
        <summary>
          {view.lastReport ? t("transparencyLastSent", when(view.lastReport.at)) : t("transparencyNothingSent")}
        </summary>
        {view.lastReport && <pre data-testid="last-sent">{JSON.stringify(view.lastReport.report, null, 1)}</pre>}
      </details>
      <NotKept notKept={view.notKept} />
      {view.delivery.lastError && (
        <p class="small warn" role="alert">
          {t("deliveryError", failureText(view.delivery.lastError.code, view.delivery.lastError.detail))}
        </p>
      )}
    </section>
  );
}
