/**
 * Puts the worker's printable page into a tab of the dashboard's origin. That tab inherits the
 * dashboard's CSP, which blocks the page's inline <style>; its rules are applied instead as a
 * constructed stylesheet (CSSOM, which the CSP allows). Scripts and event-handler attributes
 * are dropped, although the CSP would block them too.
 */
export function showPrintable(tab: Window, html: string): void {
  // The <style> blocks come out before parsing: Chromium checks a parsed document's styles
  // against this page's CSP and reports them even though that document is never shown.
  const css: string[] = [];
  const withoutStyles = html.replace(/<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi, (_whole, rules: string) => {
    css.push(rules);
    return "";
  });
  const parsed = new DOMParser().parseFromString(withoutStyles, "text/html");
  for (const style of Array.from(parsed.querySelectorAll("style"))) style.remove();
  for (const script of Array.from(parsed.querySelectorAll("script"))) script.remove();
  for (const element of Array.from(parsed.querySelectorAll("*"))) {
    for (const name of element.getAttributeNames()) {
      if (name.startsWith("on") || name === "style") element.removeAttribute(name);
    }
  }
  const target = tab.document;
  target.replaceChild(target.importNode(parsed.documentElement, true), target.documentElement);
  // A constructed sheet must come from the realm of the document that adopts it.
  const sheet = new (tab as Window & typeof globalThis).CSSStyleSheet();
  sheet.replaceSync(css.join("\n"));
  target.adoptedStyleSheets = [sheet];
}
