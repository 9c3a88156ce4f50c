import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { browser } from "wxt/browser";
import { t } from "../../lib/i18n";
import type { NudgeView } from "../../lib/messages";
import { whyLines } from "../content/WhyList";
import "../../lib/page.css";

const toolId = new URLSearchParams(location.search).get("tool") ?? "";

/** The page a blocked tool's navigation lands on: why, the alternative, and "ask for a review". */
function Blocked() {
  const [view, setView] = useState<NudgeView | null | undefined>(undefined);
  const [requested, setRequested] = useState(false);
  useEffect(() => {
    void (async () => {
      const loaded = (await browser.runtime.sendMessage({ type: "blocked:get", tool: toolId })) as NudgeView | null;
      setView(loaded);
      if (loaded) await browser.runtime.sendMessage({ type: "blocked:event", tool: toolId, event: "blocked" });
    })();
  }, []);

  if (view === undefined) return <p class="page muted">{t("loading")}</p>;
  if (view === null) return <p class="page">{t("blockedUnknown")}</p>;
  const { decision, tool } = view;
  return (
    <main class="page">
      <p class="small muted">{t("brand")}</p>
      <h1>{t("heading_block", tool.name)}</h1>
      {decision.message && <p>{decision.message}</p>}
      <ul class="why">
        {whyLines(view).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      {view.alternatives.length > 0 && (
        <p>
          {t("blockedAlternative")}{" "}
          {view.alternatives.map((alternative, i) => (
            <span key={alternative.id}>
              {i > 0 && ", "}
              <a href={alternative.url}>{alternative.name}</a>
            </span>
          ))}
        </p>
      )}
      <p>
        <button
          type="button"
          class="primary"
          disabled={requested}
          onClick={async () => {
            await browser.runtime.sendMessage({ type: "blocked:event", tool: toolId, event: "review_requested" });
            setRequested(true);
          }}
        >
          {t("blockedRequestReview")}
        </button>
      </p>
      {requested && <p role="status">{t("blockedReviewRequested")}</p>}
      {decision.policyUrl && (
        <p class="small">
          <a href={decision.policyUrl} target="_blank" rel="noopener noreferrer">
            {t("readPolicy")}
          </a>{" "}
          · {t("policyVersion", String(decision.policyVersion))}
        </p>
      )}
      <p class="small muted">{t("privacyNote")}</p>
    </main>
  );
}

const root = document.getElementById("app");
if (root) render(<Blocked />, root);
