import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

const made = (d1: D1Database) => drizzle(d1, { schema });

/**
 * Drizzle over one D1 binding, made once per binding and isolate: making it walks the whole
 * schema's relations, about a sixteenth of the worker's busy time in a profile of queued
 * reports (`LOAD_PROFILE=1 npm run bench:load`). It holds nothing of any request, only the
 * binding.
 */
const databases = new WeakMap<D1Database, ReturnType<typeof made>>();

export function database(d1: D1Database) {
  let db = databases.get(d1);
  if (!db) {
    db = made(d1);
    databases.set(d1, db);
  }
  return db;
}

export type Database = ReturnType<typeof database>;

/** What each of a tuple of unexecuted queries yields once run (alone or in `db.batch`). */
export type RowsOf<Q extends readonly unknown[]> = { [I in keyof Q]: Awaited<Q[I]> };
