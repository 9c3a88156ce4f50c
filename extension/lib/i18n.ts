import { browser } from "wxt/browser";

/** A translated message from `_locales`; the key itself when a translation is missing. */
export function t(key: string, ...substitutions: string[]): string {
  // The generated types know only the built-in @@ keys; ours are checked by test/extension.
  const getMessage = browser.i18n.getMessage as (name: string, substitutions?: string[]) => string;
  const message = getMessage(key, substitutions.length ? substitutions : undefined);
  return message || key;
}
