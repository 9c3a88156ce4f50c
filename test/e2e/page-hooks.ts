/**
 * What a page does before its own scripts run: a hostile page reaching for the extension's
 * UI, and a page watching what it receives. Passed to `page.addInitScript` (Playwright) or
 * `page.evaluateOnNewDocument` (Puppeteer), which send the function's source to the page:
 * each must stay self-contained.
 */

/** Forces every shadow root open, where it can, and keeps each one in `window.stolenRoots`. */
export function hookShadowRoots(): void {
  const original = Element.prototype.attachShadow;
  const stolen: ShadowRoot[] = [];
  Element.prototype.attachShadow = function (init: ShadowRootInit) {
    const root = original.call(this, { ...init, mode: "open" });
    stolen.push(root);
    return root;
  };
  (window as unknown as { stolenRoots: ShadowRoot[] }).stolenRoots = stolen;
}

/** Records the paste events the page itself receives in `window.pastesSeen`. */
export function pageListens(): void {
  const seen: Array<{ trusted: boolean; text: string }> = [];
  window.addEventListener("paste", (event) => {
    seen.push({ trusted: event.isTrusted, text: event.clipboardData?.getData("text/plain") ?? "" });
  });
  (window as unknown as { pastesSeen: typeof seen }).pastesSeen = seen;
}
