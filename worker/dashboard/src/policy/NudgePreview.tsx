/**
 * What a person would see: the extension's own nudge component (or blocked page), rendered
 * with the extension's English strings and stylesheet inside a shadow root, so the preview
 * and the real nudge cannot drift apart in wording or look.
 */
import { render } from "preact";
import { useLayoutEffect, useRef } from "preact/hooks";
import { NudgeCard } from "../../../../extension/nudge/NudgeCard";
import nudgeCss from "../../../../extension/nudge/nudge.css?inline";
import { formatMessage, type Messages } from "../../../../extension/nudge/strings";
import type { NudgeLesson, NudgeView } from "../../../../extension/nudge/view";
import messages from "../../../../extension/public/_locales/en/messages.json";
import type { CompiledTool } from "../../../../shared/catalog/compile";
import type { Decision } from "../../../../shared/policy/evaluate";
import { catalogById } from "../catalog";
import "./nudge-preview.css";

const t = formatMessage(messages as Messages);

// A constructed stylesheet: the dashboard's Content-Security-Policy allows no inline <style>.
let sheet: CSSStyleSheet | null = null;
function nudgeSheet(): CSSStyleSheet {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(nudgeCss);
  }
  return sheet;
}

/** The nudge's view for a decision, as the extension's background builds it. */
function viewOf(
  decision: Decision,
  tool: CompiledTool,
  reasons: NudgeView["reasons"],
  lesson: NudgeLesson | null,
): NudgeView {
  const alternatives = decision.alternatives.flatMap((id) => {
    const alternative = catalogById.get(id);
    return alternative ? [{ id, name: alternative.name, url: alternative.home }] : [];
  });
  return { decision, tool, alternatives, reasons, ...(lesson ? { lesson } : {}) };
}

/** The extension's nudge, static (buttons shown but inert), as a figure labelled for screen readers. */
export function NudgePreview({
  decision,
  tool,
  reasons,
  lesson = null,
}: {
  decision: Decision;
  tool: CompiledTool;
  reasons: Array<{ id: string; label: string }>;
  /** The lesson the nudge carries (offered or required), as a device that has taken none gets it. */
  lesson?: NudgeLesson | null;
}) {
  const host = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const element = host.current;
    if (!element) return;
    // The figure's default margins would shift the preview: the nudge sets its own spacing.
    element.parentElement?.style.setProperty("margin", "0");
    const root = element.shadowRoot ?? element.attachShadow({ mode: "open" });
    root.adoptedStyleSheets = [nudgeSheet()];
    const view = viewOf(decision, tool, reasons, lesson);
    // Keyed by the lesson, so a required lesson shows open and an offered one closed.
    render(<NudgeCard key={`${lesson?.id}:${lesson?.required}`} view={view} t={t} />, root);
  }, [decision, tool, reasons, lesson]);
  useLayoutEffect(() => {
    const element = host.current;
    return () => {
      if (element?.shadowRoot) render(null, element.shadowRoot);
    };
  }, []);

  if (decision.action === "allow" && !lesson) {
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
      class="nudge-preview-frame"
      data-action={decision.action}
      aria-label={`Preview of the ${block ? "blocked page" : "nudge"} for ${tool.name}`}
    >
      {/* The nudge draws its own frame: the host takes the figure's place in the layout. */}
      <div ref={host} class="nudge-preview-host" />
    </figure>
  );
}
