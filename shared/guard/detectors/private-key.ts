/**
 * private-key: private keys in PEM or OpenPGP armor.
 *
 * Matches a "-----BEGIN ... PRIVATE KEY-----" line (PKCS#8, encrypted PKCS#8, PKCS#1 RSA,
 * DSA, EC, OpenSSH) or "-----BEGIN PGP PRIVATE KEY BLOCK-----", followed within a few lines
 * (room for headers such as Proc-Type or Version) by a run of at least 40 base64
 * characters: the key itself. A header alone, as in documentation, does not count.
 *
 * Sources: RFC 7468, "Textual Encodings of PKIX, PKCS, and CMS Structures" (labels PRIVATE
 * KEY and ENCRYPTED PRIVATE KEY); RFC 4880 section 6.2 (PGP PRIVATE KEY BLOCK armor); the
 * RSA/DSA/EC labels of OpenSSL's legacy PEM files and OpenSSH's "OPENSSH PRIVATE KEY" label
 * (PROTOCOL.key in the OpenSSH sources).
 *
 * Known limits: keys in other encodings (DER files, PuTTY .ppk, JSON Web Keys) are not
 * found.
 */
import { fixedDetector } from "../context";
import { regexFinder } from "../regex-finder";

/** How far past the header the key's base64 body may begin. */
const BODY_WITHIN = 400;
const BODY_MIN = 40;

function isBase64(code: number): boolean {
  return (
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    (code >= 48 && code <= 57) ||
    code === 43 ||
    code === 47
  );
}

/** Longest first line of a key body that counts toward the hit. */
const LINE_MAX = 128;

/**
 * The end of the first line of the key's body: a run of at least BODY_MIN base64 characters
 * starting within BODY_WITHIN characters after `from`; -1 when there is none.
 */
function keyBodyEnd(text: string, from: number): number {
  const limit = Math.min(text.length, from + BODY_WITHIN + BODY_MIN);
  let run = 0;
  for (let pos = from; pos < limit; pos++) {
    if (!isBase64(text.charCodeAt(pos))) {
      run = 0;
      continue;
    }
    run++;
    if (run < BODY_MIN) continue;
    let end = pos + 1;
    const stop = Math.min(text.length, end + LINE_MAX - BODY_MIN);
    while (end < stop && (isBase64(text.charCodeAt(end)) || text.charCodeAt(end) === 61)) end++;
    return end;
  }
  return -1;
}

export const privateKey = fixedDetector(
  "private-key",
  "Private key",
  "credential",
  regexFinder({
    detector: "private-key",
    pattern: /-----BEGIN (?:(?:RSA|DSA|EC|OPENSSH|ENCRYPTED) )?PRIVATE KEY-----|-----BEGIN PGP PRIVATE KEY BLOCK-----/g,
    maxLength: 80 + BODY_WITHIN + LINE_MAX,
    needles: [{ text: "BEGIN ", at: 5 }],
    accept: (match, text, start) => keyBodyEnd(text, start + match[0].length),
    preview: (matched) => `${matched.slice(0, matched.indexOf("-----", 5) + 5)} \u2022\u2022\u2022\u2022`,
  }),
);
