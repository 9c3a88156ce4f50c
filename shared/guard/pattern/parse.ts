/**
 * Organization patterns: the syntax a policy may use, parsed into a small tree.
 *
 * The accepted syntax is a subset of JavaScript regular expressions (without the `u` flag)
 * that means the same thing in both, so an administrator can try a pattern in any regex tool:
 * literals, `.`, classes `[a-z]` / `[^0-9]`, the escapes `\d \D \w \W \s \S \b \B \t \n \r
 * \f \v \xHH \uHHHH` and escaped punctuation, groups `(...)` / `(?:...)` (they only group),
 * alternation `|`, and the greedy quantifiers `? * + {n} {n,} {n,m}`.
 * Refused, with a message naming the position: backreferences, lookaround, named groups,
 * anchors `^ $`, lazy or possessive quantifiers, Unicode property escapes, and unescaped
 * `{ } ]` outside their syntax. None of these is needed to describe an identifier, and
 * backreferences and lookaround are what make a pattern impossible to run in linear time.
 */
import { LIMITS } from "../../limits";

/** Inclusive UTF-16 code-unit ranges, sorted and merged. */
export type Ranges = number[];

export type Node =
  | { type: "set"; ranges: Ranges }
  | { type: "seq"; items: Node[] }
  | { type: "alt"; options: Node[] }
  | { type: "repeat"; node: Node; min: number; max: number }
  | { type: "boundary"; negated: boolean };

export class PatternError extends Error {}

const MAX_UNIT = 0xffff;
const DIGIT: Ranges = [48, 57];
const WORD: Ranges = [48, 57, 65, 90, 95, 95, 97, 122];
// ECMAScript WhiteSpace and LineTerminator code points.
const SPACE: Ranges = [
  9, 13, 32, 32, 160, 160, 5760, 5760, 8192, 8202, 8232, 8233, 8239, 8239, 8287, 8287, 12288, 12288, 65279, 65279,
];
const LINE_TERMINATORS: Ranges = [10, 10, 13, 13, 8232, 8233];

function normalize(ranges: Ranges): Ranges {
  const pairs: [number, number][] = [];
  for (let i = 0; i < ranges.length; i += 2) pairs.push([ranges[i] as number, ranges[i + 1] as number]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: Ranges = [];
  for (const [lo, hi] of pairs) {
    const last = out.length - 1;
    if (out.length > 0 && lo <= (out[last] as number) + 1) out[last] = Math.max(out[last] as number, hi);
    else out.push(lo, hi);
  }
  return out;
}

function complement(ranges: Ranges): Ranges {
  const sorted = normalize(ranges);
  const out: Ranges = [];
  let next = 0;
  for (let i = 0; i < sorted.length; i += 2) {
    const lo = sorted[i] as number;
    if (lo > next) out.push(next, lo - 1);
    next = (sorted[i + 1] as number) + 1;
  }
  if (next <= MAX_UNIT) out.push(next, MAX_UNIT);
  return out;
}

/** Adds the other case of every letter, as a case-insensitive match needs. */
function foldCase(ranges: Ranges): Ranges {
  const out = [...ranges];
  for (let i = 0; i < ranges.length; i += 2) {
    const lo = ranges[i] as number;
    const hi = ranges[i + 1] as number;
    // Wide ranges (such as a negated class) are folded on their letters only where it is cheap.
    const top = Math.min(hi, lo + 4096);
    for (let code = lo; code <= top; code++) {
      const char = String.fromCharCode(code);
      for (const variant of [char.toLowerCase(), char.toUpperCase()]) {
        const unit = variant.charCodeAt(0);
        // Like JavaScript without the u flag: no multi-character foldings, none into ASCII.
        if (variant.length === 1 && unit !== code && !(unit < 128 && code >= 128)) out.push(unit, unit);
      }
    }
  }
  return normalize(out);
}

/** Whether a part of a pattern can match empty text. */
export function canBeEmpty(node: Node): boolean {
  switch (node.type) {
    case "set":
      return false;
    case "boundary":
      return true;
    case "seq":
      return node.items.every(canBeEmpty);
    case "alt":
      return node.options.some(canBeEmpty);
    case "repeat":
      return node.min === 0 || canBeEmpty(node.node);
  }
}

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly source: string,
    private readonly caseInsensitive: boolean,
  ) {}

  parse(): Node {
    const node = this.alternation();
    if (this.pos < this.source.length) this.fail(`unexpected "${this.source[this.pos]}"`);
    return node;
  }

  private fail(message: string): never {
    throw new PatternError(`at ${this.pos + 1}: ${message}`);
  }

  private peek(): string | undefined {
    return this.source[this.pos];
  }

  private alternation(): Node {
    const options = [this.sequence()];
    while (this.peek() === "|") {
      this.pos++;
      options.push(this.sequence());
    }
    return options.length === 1 ? (options[0] as Node) : { type: "alt", options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    for (let char = this.peek(); char !== undefined && char !== "|" && char !== ")"; char = this.peek()) {
      const atom = this.atom();
      items.push(this.quantified(atom));
    }
    return items.length === 1 ? (items[0] as Node) : { type: "seq", items };
  }

  private quantified(atom: Node): Node {
    const start = this.pos;
    let min: number;
    let max: number;
    const char = this.peek();
    if (char === "?") [min, max] = [0, 1];
    else if (char === "*") [min, max] = [0, Number.POSITIVE_INFINITY];
    else if (char === "+") [min, max] = [1, Number.POSITIVE_INFINITY];
    else if (char === "{") [min, max] = this.braces();
    else return atom;
    if (char !== "{") this.pos++;
    if (atom.type === "boundary") this.fail("a word boundary cannot be repeated");
    if (canBeEmpty(atom)) {
      this.pos = start;
      this.fail("a repeated part must match at least one character each time");
    }
    const next = this.peek();
    if (next === "?" || next === "+") this.fail("lazy and possessive quantifiers are not supported");
    if (next === "*" || next === "{") this.fail("a quantifier cannot follow a quantifier");
    if (max < min) {
      this.pos = start;
      this.fail("in {n,m}, m must not be smaller than n");
    }
    return { type: "repeat", node: atom, min, max };
  }

  private braces(): [number, number] {
    const match = /^\{(\d{1,4})(,(\d{0,4}))?\}/.exec(this.source.slice(this.pos));
    if (!match) this.fail('"{" starts a repeat such as {2,5}; write \\{ for a brace');
    const min = Number(match[1]);
    const max = match[2] === undefined ? min : match[3] === "" ? Number.POSITIVE_INFINITY : Number(match[3]);
    const limit = LIMITS.guardPatternMaxRepeat;
    if (min > limit || (Number.isFinite(max) && max > limit)) this.fail(`repeat counts are limited to ${limit}`);
    this.pos += match[0].length;
    return [min, max];
  }

  private atom(): Node {
    const char = this.peek() as string;
    switch (char) {
      case "(":
        return this.group();
      case "[":
        return this.set(this.charClass());
      case ".":
        this.pos++;
        return { type: "set", ranges: complement(LINE_TERMINATORS) };
      case "\\":
        return this.escape();
      case "^":
      case "$":
        return this.fail(`anchors (${char}) are not supported; use \\b for a word boundary`);
      case "*":
      case "+":
      case "?":
        return this.fail(`"${char}" has nothing to repeat`);
      case "{":
      case "}":
      case "]":
        return this.fail(`write \\${char} for a literal "${char}"`);
      default:
        this.pos++;
        return this.literal(char.charCodeAt(0));
    }
  }

  private literal(code: number): Node {
    return this.set([code, code]);
  }

  private set(ranges: Ranges): Node {
    return { type: "set", ranges: this.caseInsensitive ? foldCase(ranges) : normalize(ranges) };
  }

  private group(): Node {
    this.pos++;
    if (this.peek() === "?") {
      if (this.source[this.pos + 1] !== ":") this.fail("only (...) and (?:...) groups are supported (no lookaround)");
      this.pos += 2;
    }
    if (++this.depth > 20) this.fail("groups are nested too deeply");
    const inner = this.alternation();
    this.depth--;
    if (this.peek() !== ")") this.fail('missing ")"');
    this.pos++;
    return inner;
  }

  private escape(): Node {
    const char = this.source[this.pos + 1];
    if (char === "b" || char === "B") {
      this.pos += 2;
      return { type: "boundary", negated: char === "B" };
    }
    const ranges = this.escapeRanges(false);
    // Built-in classes are closed under case already; literals get their other case.
    return ranges.length === 2 && ranges[0] === ranges[1] ? this.set(ranges) : { type: "set", ranges };
  }

  /** An escape at the current position (a backslash), as ranges; consumes it. */
  private escapeRanges(inClass: boolean): Ranges {
    const start = this.pos;
    const char = this.source[this.pos + 1];
    if (char === undefined) this.fail("a pattern cannot end with a backslash");
    this.pos += 2;
    const refuse = (message: string): never => {
      this.pos = start;
      return this.fail(message);
    };
    switch (char) {
      case "d":
        return DIGIT;
      case "D":
        return complement(DIGIT);
      case "w":
        return WORD;
      case "W":
        return complement(WORD);
      case "s":
        return SPACE;
      case "S":
        return complement(SPACE);
      case "t":
        return [9, 9];
      case "n":
        return [10, 10];
      case "v":
        return [11, 11];
      case "f":
        return [12, 12];
      case "r":
        return [13, 13];
      case "x":
      case "u": {
        const width = char === "x" ? 2 : 4;
        const hex = this.source.slice(this.pos, this.pos + width);
        if (!new RegExp(`^[0-9A-Fa-f]{${width}}$`).test(hex)) refuse(`\\${char} needs ${width} hex digits`);
        this.pos += width;
        const code = Number.parseInt(hex, 16);
        return [code, code];
      }
      default: {
        const code = char.charCodeAt(0);
        if (/[0-9]/.test(char)) refuse("backreferences are not supported");
        if (/[A-Za-z]/.test(char)) refuse(`\\${char} is not a supported escape${inClass ? " inside [...]" : ""}`);
        return [code, code];
      }
    }
  }

  private charClass(): Ranges {
    this.pos++;
    let negated = false;
    if (this.peek() === "^") {
      negated = true;
      this.pos++;
    }
    const ranges: Ranges = [];
    let first = true;
    for (;;) {
      const char = this.peek();
      if (char === undefined) this.fail('missing "]"');
      if (char === "]" && !first) break;
      if (char === "]") this.fail("an empty class [] matches nothing");
      first = false;
      const rangeStart = this.pos;
      const lo = this.classAtom();
      if (this.peek() === "-" && this.source[this.pos + 1] !== "]" && this.source[this.pos + 1] !== undefined) {
        this.pos++;
        const hi = this.classAtom();
        if (lo.length !== 2 || lo[0] !== lo[1] || hi.length !== 2 || hi[0] !== hi[1]) {
          this.fail("a range in [...] needs a single character at each end");
        }
        if ((hi[0] as number) < (lo[0] as number)) {
          this.pos = rangeStart;
          this.fail("a range in [...] is out of order");
        }
        ranges.push(lo[0] as number, hi[0] as number);
      } else {
        ranges.push(...lo);
      }
    }
    this.pos++;
    const positive = this.caseInsensitive ? foldCase(ranges) : normalize(ranges);
    return negated ? complement(positive) : positive;
  }

  private classAtom(): Ranges {
    const char = this.peek() as string;
    if (char === "\\") {
      if (this.source[this.pos + 1] === "b" || this.source[this.pos + 1] === "B") {
        this.fail("\\b is not supported inside [...]");
      }
      return this.escapeRanges(true);
    }
    if (char === "[") this.fail('write \\[ for a literal "[" inside [...]');
    this.pos++;
    const code = char.charCodeAt(0);
    return [code, code];
  }
}

/** Parses an organization pattern; throws PatternError with a position on anything refused. */
export function parsePattern(source: string, caseInsensitive: boolean): Node {
  if (source.length === 0) throw new PatternError("the pattern is empty");
  if (source.length > LIMITS.guardPatternMaxSource) {
    throw new PatternError(`the pattern is longer than ${LIMITS.guardPatternMaxSource} characters`);
  }
  for (let i = 0; i < source.length; i++) {
    const code = source.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdfff) {
      throw new PatternError(`at ${i + 1}: characters outside the Basic Multilingual Plane are not supported`);
    }
  }
  return new Parser(source, caseInsensitive).parse();
}
