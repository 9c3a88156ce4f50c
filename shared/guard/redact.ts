/** Longest preview shown for one hit. */
const PREVIEW_MAX = 48;
const MASK = "\u2022";

function isAlnum(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code > 127;
}

/**
 * The employee's view of a match: the first `keepStart` and last `keepEnd` letters and
 * digits stay readable, every other letter or digit becomes a dot, separators stay so the
 * shape is recognizable ("•••• •••• •••• 4242"). Long matches are shortened in the middle.
 * Never leaves the device.
 */
export function mask(matched: string, keepStart: number, keepEnd: number): string {
  let total = 0;
  for (let i = 0; i < matched.length; i++) if (isAlnum(matched.charCodeAt(i))) total++;
  // Short matches keep less, so at least half of what identifies a person stays hidden.
  const room = Math.max(0, Math.floor(total / 2));
  const start = Math.min(keepStart, room);
  const end = Math.min(keepEnd, Math.max(0, room - start));
  let seen = 0;
  let out = "";
  for (let i = 0; i < matched.length; i++) {
    const char = matched[i] as string;
    if (!isAlnum(matched.charCodeAt(i))) {
      out += char === "\n" || char === "\r" || char === "\t" ? " " : char;
      continue;
    }
    out += seen < start || seen >= total - end ? char : MASK;
    seen++;
  }
  if (out.length <= PREVIEW_MAX) return out;
  const head = Math.ceil((PREVIEW_MAX - 1) / 2);
  return `${out.slice(0, head)}\u2026${out.slice(out.length - (PREVIEW_MAX - 1 - head))}`;
}

/** A preview that may be shown as it is (a classification marking is not secret). */
export function shorten(matched: string): string {
  const flat = matched.replace(/\s+/g, " ");
  return flat.length <= PREVIEW_MAX ? flat : `${flat.slice(0, PREVIEW_MAX - 1)}\u2026`;
}
