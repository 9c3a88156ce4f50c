/*
 * Whether the page took the nudge away. A page runs its own scripts next to the nudge: it can
 * remove the nudge's element, hide it or an ancestor, or cover it with something of its own.
 * None of that answers the nudge; it is counted apart (nudge_tampered) so the figures show it.
 */

export type Tampering = "removed" | "hidden" | "covered";

/** What, if anything, keeps the person from seeing the nudge's panel. */
function tampering(host: Element, panel: Element | null): Tampering | null {
  if (!host.isConnected) return "removed";
  if (!panel) return null;
  if (
    typeof host.checkVisibility === "function" &&
    !host.checkVisibility({ opacityProperty: true, visibilityProperty: true })
  ) {
    return "hidden";
  }
  const box = panel.getBoundingClientRect();
  if (box.width < 2 || box.height < 2) return "hidden";
  const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(box.top + Math.min(box.height / 2, 40), 0), innerHeight - 1);
  // From outside a closed shadow root, anything of the nudge is reported as its host.
  const top = document.elementFromPoint(x, y);
  return top === null || top === host ? null : "covered";
}

const PERIOD_MS = 250;

/**
 * Watches the nudge until stopped: `onRemoved` as soon as its element leaves the document,
 * `onHidden` once it stays hidden or covered for two checks in a row (a layout in progress
 * is not tampering).
 */
export function watchNudge(
  host: Element,
  panel: () => Element | null,
  on: { removed(): void; hidden(kind: Tampering): void },
): () => void {
  let hiddenChecks = 0;
  const check = () => {
    const found = tampering(host, panel());
    if (found === "removed") {
      hiddenChecks = 0;
      on.removed();
    } else if (found) {
      if (++hiddenChecks === 2) on.hidden(found);
    } else hiddenChecks = 0;
  };
  const observer = new MutationObserver(() => {
    if (!host.isConnected) check();
  });
  observer.observe(document.documentElement, { childList: true, subtree: true });
  const timer = setInterval(check, PERIOD_MS);
  return () => {
    observer.disconnect();
    clearInterval(timer);
  };
}
