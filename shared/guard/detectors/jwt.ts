/**
 * jwt: JSON Web Tokens (signed, compact serialization).
 *
 * Matches three base64url segments separated by dots whose first two begin with "eyJ" (the
 * encoding of '{"'), and whose first segment decodes to a JSON object with an "alg" member:
 * a JOSE header. The third segment (the signature) may be empty for unsecured tokens.
 *
 * Sources: RFC 7519 (JSON Web Token) section 3; RFC 7515 (JSON Web Signature) section 7.1,
 * compact serialization, and section 4.1.1, the required "alg" header parameter.
 *
 * Known limits: encrypted tokens (JWE, five segments) are not covered; expired tokens are
 * found like live ones (the guard never decodes or trusts the claims).
 */
import { fixedDetector } from "../context";
import { mask } from "../redact";
import { regexFinder } from "../regex-finder";

/** Whether a base64url segment decodes to a JSON object with a string "alg". */
function isJoseHeader(segment: string): boolean {
  try {
    const base64 = segment.replace(/-/g, "+").replace(/_/g, "/");
    const padded = base64 + "=".repeat((4 - (base64.length % 4)) % 4);
    const header: unknown = JSON.parse(atob(padded));
    return typeof header === "object" && header !== null && typeof (header as { alg?: unknown }).alg === "string";
  } catch {
    return false;
  }
}

export const jwt = fixedDetector(
  "jwt",
  "JSON Web Token",
  "credential",
  regexFinder({
    detector: "jwt",
    pattern: /(?<![\w-])(eyJ[A-Za-z0-9_-]{8,2000})\.eyJ[A-Za-z0-9_-]{2,8000}\.[A-Za-z0-9_-]{0,2000}(?![\w-])/g,
    maxLength: 12_010,
    needles: [{ text: "yJ", at: 1 }],
    accept: (match, _text, start) => (isJoseHeader(match[1] as string) ? start + match[0].length : -1),
    preview: (matched) => mask(matched, 6, 0),
  }),
);
