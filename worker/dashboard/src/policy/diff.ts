/** A line diff (longest common subsequence) for comparing two policy versions as JSON. */

export type DiffLine = { kind: "same" | "added" | "removed"; text: string; oldNo?: number; newNo?: number };

export function diffLines(before: string, after: string): DiffLine[] {
  const allA = before.split("\n");
  const allB = after.split("\n");
  // Lines the two share at the start and the end are the same; only the middle needs the
  // quadratic table. A policy with lessons runs to about a thousand lines, an edit to a few.
  let start = 0;
  while (start < allA.length && start < allB.length && allA[start] === allB[start]) start++;
  let end = 0;
  while (
    end < allA.length - start &&
    end < allB.length - start &&
    allA[allA.length - 1 - end] === allB[allB.length - 1 - end]
  ) {
    end++;
  }
  const same = (from: number, to: number, shift: number): DiffLine[] =>
    allA.slice(from, to).map((text, k) => ({ kind: "same", text, oldNo: from + k + 1, newNo: from + k + 1 + shift }));
  const middle = diffMiddle(allA.slice(start, allA.length - end), allB.slice(start, allB.length - end), start);
  return [...same(0, start, 0), ...middle, ...same(allA.length - end, allA.length, allB.length - allA.length)];
}

/** The LCS diff of the lines between the shared start and end; numbers count from `offset`. */
function diffMiddle(a: string[], b: string[], offset: number): DiffLine[] {
  const lcs: Uint32Array[] = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    const row = lcs[i] as Uint32Array;
    const below = lcs[i + 1] as Uint32Array;
    for (let j = b.length - 1; j >= 0; j--) {
      row[j] = a[i] === b[j] ? (below[j + 1] as number) + 1 : Math.max(below[j] as number, row[j + 1] as number);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push({ kind: "same", text: a[i] as string, oldNo: offset + i + 1, newNo: offset + j + 1 });
      i++;
      j++;
    } else if (i < a.length && (j >= b.length || (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))) {
      // Removed lines first, as in a unified diff.
      out.push({ kind: "removed", text: a[i] as string, oldNo: offset + i + 1 });
      i++;
    } else {
      out.push({ kind: "added", text: b[j] as string, newNo: offset + j + 1 });
      j++;
    }
  }
  return out;
}

export type Hunk = { lines: DiffLine[] } | { skipped: number };

/** Keeps `context` unchanged lines around each change and folds the rest. */
export function hunks(lines: DiffLine[], context = 3): Hunk[] {
  const keep = lines.map(() => false);
  lines.forEach((line, index) => {
    if (line.kind === "same") return;
    for (let k = Math.max(0, index - context); k <= Math.min(lines.length - 1, index + context); k++) keep[k] = true;
  });
  const out: Hunk[] = [];
  let skipped = 0;
  let current: DiffLine[] = [];
  lines.forEach((line, index) => {
    if (keep[index]) {
      if (skipped) out.push({ skipped });
      skipped = 0;
      current.push(line);
    } else {
      if (current.length) out.push({ lines: current });
      current = [];
      skipped++;
    }
  });
  if (current.length) out.push({ lines: current });
  if (skipped) out.push({ skipped });
  return out;
}

/** The policy as compared: pretty JSON without the version, which always differs. */
export function policyText(policy: object): string {
  const { version: _version, ...rest } = policy as { version?: unknown };
  return JSON.stringify(rest, null, 2);
}
