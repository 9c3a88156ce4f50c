import { browser } from "wxt/browser";

/** A translated message from `_locales`; the key itself when a translation is missing. */
export function t(key: string, ...substitutions: string[]): string {
  // The generated types know only the built-in @@ keys; ours are checked by test/extension.
  const getMessage = browser.i18n.getMessage as (name: string, substitutions?: string[]) => string;
  const message = getMessage(key, substitutions.length ? substitutions : undefined);
  return message || key;
}

/**
 * A count in words with the plural form the browser's language needs: the `${key}_one` or
 * `${key}_other` message (a language's other forms fall back to `_other`).
 */
export function plural(key: string, n: number): string {
  const form = new Intl.PluralRules(browser.i18n.getUILanguage()).select(n);
  const message = t(`${key}_${form}`, String(n));
  return message === `${key}_${form}` ? t(`${key}_other`, String(n)) : message;
}
