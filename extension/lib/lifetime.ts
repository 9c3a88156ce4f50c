import type { ContentScriptContext } from "wxt/utils/content-script-context";

/**
 * What the extension's UI in a page (the nudge, the guard's warning) and the guard's listener
 * live by: the extension, not a content script context. The framework's context stops itself
 * (removing its listeners and its UI) when a DOM event named after the extension's id
 * announces a newer copy of the script, and any page can dispatch that event. The UI helpers
 * read only the context's options and its invalidation, which here never comes from the page.
 */
export const lifetime = {
  // The styles go into the shadow root inline: no web-accessible resource a page could probe.
  options: { cssInjectionMode: "manual" },
  onInvalidated: () => () => {},
} as Pick<ContentScriptContext, "onInvalidated"> & {
  options: Partial<ContentScriptContext["options"]>;
} as ContentScriptContext;
