import { useEffect, useState } from "preact/hooks";
import { t } from "../../lib/i18n";
import { type NudgeView, send } from "../../lib/messages";
import { NudgeCard } from "../../nudge/NudgeCard";
import { mountNudgePage } from "../../nudge/page";

const toolId = new URLSearchParams(location.search).get("tool") ?? "";

/** Back to where the person came from, or a blank page when the blocked tool was the first. */
function goBack(): void {
  if (history.length > 1) history.back();
  else location.replace("about:blank");
}

/** The page a blocked tool's navigation lands on: the nudge for `block`, as a page of its own. */
function Blocked() {
  const [view, setView] = useState<NudgeView | null | undefined>(undefined);
  const [requested, setRequested] = useState(false);
  useEffect(() => {
    void (async () => {
      const loaded = await send("blocked:get", { tool: toolId });
      setView(loaded);
      if (loaded) await send("blocked:event", { tool: toolId, event: "blocked" });
    })();
  }, []);

  if (view === undefined) return <p class="loading">{t("loading")}</p>;
  if (view === null) return <p class="loading">{t("blockedUnknown")}</p>;
  return (
    <NudgeCard
      view={view}
      t={t}
      reviewRequested={requested}
      actions={{
        accept: (event) => event.isTrusted,
        answer: () => undefined,
        requestReview: () => {
          void send("blocked:event", { tool: toolId, event: "review_requested" }).then(() => setRequested(true));
        },
        back: goBack,
      }}
    />
  );
}

mountNudgePage(t("blockedTitle"), <Blocked />);
