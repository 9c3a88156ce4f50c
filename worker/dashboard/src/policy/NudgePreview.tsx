/**
 * What a person would see: the nudge (or blocked page) the extension renders for a decision,
 * with the extension's own English strings from its `_locales`, so the preview and the real
 * nudge cannot drift apart in wording.
 */
import messages from "../../../../extension/public/_locales/en/messages.json";
import type { CompiledTool } from "../../../../shared/catalog/compile";
import type { Decision } from "../../../../shared/policy/evaluate";
import { whyLines as sharedWhyLines } from "../../../../shared/policy/why";
import { catalogById } from "../catalog";
import "./nudge-preview.css";

type Messages = Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;

/** chrome.i18n.getMessage's substitution rules: named placeholders, then $1..$9. */
export function t(key: string, ...substitutions: string[]): string {
  const entry = (messages as Messages)[key];
  if (!entry) return key;
  return (
    entry.message
      .replace(
        /\$([A-Za-z0-9_@]+)\$/g,
        (whole, name: string) => entry.placeholders?.[name.toLowerCase()]?.content ?? whole,
      )
      // One pass, so a substituted tool name is never read as a placeholder itself.
      .replace(/\$(\d|\$)/g, (_whole, n: string) => (n === "$" ? "$" : (substitutions[Number(n) - 1] ?? "")))
  );
}

/** The same sentences as the extension's nudge, in English. */
export function whyLines(tool: CompiledTool, decision: Decision): string[] {
  return sharedWhyLines(tool, decision.status, t);
}

/**
 * A static rendering of the nudge: buttons are shown but inert (the preview has nothing to
 * acknowledge), and the whole panel is a figure labelled as a preview for screen readers.
 */
export function NudgePreview({
  decision,
  tool,
  reasons,
}: {
  decision: Decision;
  tool: CompiledTool;
  reasons: Array<{ id: string; label: string }>;
}) {
  const alternatives = decision.alternatives.flatMap((id) => {
    const alternative = catalogById.get(id);
    return alternative ? [alternative] : [];
  });
  if (decision.action === "allow") {
    return (
      <figure class="nudge-preview nudge-none" data-action="allow">
        <figcaption>{t("heading_allow", tool.name)}</figcaption>
        <p class="muted">No nudge: the page opens without interruption (visits are still counted).</p>
      </figure>
    );
  }
  const block = decision.action === "block";
  return (
    <figure
      class={`nudge-preview ${decision.action === "inform" ? "nudge-banner" : "nudge-dialog"}`}
      data-action={decision.action}
      aria-label={`Preview of the ${block ? "blocked page" : "nudge"} for ${tool.name}`}
    >
      <p class="nudge-brand">
        {t("brand")}
        {block && " · blocked page"}
      </p>
      <p class="nudge-heading">{t(`heading_${decision.action}`, tool.name)}</p>
      {decision.message && <p class="nudge-message">{decision.message}</p>}
      <ul class="nudge-why" aria-label={t("whyLabel")}>
        {whyLines(tool, decision).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      {decision.action === "justify" && (
        <fieldset class="nudge-reasons" disabled>
          <legend>{t("justifyPrompt")}</legend>
          {reasons.length === 0 && <p class="muted">The policy lists no reasons.</p>}
          {reasons.map((reason) => (
            <label key={reason.id}>
              <input type="radio" name={`preview-${tool.id}-reason`} /> {reason.label}
            </label>
          ))}
        </fieldset>
      )}
      {block && alternatives.length > 0 && (
        <p>
          {t("blockedAlternative")} {alternatives.map((a) => a.name).join(", ")}
        </p>
      )}
      <div class="nudge-actions" aria-hidden="true">
        {decision.action === "inform" && <span class="nudge-button primary">{t("buttonGotIt")}</span>}
        {decision.action === "acknowledge" && (
          <>
            <span class="nudge-button primary">{t("buttonAcknowledge")}</span>
            <span class="nudge-button">{t("buttonLeave")}</span>
          </>
        )}
        {decision.action === "justify" && (
          <>
            <span class="nudge-button primary">{t("buttonContinue")}</span>
            <span class="nudge-button">{t("buttonLeave")}</span>
          </>
        )}
        {decision.action === "redirect" && alternatives[0] && (
          <>
            <span class="nudge-button primary">{t("buttonUseAlternative", alternatives[0].name)}</span>
            <span class="nudge-button">{t("buttonContinueAnyway")}</span>
          </>
        )}
        {block && <span class="nudge-button primary">{t("blockedRequestReview")}</span>}
      </div>
      {decision.policyUrl && (
        <p class="nudge-small">
          {t("readPolicy")} · {t("policyVersion", String(decision.policyVersion))}
        </p>
      )}
      <p class="nudge-small muted">{t("privacyNote")}</p>
    </figure>
  );
}
