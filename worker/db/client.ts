import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export function database(d1: D1Database) {
  return drizzle(d1, { schema });
}

export type Database = ReturnType<typeof database>;

/** What each of a tuple of unexecuted queries yields once run (alone or in `db.batch`). */
export type RowsOf<Q extends readonly unknown[]> = { [I in keyof Q]: Awaited<Q[I]> };
