/** Prints rows as a table: the first `left` columns aligned left, the rest right (numbers). */
export function printTable(rows: string[][], left = 1): void {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((row) => (row[c] ?? "").length)));
  for (const row of rows) {
    console.log(
      row
        .map((cell, c) => (c < left ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number)))
        .join("  "),
    );
  }
}
