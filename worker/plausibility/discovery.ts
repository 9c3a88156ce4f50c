import { chromiumExtensionId, geckoExtensionId } from "../../shared/catalog/discovery";
import { LIMITS, PLAUSIBLE_EMBED_REQUESTS_PER_DAY } from "../../shared/limits";
import type { RefusedCount, ReportRequest } from "../../shared/protocol";
import { type Catalog, isRegistrableDomain, type Problem, type StoredState } from "../plausibility";

/**
 * The discovery sections: catalogued AI extensions, the AI browser, unknown AI-looking
 * extensions (a number) and sites embedding AI tools. Each names a day in the window and a
 * catalog entry of the right kind; a device runs in one browser a day, and its embeds stay
 * under a distinct-pair cap and a per-pair request cap.
 */
export function implausibleDiscovery(
  report: ReportRequest,
  stored: StoredState,
  entries: Catalog,
  dayProblem: (day: string) => Problem | null,
): RefusedCount[] {
  const refused: RefusedCount[] = [];
  const refuse =
    (kind: Extract<RefusedCount, { subject: string }>["kind"], day: string, subject: string) =>
    (problem: Problem | null) => {
      if (problem) refused.push({ kind, day, subject, reason: problem[0], message: problem[1] });
      return problem === null;
    };
  const entryProblem = (id: string, kind: "extension" | "browser" | undefined): Problem | null => {
    const entry = entries.get(id);
    if (!entry) return ["unknown_tool", `unknown catalog entry "${id}"`];
    if (entry.kind !== kind) return ["wrong_kind", `"${id}" is not ${kind ? `an ${kind}` : "a tool met in pages"}`];
    return null;
  };
  for (const e of report.extensions ?? []) {
    refuse("extension", e.day, e.extension)(dayProblem(e.day) ?? entryProblem(e.extension, "extension"));
  }
  for (const u of report.unknownExtensions ?? []) refuse("unknownExtensions", u.day, String(u.n))(dayProblem(u.day));
  for (const b of report.browsers ?? []) {
    const before = stored.browsers?.get(b.day);
    refuse(
      "browser",
      b.day,
      b.browser,
    )(
      dayProblem(b.day) ??
        entryProblem(b.browser, "browser") ??
        (before && before !== b.browser
          ? (["conflict", `${b.day} already has the browser "${before}"`] as Problem)
          : null),
    );
  }
  const pairsPerDay = new Map([...(stored.embeds ?? [])].map(([day, pairs]) => [day, new Set(pairs)]));
  for (const e of report.embeds ?? []) {
    const pairs = pairsPerDay.get(e.day) ?? new Set<string>();
    pairsPerDay.set(e.day, pairs);
    const pair = `${e.site}|${e.tool}`;
    const ok = refuse(
      "embed",
      e.day,
      `${e.site} ${e.tool}`,
    )(
      dayProblem(e.day) ??
        entryProblem(e.tool, undefined) ??
        (isRegistrableDomain(e.site)
          ? null
          : (["invalid_domain", `"${e.site}" is not a registrable domain under a public suffix`] as Problem)) ??
        (e.n > PLAUSIBLE_EMBED_REQUESTS_PER_DAY
          ? (["over_cap", `${e.n} requests > ${PLAUSIBLE_EMBED_REQUESTS_PER_DAY} in one day`] as Problem)
          : null) ??
        (!pairs.has(pair) && pairs.size >= LIMITS.maxEmbedsPerDay
          ? (["too_many", `more than ${LIMITS.maxEmbedsPerDay} embeds in one day`] as Problem)
          : null),
    );
    if (ok) pairs.add(pair);
  }
  // Nominations and named extensions: few per device and day; a named id has its store's form.
  const perDay = (stored: Map<string, Set<string>> | undefined) =>
    new Map([...(stored ?? [])].map(([day, keys]) => [day, new Set(keys)]));
  const capped = (keys: Set<string>, key: string): Problem | null =>
    !keys.has(key) && keys.size >= LIMITS.maxExtensionTokensPerDay
      ? ["too_many", `more than ${LIMITS.maxExtensionTokensPerDay} unknown extensions in one day`]
      : null;
  const tokensPerDay = perDay(stored.extensionTokens);
  for (const t of report.extensionTokens ?? []) {
    const tokens = tokensPerDay.get(t.day) ?? new Set<string>();
    tokensPerDay.set(t.day, tokens);
    if (refuse("extensionToken", t.day, t.token)(dayProblem(t.day) ?? capped(tokens, t.token))) tokens.add(t.token);
  }
  const namedPerDay = perDay(stored.revealedExtensions);
  for (const r of report.revealedExtensions ?? []) {
    const named = namedPerDay.get(r.day) ?? new Set<string>();
    namedPerDay.set(r.day, named);
    const key = `${r.store}|${r.id}`;
    const form = (r.store === "firefox" ? geckoExtensionId : chromiumExtensionId).safeParse(r.id).success;
    const ok = refuse(
      "revealedExtension",
      r.day,
      `${r.store} ${r.id}`,
    )(
      dayProblem(r.day) ??
        (form ? null : (["invalid_id", `"${r.id}" is not a ${r.store} extension id`] as Problem)) ??
        capped(named, key),
    );
    if (ok) named.add(key);
  }
  return refused;
}
