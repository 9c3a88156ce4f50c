import { useEffect, useState } from "preact/hooks";
import { t } from "../../lib/i18n";
import { type ReviewRequestView, send } from "../../lib/messages";

/** Where one request stands, in words: the review's outcome once it is closed. */
function standing(request: ReviewRequestView): string {
  if (request.state !== "closed") return t(`reviewState_${request.state}`);
  return request.review ? t("reviewDecided", t(`status_${request.review}`)) : t("reviewState_closed");
}

/** The reviews this device asked for from the blocked page, and where each stands. */
export function ReviewRequests() {
  const [requests, setRequests] = useState<ReviewRequestView[] | null>(null);
  useEffect(() => {
    void send("reviews:get", {}).then(setRequests, () => setRequests([]));
  }, []);
  if (!requests?.length) return null;
  return (
    <section aria-labelledby="reviews-heading" data-testid="review-requests">
      <h2 id="reviews-heading">{t("popupReviewRequests")}</h2>
      <ul class="small">
        {requests.map((request) => (
          <li key={request.tool} data-tool={request.tool} data-state={request.state}>
            <strong>{request.name}</strong> ·{" "}
            {t("reviewAsked", new Date(`${request.day}T12:00:00Z`).toLocaleDateString())} · {standing(request)}
          </li>
        ))}
      </ul>
    </section>
  );
}
