import type { CompiledIndex, CompiledTool } from "./compile";
import type { HostKind } from "./schema";

/*
 * The matcher: which catalog tool, if any, a URL belongs to.
 *
 * It runs on every catalog navigation in the extension and on every URL `classify` reads, so
 * it is built for the common case and stays exact in the rare one.
 *
 * Data: one hash table, built once from the compiled index, from canonical hostname to an
 * entry holding the host's tool (if any) and its path rules (if it is a shared host). A
 * hostname matches a catalog host when it equals it or is a subdomain of it, so the lookup
 * tries the hostname's suffixes at each dot, most specific first ("a.b.chatgpt.com",
 * "b.chatgpt.com", "chatgpt.com"), and the first that resolves wins. At each suffix, path
 * rules of a shared host (github.com/copilot) are tried before the host's own tool; a prefix
 * matches only at a path-segment boundary ("/copilot" matches "/copilot" and "/copilot/x",
 * never "/copilotkit"). Query rules of a shared host (google.com/search?udm=50) come before
 * its path rules: the path matches like a path rule and one "name=value" pair of the query,
 * percent-decoded, must equal the rule's pair exactly ("udm=500", "xudm=50" and
 * "q=udm%3D50" do not). Nothing is ever matched as a substring, so "gemini.com",
 * "chatgpt.com.example.org" and "example.org/?u=chatgpt.com" stay unknown. Each host also
 * has a kind: the product itself ("web"), its API ("api") or pages about it ("docs"); the
 * most specific host decides, so "api.smith.langchain.com" is an API host of the tool
 * whose product is "smith.langchain.com".
 *
 * The table is keyed by a fingerprint of the hostname: its length and four of its characters
 * (first, second, middle, last). Every suffix of a URL's host gets its fingerprint in constant
 * time, read in place, without cutting or hashing a string (no allocation per URL: that is
 * where a Map of strings spends its time), and loading the index reads five characters per
 * hostname. A fingerprint hit is confirmed by comparing the characters, so collisions cost
 * time, never correctness.
 *
 * Normalization is the platform URL parser's (WHATWG URL): case, trailing dot, ports,
 * userinfo, IDN to punycode, percent-encoded hosts, backslashes and dot segments. Calling it
 * for every URL costs more than the lookup itself, so a hand-rolled scan takes the common
 * shape (http or https, a host of lowercase ASCII letters, digits, single dots and single
 * hyphens, a plain path) and hands anything else to the parser. The scan accepts only inputs
 * on which it provably agrees with the parser; the property tests in matcher.test.ts hold it
 * to that.
 */

export interface Matcher {
  /** The tool a URL belongs to, or null. Never throws. */
  classify(url: string): CompiledTool | null;
  /** The tool a URL belongs to and the kind of page it is, or null. Never throws. */
  match(url: string): { tool: CompiledTool; kind: HostKind } | null;
  /** The tool for an already-normalized hostname, path and query ("" or "?..."). */
  classifyHost(hostname: string, pathname: string, search?: string): CompiledTool | null;
  /** The hostname, path and query the matcher sees in a URL, or null for non-web URLs. */
  normalize(url: string): { hostname: string; pathname: string; search: string } | null;
}

const KINDS: readonly HostKind[] = ["web", "api", "docs"];
type QueryRules = Array<[string, string, string, number]>;

const SLASH = 47;
const QUESTION = 63;
const HASH = 35;
const DOT = 46;
const HYPHEN = 45;

/** The fast scan's limit; hosts with more labels go to the parser, which has none. */
const MAX_LABELS = 32;

// Scratch space of the fast scan: where each label of the host starts. Shared by every
// matcher; classify never re-enters itself.
const labelStarts = new Int32Array(MAX_LABELS);

/**
 * The fingerprint of a non-empty text[from, to): its length and its first, second, middle and
 * last characters, packed into 32 bits (overlapping where they must: it only narrows the
 * search, the characters decide).
 */
function fingerprint(text: string, from: number, to: number): number {
  const length = to - from;
  return (
    (length << 24) ^
    (text.charCodeAt(from) << 17) ^
    (text.charCodeAt(from + (length > 1 ? 1 : 0)) << 10) ^
    (text.charCodeAt(from + (length >> 1)) << 4) ^
    text.charCodeAt(to - 1)
  );
}

export function createMatcher(index: CompiledIndex): Matcher {
  const tools = index.tools;

  // Entries: a hostname, its tool's position (-1 for none) and its path rules (null for none).
  // Built with few, native steps: this runs cold, in the interpreter, whenever the index loads.
  const keys = Object.keys(index.hosts);
  const hostTools = Object.values(index.hosts);
  const hostRules: Array<Array<[string, number]> | null> = new Array(keys.length).fill(null);
  const hostQueries: Array<QueryRules | null> = new Array(keys.length).fill(null);
  const entryOf = (host: string): number => {
    let e = keys.indexOf(host);
    if (e < 0) {
      e = keys.length;
      keys.push(host);
      hostTools.push(-1);
      hostRules.push(null);
      hostQueries.push(null);
    }
    return e;
  };
  for (const [host, rules] of Object.entries(index.paths)) hostRules[entryOf(host)] = rules;
  for (const [host, rules] of Object.entries(index.queries ?? {})) hostQueries[entryOf(host)] = rules;
  const hostKinds = new Uint8Array(keys.length);
  for (const [host, kind] of Object.entries(index.kinds ?? {})) {
    const e = keys.indexOf(host);
    if (e >= 0) hostKinds[e] = KINDS.indexOf(kind);
  }
  // The kind of the last match, read by `match` right after a lookup (no allocation per URL).
  let lastKind = 0;

  // Open addressing with linear probing, at most a quarter full, so a miss (the common case)
  // usually stops at the first slot. Slots hold entry + 1 (0 is empty) and its fingerprint.
  let bits = 4;
  while (1 << bits < keys.length * 4) bits++;
  const mask = (1 << bits) - 1;
  const shift = 32 - bits;
  const slots = new Int32Array(1 << bits);
  const slotPrints = new Int32Array(1 << bits);
  for (let e = 0; e < keys.length; e++) {
    const key = keys[e] as string;
    if (key === "") continue;
    const print = fingerprint(key, 0, key.length);
    // Fibonacci hashing: the top bits of the product depend on every bit of the fingerprint.
    let i = Math.imul(print, 0x9e3779b1) >>> shift;
    while (slots[i] !== 0) i = (i + 1) & mask;
    slots[i] = e + 1;
    slotPrints[i] = print;
  }

  /** The entry whose hostname is text[from, to), or -1. */
  function find(text: string, from: number, to: number): number {
    const print = fingerprint(text, from, to);
    let i = Math.imul(print, 0x9e3779b1) >>> shift;
    for (;;) {
      const slot = slots[i] as number;
      if (slot === 0) return -1;
      if (slotPrints[i] === print) {
        const key = keys[slot - 1] as string;
        if (key.length === to - from && text.startsWith(key, from)) return slot - 1;
      }
      i = (i + 1) & mask;
    }
  }

  /** The tool of a path rule matching text[from, to), as a position, or -1. */
  function matchRules(rules: Array<[string, number]>, text: string, from: number, to: number): number {
    const length = to - from;
    for (const [prefix, position] of rules) {
      if (
        length >= prefix.length &&
        text.startsWith(prefix, from) &&
        (length === prefix.length || text.charCodeAt(from + prefix.length) === SLASH)
      ) {
        return position;
      }
    }
    return -1;
  }

  /** The tool of a query rule matching the path and query, as a position, or -1. */
  function matchQueries(rules: QueryRules, pathname: string, search: string): number {
    for (const [path, param, value, position] of rules) {
      if (matchRules([[path, position]], pathname, 0, pathname.length) >= 0 && queryHas(search, param, value)) {
        return position;
      }
    }
    return -1;
  }

  /** The slow path's lookup, for a normalized hostname, path and query. */
  function lookupHost(hostname: string, pathname: string, search = ""): CompiledTool | null {
    lastKind = 0;
    const end = hostname.charCodeAt(hostname.length - 1) === DOT ? hostname.length - 1 : hostname.length;
    for (let s = 0; s < end; ) {
      const e = find(hostname, s, end);
      if (e >= 0) {
        const queries = hostQueries[e];
        const byQuery = queries ? matchQueries(queries, pathname, search) : -1;
        if (byQuery >= 0) return tools[byQuery] ?? null;
        const rules = hostRules[e];
        const position = rules ? matchRules(rules, pathname, 0, pathname.length) : -1;
        if (position >= 0) return tools[position] ?? null;
        if ((hostTools[e] as number) >= 0) {
          lastKind = hostKinds[e] as number;
          return tools[hostTools[e] as number] ?? null;
        }
      }
      const dot = hostname.indexOf(".", s);
      if (dot < 0) break;
      s = dot + 1;
    }
    return null;
  }

  function parseAndLookup(url: string): CompiledTool | null {
    const parts = normalize(url);
    if (parts) return lookupHost(parts.hostname, parts.pathname, parts.search);
    lastKind = 0;
    return null;
  }

  function match(url: string): { tool: CompiledTool; kind: HostKind } | null {
    const tool = classify(url);
    return tool ? { tool, kind: KINDS[lastKind] ?? "web" } : null;
  }

  function classify(url: string): CompiledTool | null {
    lastKind = 0;
    let start: number;
    if (url.startsWith("https://")) start = 8;
    else if (url.startsWith("http://")) start = 7;
    else return parseAndLookup(url);

    // Find where the host ends, and hand any unusual host to the parser.
    const length = url.length;
    let end = start;
    let previous = 0;
    let labels = 1;
    labelStarts[0] = start;
    for (; end < length; end++) {
      const c = url.charCodeAt(end);
      if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
        // The common case, tested first.
      } else if (c === DOT) {
        // ".." is the parser's to judge.
        if (previous === DOT || labels === MAX_LABELS) return parseAndLookup(url);
        labelStarts[labels++] = end + 1;
      } else if (c === HYPHEN) {
        // "--" (as in punycode) is the parser's to judge.
        if (previous === HYPHEN) return parseAndLookup(url);
      } else if (c === SLASH || c === QUESTION || c === HASH) {
        break;
      } else {
        // Anything else (uppercase, ":", "@", "%", "\\", non-ASCII) is rare and the parser's job.
        return parseAndLookup(url);
      }
      previous = c;
    }
    if (
      end === start ||
      previous === HYPHEN ||
      previous === DOT ||
      url.charCodeAt(start) === DOT ||
      isNumericTail(url, start, end)
    ) {
      // Empty, trailing dot or hyphen, IPv4-looking: the parser decides.
      return parseAndLookup(url);
    }

    // Suffixes from the whole host down to its last label, most specific first.
    for (let k = 0; k < labels; k++) {
      const s = labelStarts[k] as number;
      const e = find(url, s, end);
      if (e >= 0) {
        // Query rules need the parsed, percent-decoded query: rare hosts, the parser's job.
        if (hostQueries[e]) return parseAndLookup(url);
        const rules = hostRules[e];
        if (rules) {
          const pathEnd = plainPathEnd(url, end);
          if (pathEnd < 0) return parseAndLookup(url);
          const position = pathEnd === end ? matchRules(rules, "/", 0, 1) : matchRules(rules, url, end, pathEnd);
          if (position >= 0) return tools[position] ?? null;
        }
        const position = hostTools[e] as number;
        if (position >= 0) {
          lastKind = hostKinds[e] as number;
          return tools[position] ?? null;
        }
      }
    }
    return null;
  }

  return { classify, match, classifyHost: lookupHost, normalize };
}

/** Whether one "name=value" pair of a query ("?a=1&b=2"), percent-decoded, is exactly this. */
function queryHas(search: string, param: string, value: string): boolean {
  if (search.length < 2) return false;
  for (const pair of search.slice(1).split("&")) {
    const eq = pair.indexOf("=");
    if (eq < 0) continue;
    if (decodeComponent(pair.slice(0, eq)) === param && decodeComponent(pair.slice(eq + 1)) === value) return true;
  }
  return false;
}

/** A query component as a form decodes it ("+" is a space); malformed escapes stay as written. */
function decodeComponent(text: string): string {
  if (!text.includes("%") && !text.includes("+")) return text;
  try {
    return decodeURIComponent(text.replaceAll("+", " "));
  } catch {
    return text;
  }
}

/** An IPv4-looking host ("1.2.3.4", "0x7f.1") is rewritten by the parser: let it. */
function isNumericTail(url: string, start: number, end: number): boolean {
  const c = url.charCodeAt(end - 1);
  if (c === DOT) return end - 1 > start && isNumericTail(url, start, end - 1);
  return c >= 48 && c <= 57;
}

/**
 * Where the path of a URL whose host the scan accepted ends (at "?", "#" or the end), when it
 * has only characters the parser leaves alone; -1 when the parser must decide (dot segments,
 * percent signs, backslashes, spaces, non-ASCII). An empty path is the parser's "/".
 */
function plainPathEnd(url: string, start: number): number {
  const length = url.length;
  let end = start;
  let previous = SLASH;
  for (; end < length; end++) {
    const c = url.charCodeAt(end);
    if (c === QUESTION || c === HASH) break;
    const plain =
      (c >= 97 && c <= 122) ||
      (c >= 65 && c <= 90) ||
      (c >= 48 && c <= 57) ||
      c === SLASH ||
      c === HYPHEN ||
      c === 95 ||
      c === 126 ||
      (c === DOT && previous !== SLASH);
    if (!plain) return -1;
    previous = c;
  }
  return end;
}

function normalize(url: string): { hostname: string; pathname: string; search: string } | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return null;
  const hostname = parsed.hostname.endsWith(".") ? parsed.hostname.slice(0, -1) : parsed.hostname;
  if (hostname === "") return null;
  return { hostname, pathname: parsed.pathname, search: parsed.search };
}
