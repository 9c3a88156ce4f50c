import { LIMITS, PLAUSIBLE_CANDIDATE_VISITS_PER_DAY } from "../../shared/limits";
import type { CandidateCount, RefusedCount } from "../../shared/protocol";
import { isRegistrableDomain, type Problem, type StoredState } from "../plausibility";

/**
 * Candidate domains: each is a registrable domain under a public suffix, with plausible visits,
 * and few per device and day. Of their signals, two can be checked against what the server
 * knows: `aiVendor` names a domain the catalog in force lists as a catalogued AI vendor's own
 * (`vendorDomains`), and `oauth` never stands alone on a domain the device has not reported
 * that day with another signal (a relation: checked only once the device's earlier reports are
 * stored). `hostname` and `aiApi` cannot be checked without the page, which never leaves the
 * device; a dishonest device can claim them, as it can claim visits.
 */
export function implausibleCandidates(
  candidates: CandidateCount[],
  stored: StoredState,
  dayProblem: (day: string) => Problem | null,
  options: { vendorDomains: ReadonlySet<string>; relations: boolean },
): RefusedCount[] {
  const refused: RefusedCount[] = [];
  const domainsPerDay = new Map([...stored.candidates].map(([day, domains]) => [day, new Set(domains)]));
  for (const candidate of candidates) {
    const domains = domainsPerDay.get(candidate.day) ?? new Set<string>();
    domainsPerDay.set(candidate.day, domains);
    const signals = candidate.signals ?? [];
    const problem =
      dayProblem(candidate.day) ??
      (isRegistrableDomain(candidate.domain)
        ? null
        : (["invalid_domain", `"${candidate.domain}" is not a registrable domain under a public suffix`] as Problem)) ??
      (candidate.n > PLAUSIBLE_CANDIDATE_VISITS_PER_DAY
        ? (["over_cap", `${candidate.n} visits > ${PLAUSIBLE_CANDIDATE_VISITS_PER_DAY} in one day`] as Problem)
        : null) ??
      (!domains.has(candidate.domain) && domains.size >= LIMITS.maxCandidatesPerDay
        ? (["too_many", `more than ${LIMITS.maxCandidatesPerDay} candidate domains in one day`] as Problem)
        : null) ??
      (signals.includes("aiVendor") && !options.vendorDomains.has(candidate.domain)
        ? ([
            "invalid_domain",
            `"${candidate.domain}" is not a catalogued AI vendor's domain (signal aiVendor)`,
          ] as Problem)
        : null) ??
      (options.relations && signals.length === 1 && signals[0] === "oauth" && !domains.has(candidate.domain)
        ? ([
            "invalid_domain",
            `a sign-in alone does not make "${candidate.domain}" a candidate (signal oauth without another that day)`,
          ] as Problem)
        : null);
    if (problem) {
      refused.push({
        kind: "candidate",
        day: candidate.day,
        domain: candidate.domain,
        reason: problem[0],
        message: problem[1],
      });
    } else domains.add(candidate.domain);
  }
  return refused;
}
