import { type Policy, policySchema } from "../../shared/policy/schema";

/*
 * Published policy versions never change, yet nearly every view and every ingest batch reads
 * them, and checking a body against its schema (lessons, reading times, rules) costs more than
 * the statements around it. Each text is parsed and checked once
 * per isolate, keyed by its exact text, so a text read again gives the same frozen object and
 * a different text (another version, or a database emptied and seeded again) is parsed anew:
 * nothing here can go stale, so nothing needs forgetting between tests (unlike
 * worker/isolate-state.ts).
 */

/** Texts kept: more than the versions any view reads at once. */
const KEPT = 32;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

function parsedOnce<T>(schema: { parse(value: unknown): T }): (text: string) => T {
  const parsed = new Map<string, T>();
  return (text) => {
    const known = parsed.get(text);
    if (known !== undefined) return known;
    const value = deepFreeze(schema.parse(JSON.parse(text)));
    if (parsed.size >= KEPT) parsed.delete(parsed.keys().next().value as string);
    parsed.set(text, value);
    return value;
  };
}

/** The policy a published version's stored body holds (read-only: it is shared). */
export const publishedPolicy: (body: string) => Policy = parsedOnce(policySchema);
