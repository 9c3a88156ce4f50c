import { useEffect, useState } from "preact/hooks";
import { t } from "../../lib/i18n";
import { type NudgeView, send } from "../../lib/messages";
import { NudgeCard } from "../../nudge/NudgeCard";
import { mountNudgePage } from "../../nudge/page";

/** The page the extension opens when it runs in an AI browser the policy does not allow. */
function BrowserNotice() {
  const [view, setView] = useState<NudgeView | null | undefined>(undefined);
  useEffect(() => {
    void send("browser:notice", {}).then(setView);
  }, []);
  if (view === undefined) return <p class="loading">{t("loading")}</p>;
  if (view === null) return <p class="loading">{t("browserNoticeNone")}</p>;
  return (
    <NudgeCard
      view={view}
      t={t}
      actions={{
        accept: (event) => event.isTrusted,
        // Nothing to record: the notice is about the browser, read and closed.
        answer: () => window.close(),
        back: () => window.close(),
      }}
    />
  );
}

mountNudgePage(t("browserNoticeTitle"), <BrowserNotice />);
