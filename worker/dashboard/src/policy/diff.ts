/** A line diff (longest common subsequence) for comparing two policy versions as JSON. */

export type DiffLine = { kind: "same" | "added" | "removed"; text: string; oldNo?: number; newNo?: number };

export function diffLines(before: string, after: string): DiffLine[] {
  const a = before.split("\n");
  const b = after.split("\n");
  // Policies are a few hundred lines at most, so the quadratic table is small.
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
      out.push({ kind: "same", text: a[i] as string, oldNo: i + 1, newNo: j + 1 });
      i++;
      j++;
    } else if (i < a.length && (j >= b.length || (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))) {
      // Removed lines first, as in a unified diff.
      out.push({ kind: "removed", text: a[i] as string, oldNo: i + 1 });
      i++;
    } else {
      out.push({ kind: "added", text: b[j] as string, newNo: j + 1 });
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
