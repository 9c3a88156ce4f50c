/*
 * Reads that go to the database together. A view that needs many independent statements sends
 * them as one D1 batch: one round trip instead of one each (about a millisecond per round trip
 * on the local worker, more between a Worker and its database). Each read names its
 * statements and how to turn their results into what its caller wants, so a function that
 * reads something can serve both a view that asks for it alone and one that batches it.
 */

/** A statement's result, its rows as they come. */
export type Rows = D1Result<Record<string, unknown>>;

/** Statements to run, and what their results (in the same order) amount to. */
export interface BatchedRead<T> {
  statements: D1PreparedStatement[];
  read(results: Rows[]): T;
}

/** What each of a tuple of reads amounts to. */
export type ReadsOf<R extends readonly BatchedRead<unknown>[]> = {
  [I in keyof R]: R[I] extends BatchedRead<infer T> ? T : never;
};

/** A read on its own: a batch of its statements (one statement runs by itself). */
export async function readAlone<T>(d1: D1Database, read: BatchedRead<T>): Promise<T> {
  const [only, ...others] = read.statements;
  if (!only) return read.read([]);
  if (others.length === 0) return read.read([await only.all<Record<string, unknown>>()]);
  return read.read(await d1.batch<Record<string, unknown>>(read.statements));
}

/** Several reads in one batch, each given its own statements' results. */
export async function readTogether<R extends readonly BatchedRead<unknown>[]>(
  d1: D1Database,
  reads: R,
): Promise<ReadsOf<R>> {
  const results = await d1.batch<Record<string, unknown>>(reads.flatMap((read) => read.statements));
  let at = 0;
  return reads.map((read) => {
    const own = results.slice(at, at + read.statements.length);
    at += read.statements.length;
    return read.read(own);
  }) as ReadsOf<R>;
}

/** A read of one statement's rows as they come. */
export function rowsRead<T>(statement: D1PreparedStatement): BatchedRead<T[]> {
  return { statements: [statement], read: ([result]) => (result?.results ?? []) as unknown as T[] };
}
