/**
 * email-list: lists of many e-mail addresses (a mailing list, a customer export, a CC line).
 *
 * Matches e-mail addresses (RFC 5322 dot-atom local part, a domain of letter/digit/hyphen
 * labels ending in a letter-only top-level label), and counts them only when the paste
 * holds at least the policy's number of distinct addresses (emailListMin, 10 by default): a
 * signature or one contact is not a list.
 *
 * Sources: RFC 5322 section 3.4.1 (addr-spec, dot-atom) and RFC 1035 section 2.3.1 (label
 * syntax).
 *
 * Known limits: quoted local parts and internationalized addresses are not found;
 * obfuscated addresses ("name at example dot com") are not counted.
 */
import { LIMITS } from "../../limits";
import { countExamined } from "../examined";
import { mask } from "../redact";
import type { Detector, Finder, Found, ScanMemo } from "../types";

const LOCAL_MAX = 64;
/** The domain after "@": labels of letters, digits and hyphens, a letter-only top-level label. */
const DOMAIN = /(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}(?![\w-])/y;

function isLocalChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 46 || // .
    code === 95 || // _
    code === 37 || // %
    code === 43 || // +
    code === 45 // -
  );
}

function isAlnum(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/** The address around the "@" at `at`, as [start, end], or null. */
function addressAt(text: string, at: number, memo: ScanMemo): [number, number] | null {
  let start = at;
  while (start > 0 && at - start < LOCAL_MAX && isLocalChar(text.charCodeAt(start - 1))) start--;
  countExamined(memo, at - start + 1);
  // The local part must be all of the run before "@", and begin with a letter or digit.
  if (start === at || (start > 0 && isLocalChar(text.charCodeAt(start - 1)))) return null;
  while (start < at && !isAlnum(text.charCodeAt(start))) start++;
  if (start === at) return null;
  DOMAIN.lastIndex = at + 1;
  const domain = DOMAIN.exec(text);
  if (domain === null) return null;
  countExamined(memo, domain[0].length);
  return [start, at + 1 + domain[0].length];
}

function previewAddress(address: string): string {
  const at = address.indexOf("@");
  return `${mask(address.slice(0, at), 1, 0)}${address.slice(at)}`;
}

/** Looks for "@" first (rare in most text) and reads the address around it. */
const finder: Finder = {
  detector: "email-list",
  maxLength: LOCAL_MAX + 1 + 9 * 64 + 24,
  chunkChars: LIMITS.guardChunkChars,
  preview: previewAddress,
  find(text, from, to, out, memo) {
    let resume = to;
    // An address starting before `to` has its "@" before `limit`; the search for "@" stops
    // there (V8 makes a slice a view of the text, not a copy), so a text without one is read once.
    const limit = Math.min(text.length, to + LOCAL_MAX + 1);
    const window = text.slice(from, limit);
    countExamined(memo, limit - from);
    for (let found = window.indexOf("@"); found !== -1; found = window.indexOf("@", found + 1)) {
      const at = from + found;
      const address = addressAt(text, at, memo);
      if (address === null) continue;
      const [start, end] = address;
      if (start < from) continue;
      if (start >= to) break;
      out.push({ detector: "email-list", start, end });
      resume = Math.max(resume, end);
      found = end - 1 - from;
    }
    return resume;
  },
};

export const emailList: Detector = {
  id: "email-list",
  name: "List of e-mail addresses",
  category: "personal",
  prepare(settings) {
    const minimum = settings.emailListMin;
    return [
      () => ({
        ...finder,
        settle(found: Found[], text: string): Found[] {
          const distinct = new Set(found.map((hit) => text.slice(hit.start, hit.end).toLowerCase()));
          return distinct.size >= minimum ? found : [];
        },
      }),
    ];
  },
};
