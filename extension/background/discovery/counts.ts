import { STORES, type Store } from "../../../shared/catalog/discovery";
import type { Day } from "../../../shared/day";
import { LIMITS } from "../../../shared/limits";
import type { RefusedCount, ReportRequest } from "../../../shared/protocol";

/*
 * The discovery counts as the device keeps them: entries of the one counter book (so queueing,
 * acknowledgement, compaction and re-enrollment treat them like every other count), under keys
 * of their own ("x\t<section>\t..."). Presence is a value, not a tally:
 *   extension           1 installed, 2 enabled at some time that day
 *   browser, token,
 *   revealedExtension   1
 *   unknownExtensions   the most AI-looking unknown extensions seen at once that day
 *   embed               requests made that day (a tally)
 * A presence only ever grows within a day (`raise`), so the server's max-merge holds.
 */

export type DiscoveryCount =
  | { section: "extension"; extension: string }
  | { section: "unknownExtensions" }
  | { section: "browser"; browser: string }
  | { section: "embed"; site: string; tool: string }
  | { section: "extensionToken"; token: string }
  | { section: "revealedExtension"; store: Store; id: string };

export const PRESENCE = { installed: 1, enabled: 2 } as const;

/** How a count changes: a presence raised to a value (never lowered within its day), or a tally grown by `by`. */
export type Change = { raise: number } | { by: number };

const isStore = (value: string): value is Store => (STORES as readonly string[]).includes(value);

/** The storage key of a discovery count (after the book's "x\t") and back. */
export const discoveryCodec = {
  encode(count: DiscoveryCount): string {
    switch (count.section) {
      case "extension":
        return `extension\t${count.extension}`;
      case "unknownExtensions":
        return "unknownExtensions";
      case "browser":
        return `browser\t${count.browser}`;
      case "embed":
        return `embed\t${count.site}\t${count.tool}`;
      case "extensionToken":
        return `extensionToken\t${count.token}`;
      case "revealedExtension":
        return `revealedExtension\t${count.store}\t${count.id}`;
    }
  },
  decode(parts: string[]): DiscoveryCount | null {
    const [section, a = "", b = "", ...rest] = parts;
    if (rest.length > 0) return null;
    const one = a !== "" && b === "";
    const two = a !== "" && b !== "";
    if (section === "extension" && one) return { section, extension: a };
    if (section === "unknownExtensions" && a === "") return { section };
    if (section === "browser" && one) return { section, browser: a };
    if (section === "embed" && two) return { section, site: a, tool: b };
    if (section === "extensionToken" && one) return { section, token: a };
    if (section === "revealedExtension" && two && isStore(a)) return { section, store: a, id: b };
    return null;
  },
};

type Section = "extensions" | "unknownExtensions" | "browsers" | "embeds" | "extensionTokens" | "revealedExtensions";

function push<K extends Section>(report: ReportRequest, field: K, item: NonNullable<ReportRequest[K]>[number]): void {
  const list = (report[field] ?? []) as Array<typeof item>;
  list.push(item);
  report[field] = list as ReportRequest[K];
}

/** Adds one discovery entry to a report body, in its own section. */
export function addToReport(report: ReportRequest, day: Day, count: DiscoveryCount, n: number): void {
  switch (count.section) {
    case "extension":
      push(report, "extensions", { day, extension: count.extension, enabled: n >= PRESENCE.enabled });
      return;
    case "unknownExtensions":
      push(report, "unknownExtensions", { day, n: Math.min(n, LIMITS.maxUnknownExtensionsPerDay) });
      return;
    case "browser":
      push(report, "browsers", { day, browser: count.browser });
      return;
    case "embed":
      push(report, "embeds", { day, site: count.site, tool: count.tool, n });
      return;
    case "extensionToken":
      push(report, "extensionTokens", { day, token: count.token });
      return;
    case "revealedExtension":
      push(report, "revealedExtensions", { day, store: count.store, id: count.id });
      return;
  }
}

/** The discovery count a refusal names (its `subject` as the worker writes it), or null. */
export function refusedDiscovery(refused: RefusedCount): DiscoveryCount | null {
  if (!("subject" in refused)) return null;
  const [a = "", b = ""] = refused.subject.split(" ");
  switch (refused.kind) {
    case "extension":
      return { section: "extension", extension: refused.subject };
    case "unknownExtensions":
      return { section: "unknownExtensions" };
    case "browser":
      return { section: "browser", browser: refused.subject };
    case "embed":
      return { section: "embed", site: a, tool: b };
    case "extensionToken":
      return { section: "extensionToken", token: refused.subject };
    case "revealedExtension":
      return isStore(a) ? { section: "revealedExtension", store: a, id: b } : null;
  }
}

/** The catalog entry a discovery count names, for "the server does not know this tool". */
export function toolOfDiscovery(count: DiscoveryCount): string | null {
  switch (count.section) {
    case "extension":
      return count.extension;
    case "browser":
      return count.browser;
    case "embed":
      return count.tool;
    default:
      return null;
  }
}
