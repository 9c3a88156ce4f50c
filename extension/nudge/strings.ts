import type { Translate } from "../../shared/policy/why";

/*
 * The nudge's words come from the extension's `_locales` files only. In the extension they are
 * read through `browser.i18n`; the dashboard's preview reads the English file with
 * `formatMessage`, which follows chrome.i18n.getMessage's substitution rules, so the preview
 * says exactly what people see.
 */
export type { Translate };

export type Messages = Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;

/** chrome.i18n.getMessage over a messages file: named placeholders, then $1..$9; the key when missing. */
export function formatMessage(messages: Messages): Translate {
  return (key, ...substitutions) => {
    const entry = messages[key];
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
  };
}
