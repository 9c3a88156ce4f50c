import { t } from "../../lib/i18n";
import type { StatusView } from "../../lib/messages";

/**
 * Exactly what this device reports: the counters waiting to be sent and the last report the
 * server accepted, as the JSON that went over the wire.
 */
export function Transparency({ view }: { view: StatusView }) {
  return (
    <section aria-labelledby="transparency-heading">
      <h2 id="transparency-heading">{t("transparencyHeading")}</h2>
      <p class="small">{t("transparencyIntro")}</p>
      <details open={view.queuedCount > 0}>
        <summary>{t("transparencyQueued", String(view.queuedCount))}</summary>
        <pre data-testid="queued">{JSON.stringify(view.queued, null, 1)}</pre>
      </details>
      <details>
        <summary>
          {view.lastReport
            ? t("transparencyLastSent", new Date(view.lastReport.at).toLocaleString())
            : t("transparencyNothingSent")}
        </summary>
        {view.lastReport && <pre data-testid="last-sent">{JSON.stringify(view.lastReport.report, null, 1)}</pre>}
      </details>
      {view.notKept.unknownTools > 0 && (
        <p class="small muted">{t("transparencySetAside", String(view.notKept.unknownTools))}</p>
      )}
      {view.notKept.expired + view.notKept.candidateOverflow > 0 && (
        <p class="small muted">
          {t("transparencyNotKept", String(view.notKept.expired + view.notKept.candidateOverflow))}
        </p>
      )}
      {view.delivery.lastError && (
        <p class="small warn" role="alert">
          {t("deliveryError", view.delivery.lastError)}
        </p>
      )}
    </section>
  );
}
