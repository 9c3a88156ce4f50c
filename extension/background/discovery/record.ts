import type { Day } from "../../../shared/day";
import { addCount, type Count, countCodec } from "../../lib/counters";
import { local, serialized } from "../../lib/state";
import { reportingOn } from "../counting";
import type { Change, DiscoveryCount } from "./counts";

export type { Change };

/*
 * Writing discovery counts into the counter book, only while reporting is on (as every count).
 * A presence is raised to a value and never lowered within its day; a tally grows by `by`.
 */

/** Applies several changes of one day in one write of the book. */
export async function recordDiscovery(day: Day, changes: Array<[DiscoveryCount, Change]>): Promise<void> {
  if (changes.length === 0 || !(await reportingOn())) return;
  await serialized(async () => {
    let book = await local.counters.getValue();
    for (const [item, change] of changes) {
      const count: Count = { kind: "discovery", item };
      const now = book[day]?.[countCodec.encode(count)] ?? 0;
      const by = "by" in change ? change.by : change.raise - now;
      if (by > 0) book = addCount(book, day, count, by);
    }
    await local.counters.setValue(book);
  });
}
