import { type ComponentChild, render } from "preact";
import styles from "./nudge.css?inline";

/** Renders a page of the extension that shows a nudge card (blocked page, browser notice) with the nudge's own styles. */
export function mountNudgePage(title: string, page: ComponentChild): void {
  // Constructed, as in the content script, so no inline style is needed.
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(styles);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  document.title = title;
  const root = document.getElementById("app");
  if (root) render(page, root);
}
