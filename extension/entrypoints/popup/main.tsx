import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { browser } from "wxt/browser";
import { plural, t } from "../../lib/i18n";
import { type StatusView, send } from "../../lib/messages";
import type { FlushResult } from "../../lib/reporter";
import { DeviceStanding, failureText, when } from "../../ui/standing";
import { ReviewRequests } from "./ReviewRequests";
import { Transparency } from "./Transparency";
import "../../lib/page.css";

async function activeTabUrl(): Promise<string | undefined> {
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  return tab?.url;
}

function Popup() {
  const [view, setView] = useState<StatusView | null>(null);
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<FlushResult | null>(null);

  const load = async () => {
    const url = await activeTabUrl();
    setView(await send("status:get", url ? { url } : {}));
  };
  useEffect(() => {
    void load();
  }, []);

  const sendNow = async () => {
    setSending(true);
    try {
      setResult(await send("report:flush", {}));
    } catch (error) {
      setResult({ ok: false, code: "internal", detail: (error as Error).message, retryAt: null });
    } finally {
      setSending(false);
    }
    await load();
  };

  if (!view) return <p class="muted">{t("loading")}</p>;
  return (
    <main class="popup">
      <h1>{t("brand")}</h1>
      <section aria-labelledby="site-heading">
        <h2 id="site-heading">{t("popupThisSite")}</h2>
        {view.tool && view.decision ? (
          <p data-testid="site-status">
            <strong>{view.tool.name}</strong> · {t(`status_${view.decision.status}`)} ·{" "}
            {t(`action_${view.decision.action}`)}
          </p>
        ) : (
          <p data-testid="site-status" class="muted">
            {t("popupNotAiTool")}
          </p>
        )}
        <p class="small">
          {view.policy.name} · {t("policyVersion", String(view.policy.version))}
          {view.policy.url && (
            <>
              {" · "}
              <a href={view.policy.url} target="_blank" rel="noopener noreferrer">
                {t("readPolicy")}
              </a>
            </>
          )}
        </p>
      </section>
      <section aria-labelledby="report-heading">
        <h2 id="report-heading">{t("popupReporting")}</h2>
        {view.settings.reporting ? (
          <p class="small">
            {view.settings.serverUrl
              ? t(view.settings.enrolled ? "popupEnrolled" : "popupNotEnrolled", view.settings.serverUrl)
              : t("popupNoServer")}
          </p>
        ) : (
          <p class="small">{t("popupReportingOff")}</p>
        )}
        <DeviceStanding status={view.settings} />
        <button type="button" class="primary" onClick={sendNow} disabled={sending || !view.settings.reporting}>
          {t("sendNow")}
        </button>
        <p role="status" class="small" data-testid="send-result">
          {sending
            ? t("sending")
            : result
              ? result.ok
                ? result.sentCounters === 0
                  ? t("sentNothing")
                  : t("sentResult", plural("counts", result.sentCounters), plural("days", result.sentDays))
                : `${t("sendFailed", failureText(result.code, result.detail))}${
                    result.retryAt ? ` ${t("sendRetry", when(result.retryAt))}` : ""
                  }`
              : ""}
        </p>
      </section>
      <ReviewRequests />
      <Transparency view={view} />
    </main>
  );
}

const root = document.getElementById("app");
if (root) render(<Popup />, root);
