import { type BatchedRead, rowsRead } from "./batch";

/** The SHA-256 of the latest pack generated on this server, or null before the first: a read to batch. */
export function latestPackRead(d1: D1Database): BatchedRead<string | null> {
  const rows = rowsRead<{ sha256: string }>(d1.prepare("SELECT sha256 FROM evidence_packs ORDER BY id DESC LIMIT 1"));
  return { statements: rows.statements, read: (results) => rows.read(results)[0]?.sha256 ?? null };
}

/**
 * Appends a pack to the chain, but only while `previous` is still the latest: two packs
 * generated at once would otherwise name the same predecessor. Returns whether it was appended.
 */
export async function appendPack(
  d1: D1Database,
  pack: { generatedAt: number; from: string; to: string; sha256: string; previous: string | null },
): Promise<boolean> {
  const result = await d1
    .prepare(
      `INSERT INTO evidence_packs (generated_at, period_from, period_to, sha256, previous_sha256)
       SELECT ?1, ?2, ?3, ?4, ?5
       WHERE (SELECT sha256 FROM evidence_packs ORDER BY id DESC LIMIT 1) IS ?5`,
    )
    .bind(pack.generatedAt, pack.from, pack.to, pack.sha256, pack.previous)
    .run();
  return (result.meta.changes ?? 0) > 0;
}
