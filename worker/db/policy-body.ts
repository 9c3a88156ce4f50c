import { type Policy, policySchema } from "../../shared/policy/schema";

/*
 * Published policy versions never change, yet nearly every view and every ingest batch reads
 * them, and checking a body against the schema (lessons, reading times, rules) costs more than
 * the statements around it. Each body is parsed and checked once per isolate, keyed by its
 * exact text, so a body read again is the same frozen object and a different body (another
 * version, or a database emptied and seeded again) is parsed anew: nothing here can go stale,
 * so nothing needs forgetting between tests (unlike worker/isolate-state.ts).
 */

/** Bodies kept: more than the versions any view reads at once. */
const KEPT = 16;
const parsed = new Map<string, Policy>();

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** The policy a published version's stored body holds (read-only: it is shared). */
export function publishedPolicy(body: string): Policy {
  const known = parsed.get(body);
  if (known) return known;
  const policy = deepFreeze(policySchema.parse(JSON.parse(body)));
  if (parsed.size >= KEPT) parsed.delete(parsed.keys().next().value as string);
  parsed.set(body, policy);
  return policy;
}
