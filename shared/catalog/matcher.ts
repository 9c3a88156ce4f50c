import type { CompiledIndex, CompiledTool } from "./compile";

/*
 * The matcher: which catalog tool, if any, a URL belongs to.
 *
 * It runs on every catalog navigation in the extension and on every URL `classify` reads, so
 * it is built for the common case and stays exact in the rare one.
 *
 * Data: a Map from canonical hostname to tool and a Map from shared hostname to path rules,
 * both built once from the compiled index. A hostname matches a catalog host when it equals
 * it or is a subdomain of it, so the lookup walks the hostname's suffixes at each dot, most
 * specific first ("a.b.chatgpt.com", "b.chatgpt.com", "chatgpt.com"), and the first hit wins.
 * At each suffix, path rules of a shared host (github.com/copilot) are tried before a host
 * entry; a prefix matches only at a path-segment boundary ("/copilot" matches "/copilot" and
 * "/copilot/x", never "/copilotkit"). Nothing is ever matched as a substring, so
 * "gemini.com", "chatgpt.com.example.org" and "example.org/?u=chatgpt.com" stay unknown.
 *
 * Normalization is the platform URL parser's (WHATWG URL): case, trailing dot, ports,
 * userinfo, IDN to punycode, percent-encoded hosts, backslashes and dot segments. Calling it
 * for every URL costs more than the lookup itself, so a hand-rolled scan takes the common
 * shape (http or https, a host of lowercase ASCII letters, digits, dots and single hyphens,
 * a plain path) and hands anything else to the parser. The scan accepts only inputs on which
 * it provably agrees with the parser; the property tests in matcher.test.ts hold it to that.
 */

export interface Matcher {
  /** The tool a URL belongs to, or null. Never throws. */
  classify(url: string): CompiledTool | null;
  /** The tool for an already-normalized hostname and path. */
  classifyHost(hostname: string, pathname: string): CompiledTool | null;
  /** The hostname and path the matcher sees in a URL, or null for non-web URLs. */
  normalize(url: string): { hostname: string; pathname: string } | null;
}

const SLASH = 47;
const QUESTION = 63;
const HASH = 35;
const DOT = 46;
const HYPHEN = 45;

export function createMatcher(index: CompiledIndex): Matcher {
  const tools = index.tools;
  const hosts = new Map<string, number>(Object.entries(index.hosts));
  const paths = new Map<string, Array<[string, number]>>(Object.entries(index.paths));

  function lookup(hostname: string, url: string, pathStart: number, pathname: string | null): CompiledTool | null {
    let host = hostname.charCodeAt(hostname.length - 1) === DOT ? hostname.slice(0, -1) : hostname;
    for (;;) {
      const rules = paths.get(host);
      if (rules !== undefined) {
        const path = pathname ?? fastPath(url, pathStart);
        if (path === null) return parseAndLookup(url);
        for (const [prefix, position] of rules) {
          if (path.startsWith(prefix) && (path.length === prefix.length || path.charCodeAt(prefix.length) === SLASH)) {
            return tools[position] ?? null;
          }
        }
      }
      const position = hosts.get(host);
      if (position !== undefined) return tools[position] ?? null;
      const dot = host.indexOf(".");
      if (dot < 0) return null;
      host = host.slice(dot + 1);
    }
  }

  function parseAndLookup(url: string): CompiledTool | null {
    const parts = normalize(url);
    return parts ? lookup(parts.hostname, url, 0, parts.pathname) : null;
  }

  function classify(url: string): CompiledTool | null {
    let start: number;
    if (url.startsWith("https://")) start = 8;
    else if (url.startsWith("http://")) start = 7;
    else return parseAndLookup(url);

    const length = url.length;
    let end = start;
    let previous = 0;
    for (; end < length; end++) {
      const c = url.charCodeAt(end);
      if (c === SLASH || c === QUESTION || c === HASH) break;
      const plain =
        (c >= 97 && c <= 122) ||
        (c >= 48 && c <= 57) ||
        (c === DOT && previous !== DOT) ||
        (c === HYPHEN && previous !== HYPHEN);
      // Anything else (uppercase, ":", "@", "%", "\\", non-ASCII, "--" as in punycode, "..")
      // is rare and is the parser's job.
      if (!plain) return parseAndLookup(url);
      previous = c;
    }
    if (end === start || previous === HYPHEN || url.charCodeAt(start) === DOT || isNumericTail(url, start, end)) {
      return parseAndLookup(url);
    }
    return lookup(url.slice(start, end), url, end, null);
  }

  return {
    classify,
    classifyHost: (hostname, pathname) => lookup(hostname, "", 0, pathname),
    normalize,
  };
}

/** An IPv4-looking host ("1.2.3.4", "0x7f.1") is rewritten by the parser: let it. */
function isNumericTail(url: string, start: number, end: number): boolean {
  const c = url.charCodeAt(end - 1);
  if (c === DOT) return end - 1 > start && isNumericTail(url, start, end - 1);
  return c >= 48 && c <= 57;
}

/**
 * The path of a URL whose host the scan accepted, when it has only characters the parser
 * leaves alone; null when the parser must decide (dot segments, percent signs, backslashes,
 * spaces, non-ASCII).
 */
function fastPath(url: string, start: number): string | null {
  const length = url.length;
  let end = start;
  let previous = SLASH;
  for (; end < length; end++) {
    const c = url.charCodeAt(end);
    if (c === QUESTION || c === HASH) break;
    const safe =
      (c >= 97 && c <= 122) ||
      (c >= 65 && c <= 90) ||
      (c >= 48 && c <= 57) ||
      c === SLASH ||
      c === HYPHEN ||
      c === 95 ||
      c === 126 ||
      (c === DOT && previous !== SLASH);
    if (!safe) return null;
    previous = c;
  }
  return end === start ? "/" : url.slice(start, end);
}

function normalize(url: string): { hostname: string; pathname: string } | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return null;
  const hostname = parsed.hostname.endsWith(".") ? parsed.hostname.slice(0, -1) : parsed.hostname;
  if (hostname === "") return null;
  return { hostname, pathname: parsed.pathname };
}
