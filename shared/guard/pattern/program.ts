/**
 * Organization patterns run on a Pike VM (Thompson's construction with thread priorities),
 * never on the browser's backtracking regex engine.
 *
 * Why: a backtracking engine can take exponential time on a pattern such as `(a|a)*b` and
 * quadratic time on one as plain as `\w+@`; a policy is data, and a mistake in it must not
 * freeze the page of every employee. A Pike VM keeps at most one thread per instruction, so
 * matching costs at most (characters x program size) steps whatever the pattern; the program
 * size is capped (LIMITS.guardPatternMaxProgram), matches are capped in length
 * (LIMITS.guardPatternMaxMatch), and the scanner gives each pattern at most
 * LIMITS.guardPatternStepsPerChunk steps between two looks at the clock.
 *
 * Semantics are JavaScript's (leftmost match, and among matches starting there the one a
 * backtracking engine would pick first): thread lists are kept in priority order and a match
 * cuts every thread of lower priority. A property test compares it with RegExp.
 *
 * The scan loop skips quickly over characters that cannot start a match (the pattern's first
 * set), so a pattern costs about one table lookup per character of ordinary text.
 */
import { LIMITS } from "../../limits";
import { canBeEmpty, type Node, PatternError, parsePattern, type Ranges } from "./parse";

const CHAR = 0;
const SPLIT = 1;
const JMP = 2;
const MATCH = 3;
const BOUNDARY = 4;
const NOT_BOUNDARY = 5;

class CharSet {
  readonly ascii = new Uint8Array(128);
  readonly wide: Int32Array;

  constructor(ranges: Ranges) {
    const wide: number[] = [];
    for (let i = 0; i < ranges.length; i += 2) {
      const lo = ranges[i] as number;
      const hi = ranges[i + 1] as number;
      for (let code = lo; code <= Math.min(hi, 127); code++) this.ascii[code] = 1;
      if (hi >= 128) wide.push(Math.max(lo, 128), hi);
    }
    this.wide = Int32Array.from(wide);
  }

  has(code: number): boolean {
    if (code < 128) return this.ascii[code] === 1;
    const wide = this.wide;
    for (let i = 0; i < wide.length; i += 2) {
      if (code < (wide[i] as number)) return false;
      if (code <= (wide[i + 1] as number)) return true;
    }
    return false;
  }
}

class Emitter {
  readonly op: number[] = [];
  readonly a: number[] = [];
  readonly b: number[] = [];
  readonly sets: Ranges[] = [];

  emit(op: number, a = 0, b = 0): number {
    if (this.op.length >= LIMITS.guardPatternMaxProgram) {
      throw new PatternError(
        `the pattern is too complex (over ${LIMITS.guardPatternMaxProgram} steps once its repeats are counted out)`,
      );
    }
    this.op.push(op);
    this.a.push(a);
    this.b.push(b);
    return this.op.length - 1;
  }

  node(node: Node): void {
    switch (node.type) {
      case "set":
        this.sets.push(node.ranges);
        this.emit(CHAR, this.sets.length - 1);
        return;
      case "boundary":
        this.emit(node.negated ? NOT_BOUNDARY : BOUNDARY);
        return;
      case "seq":
        for (const item of node.items) this.node(item);
        return;
      case "alt": {
        // split L1, next; L1: option1; jmp end; next: split L2, next2; ... last option
        const jumps: number[] = [];
        node.options.forEach((option, i) => {
          if (i < node.options.length - 1) {
            const split = this.emit(SPLIT);
            this.a[split] = split + 1;
            this.node(option);
            jumps.push(this.emit(JMP));
            this.b[split] = this.op.length;
          } else {
            this.node(option);
          }
        });
        for (const jump of jumps) this.a[jump] = this.op.length;
        return;
      }
      case "repeat": {
        for (let i = 0; i < node.min; i++) this.node(node.node);
        if (node.max === Number.POSITIVE_INFINITY) {
          const split = this.emit(SPLIT);
          this.a[split] = split + 1;
          this.node(node.node);
          this.emit(JMP, split);
          this.b[split] = this.op.length;
          return;
        }
        const splits: number[] = [];
        for (let i = node.min; i < node.max; i++) {
          const split = this.emit(SPLIT);
          this.a[split] = split + 1;
          splits.push(split);
          this.node(node.node);
        }
        for (const split of splits) this.b[split] = this.op.length;
        return;
      }
    }
  }
}

function isWordUnit(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

function atBoundary(text: string, pos: number): boolean {
  const before = pos > 0 && isWordUnit(text.charCodeAt(pos - 1));
  const after = pos < text.length && isWordUnit(text.charCodeAt(pos));
  return before !== after;
}

/** A thread list: instruction and start position per thread, in priority order. */
class Threads {
  readonly pc: Int32Array;
  readonly start: Int32Array;
  size = 0;
  constructor(capacity: number) {
    this.pc = new Int32Array(capacity);
    this.start = new Int32Array(capacity);
  }
}

/** A compiled organization pattern. */
class Program {
  readonly size: number;
  private readonly op: Uint8Array;
  private readonly a: Int32Array;
  private readonly b: Int32Array;
  private readonly sets: CharSet[];
  private readonly first: CharSet;
  private readonly marks: Float64Array;
  private stamp = 0;
  private readonly stack: Int32Array;
  private current: Threads;
  private next: Threads;

  constructor(emitter: Emitter) {
    this.size = emitter.op.length;
    this.op = Uint8Array.from(emitter.op);
    this.a = Int32Array.from(emitter.a);
    this.b = Int32Array.from(emitter.b);
    this.sets = emitter.sets.map((ranges) => new CharSet(ranges));
    this.marks = new Float64Array(this.size);
    this.stack = new Int32Array(this.size * 2 + 2);
    this.current = new Threads(this.size);
    this.next = new Threads(this.size);
    this.first = new CharSet(this.firstRanges(emitter));
  }

  /** Every character a match can begin with (assertions assumed to hold). */
  private firstRanges(emitter: Emitter): Ranges {
    const ranges: Ranges = [];
    const seen = new Set<number>();
    const todo = [0];
    while (todo.length > 0) {
      const pc = todo.pop() as number;
      if (seen.has(pc)) continue;
      seen.add(pc);
      const op = this.op[pc];
      if (op === CHAR) ranges.push(...(emitter.sets[this.a[pc] as number] as Ranges));
      else if (op === SPLIT) todo.push(this.a[pc] as number, this.b[pc] as number);
      else if (op === JMP) todo.push(this.a[pc] as number);
      else if (op === BOUNDARY || op === NOT_BOUNDARY) todo.push(pc + 1);
    }
    return ranges;
  }

  /** Adds the thread at `pc` and everything reachable without reading a character. */
  private add(list: Threads, startPc: number, start: number, text: string, pos: number): void {
    const { op, a, b, marks, stack } = this;
    const stamp = this.stamp;
    let top = 0;
    stack[top++] = startPc;
    while (top > 0) {
      const pc = stack[--top] as number;
      if (marks[pc] === stamp) continue;
      marks[pc] = stamp;
      switch (op[pc]) {
        case JMP:
          stack[top++] = a[pc] as number;
          break;
        case SPLIT:
          // The preferred branch is taken first: push it last.
          stack[top++] = b[pc] as number;
          stack[top++] = a[pc] as number;
          break;
        case BOUNDARY:
          if (atBoundary(text, pos)) stack[top++] = pc + 1;
          break;
        case NOT_BOUNDARY:
          if (!atBoundary(text, pos)) stack[top++] = pc + 1;
          break;
        default:
          list.pc[list.size] = pc;
          list.start[list.size] = start;
          list.size++;
      }
    }
  }

  /**
   * The first match that starts in [from, to), as [start, end], or null. Reads at most
   * LIMITS.guardPatternMaxMatch characters past a match's start.
   */
  exec(text: string, from: number, to: number): [number, number] | null {
    const { op, a, sets, first } = this;
    const maxSpan = LIMITS.guardPatternMaxMatch;
    const length = text.length;
    let current = this.current;
    let next = this.next;
    current.size = 0;
    let matchStart = -1;
    let matchEnd = -1;
    let pos = from;
    for (;;) {
      if (current.size === 0) {
        if (matchStart >= 0) break;
        while (pos < to && !first.has(text.charCodeAt(pos))) pos++;
        if (pos >= to) break;
      }
      // A new stamp per position: `add` keeps one thread per instruction and position.
      this.stamp++;
      if (matchStart < 0 && pos < to) {
        // Existing threads keep their marks from the previous step's stamp: re-mark them.
        for (let i = 0; i < current.size; i++) this.marks[current.pc[i] as number] = this.stamp;
        this.add(current, 0, pos, text, pos);
      }
      this.stamp++;
      next.size = 0;
      const code = pos < length ? text.charCodeAt(pos) : -1;
      for (let i = 0; i < current.size; i++) {
        const pc = current.pc[i] as number;
        const start = current.start[i] as number;
        if (op[pc] === MATCH) {
          matchStart = start;
          matchEnd = pos;
          break;
        }
        if (code >= 0 && pos + 1 - start <= maxSpan && (sets[a[pc] as number] as CharSet).has(code)) {
          this.add(next, pc + 1, start, text, pos + 1);
        }
      }
      const swap = current;
      current = next;
      next = swap;
      // Past the end nothing can advance; threads waiting at the end were checked for a match.
      if (pos >= length) break;
      pos++;
    }
    this.current = current;
    this.next = next;
    return matchStart >= 0 ? [matchStart, matchEnd] : null;
  }
}

export type CompiledPattern = { ok: true; program: Program } | { ok: false; error: string };

/** Parses and compiles an organization pattern; refuses what it cannot run safely, saying why. */
export function compilePattern(source: string, caseInsensitive = false): CompiledPattern {
  try {
    const tree = parsePattern(source, caseInsensitive);
    if (canBeEmpty(tree))
      return { ok: false, error: "the pattern can match empty text; it must match at least one character" };
    const emitter = new Emitter();
    emitter.node(tree);
    emitter.emit(MATCH);
    return { ok: true, program: new Program(emitter) };
  } catch (error) {
    if (error instanceof PatternError) return { ok: false, error: error.message };
    throw error;
  }
}
