/**
 * What every content script on catalog pages shares: where and when it runs. The matches are a
 * placeholder, replaced at build time by the catalog's match patterns (wxt.config.ts,
 * CATALOG_MATCHES). At document_start, before the page's own scripts, so the nudge can be
 * there before the person can type and the guard listens ahead of the page's handlers.
 */
export const CATALOG_PAGES: {
  matches: string[];
  runAt: "document_start";
  cssInjectionMode: "manual";
  noScriptStartedPostMessage: true;
} = {
  matches: ["*://catalog.shadowlight.invalid/*"],
  runAt: "document_start",
  // Styles go into shadow roots inline: no web-accessible resource a page could probe.
  cssInjectionMode: "manual",
  // No "content script started" message to the page's window: it would tell every catalog page
  // that the extension is installed, and under which id.
  noScriptStartedPostMessage: true,
};
