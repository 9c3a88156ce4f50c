import { type Count, type CounterBook, entriesOf } from "../../extension/lib/counters";

/**
 * A count in words, for tests to compare: "chatgpt acknowledged v1", "chatgpt reason:evaluating v1",
 * "site.ai", "site.ai signal:aiApi", "chatgpt guard:payment-card:warned v1", "lesson:chat-assistants completed v3".
 */
export function countName(count: Count): string {
  switch (count.kind) {
    case "event":
      return `${count.tool} ${count.event} v${count.policyVersion}`;
    case "justification":
      return `${count.tool} reason:${count.reason} v${count.policyVersion}`;
    case "candidate":
      return count.signal ? `${count.domain} signal:${count.signal}` : count.domain;
    case "guard":
      return `${count.tool} guard:${count.detector}:${count.outcome} v${count.policyVersion}`;
    case "discovery":
      return `${count.item.section}:${Object.values(count.item).slice(1).join(" ")}`;
    case "lesson":
      return `lesson:${count.lesson} ${count.outcome} v${count.version}`;
  }
}

/** Every count of a book by name, each day apart ("2026-11-20 chatgpt visit v1") or summed over days. */
export function countsByName(book: CounterBook, { byDay = false } = {}): Record<string, number> {
  const named: Record<string, number> = {};
  for (const { day, count, n } of entriesOf(book)) {
    const name = byDay ? `${day} ${countName(count)}` : countName(count);
    named[name] = (named[name] ?? 0) + n;
  }
  return named;
}
