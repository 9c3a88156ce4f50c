import type { EvidenceControl, EvidenceCount, EvidenceFigure, EvidencePack } from "../../shared/admin";
import { staleFacts } from "../../shared/catalog/facts";
import { daysBetween } from "../../shared/day";
import { INVENTORY_KINDS, type InventoryKind, type ReviewStatus } from "../../shared/events";
import { LIMITS } from "../../shared/limits";
import { catalogEntriesById, inventoryKind } from "../catalog";
import { readAlone, readTogether } from "../db/batch";
import type { Database } from "../db/client";
import { latestPackRead } from "../db/evidence";
import { guardDevicesRead, guardSummaryView } from "../db/guard";
import { loadEffectiveCatalog } from "../db/organization";
import { policyHistory, reasonLabels } from "../db/policies";
import { reviewRowsRead } from "../db/reviews";
import { atLeastK, suppressSmallGroups } from "../privacy";
import { literacyCountsRead, literacySection } from "./literacy";
import { endOf, periodRead } from "./period";
import { NOTES, TRUST, trustModel } from "./trust";

/*
 * The evidence pack: what Shadowlight measured over a period, each figure a numerator of a
 * denominator ("412 of 530 active devices acknowledged policy v4"), mapped to the controls
 * it gives evidence for. Device figures come from the per-device tables (device_days,
 * device_events), so a period must lie within the raw retention; reviews, owners and triage
 * are the state at generation time (the audit log holds their history). Device figures count
 * distinct devices, never sums of self-reported counts, and leave out devices flagged as
 * outliers until an admin has kept them.
 */

const CONTROLS: EvidenceControl[] = [
  { id: "iso42001-7.2", framework: "ISO/IEC 42001:2023", reference: "Clause 7.2", title: "Competence" },
  { id: "iso42001-7.3", framework: "ISO/IEC 42001:2023", reference: "Clause 7.3", title: "Awareness" },
  { id: "iso42001-A.2.2", framework: "ISO/IEC 42001:2023", reference: "Annex A.2.2", title: "AI policy" },
  {
    id: "iso42001-A.2.4",
    framework: "ISO/IEC 42001:2023",
    reference: "Annex A.2.4",
    title: "Review of the AI policy",
  },
  {
    id: "iso42001-A.3.2",
    framework: "ISO/IEC 42001:2023",
    reference: "Annex A.3.2",
    title: "AI roles and responsibilities",
  },
  {
    id: "iso42001-A.4",
    framework: "ISO/IEC 42001:2023",
    reference: "Annex A.4 (A.4.2, A.4.4)",
    title: "Resources for AI systems: resource documentation, tooling resources",
  },
  {
    id: "iso42001-A.10",
    framework: "ISO/IEC 42001:2023",
    reference: "Annex A.10 (A.10.2, A.10.3)",
    title: "Third-party and customer relationships: allocating responsibilities, suppliers",
  },
  { id: "eu-ai-act-art4", framework: "EU AI Act", reference: "Article 4", title: "AI literacy" },
];

/** Devices counted in evidence: not flagged as outliers, unless an admin kept them. */
const MEASURED_STATUSES = new Set(["restricted", "banned", "approved_with_conditions"]);

export interface EvidencePeriod {
  from: string;
  to: string;
}

/** One formatter for every figure (toLocaleString makes a new one with each call). */
const NUMBER = new Intl.NumberFormat("en-US");

function n(value: number): string {
  return NUMBER.format(value);
}

/** A pack before it is signed. */
export type UnsignedPack = Omit<EvidencePack, "signature">;

export async function buildEvidencePack(
  db: Database,
  period: EvidencePeriod,
  k: number,
  generatedBy: string,
): Promise<UnsignedPack> {
  const { from, to } = period;
  const range = `${from} to ${to}`;
  const d1 = db.$client;
  // Two round trips to the database: what the period's statements depend on (the policy in
  // force and the reviews), then every statement of the period in one batch.
  const [history, effective, reviews] = await Promise.all([
    policyHistory(db),
    loadEffectiveCatalog(db),
    readAlone(d1, reviewRowsRead(d1)),
  ]);
  const toolsById = effective.byId;
  // The policy in force at the end of the period (the first one if none was published by then).
  const inForce = history.find((entry) => entry.publishedAt <= endOf(to)) ?? (history.at(-1) as (typeof history)[0]);
  const version = inForce.version;
  const literacyInput = {
    from,
    to,
    end: endOf(to),
    policy: inForce.policy,
    reviews: Object.fromEntries(reviews.map((row) => [row.tool, { status: row.status as ReviewStatus }])),
  };

  const [
    [fleet, groups, events, toolsUsed, requests, candidates, published, flagged, discovered],
    guard,
    literacyCounts,
    previousHash,
  ] = await readTogether(d1, [
    periodRead(d1, from, to, version),
    guardDevicesRead(d1, from, to),
    literacyCountsRead(d1, literacyInput),
    // The pack names the latest pack of the chain; the route appends it only while that holds.
    latestPackRead(d1),
  ] as const);
  const excludedDevices = Number(flagged[0]?.n ?? 0);

  const enrolled = Number(fleet[0]?.enrolled ?? 0);
  const reporting = Number(fleet[0]?.reporting ?? 0);
  const active = groups.reduce((sum, row) => sum + Number(row.active), 0);
  const acknowledgedDevices = groups.reduce((sum, row) => sum + Number(row.acknowledged), 0);
  const remindedDevices = Number(events[0]?.shown ?? 0);
  const remindedAcknowledged = Number(events[0]?.acknowledged ?? 0);
  const reviewOf = new Map(reviews.map((row) => [row.tool, row]));
  const used = toolsUsed.map((row) => row.tool).filter((tool) => toolsById.has(tool));
  const reviewed = used.filter((tool) => (reviewOf.get(tool)?.status ?? "unreviewed") !== "unreviewed");
  const owned = used.filter((tool) => Boolean(reviewOf.get(tool)?.owner));
  const highRisk = used.filter((tool) => toolsById.get(tool)?.level === "high");
  const highRiskControlled = highRisk.filter((tool) => MEASURED_STATUSES.has(reviewOf.get(tool)?.status ?? ""));
  const reviewDue = reviewed.filter((tool) => reviewOf.get(tool)?.next_review);
  const reviewCurrent = reviewDue.filter((tool) => (reviewOf.get(tool)?.next_review ?? "") >= to);
  const decided = requests.filter((row) => row.decision === "granted" || row.decision === "denied");
  const triaged = candidates.filter((row) => row.state !== "new");
  const literacy = literacySection({ ...literacyInput, used, k }, literacyCounts, history);
  const guardWarned = guard.outcomes.get("warned") ?? 0;
  const lessonsInForce = inForce.policy.literacy?.lessons ?? [];
  const days = daysBetween(from, to) + 1;
  const versionsPublished = Number(published[0]?.n ?? 0);
  const publishedOn = new Date(inForce.publishedAt).toISOString().slice(0, 10);

  const count = (
    id: keyof typeof TRUST,
    title: string,
    value: number,
    statement: string,
    controls: string[],
  ): EvidenceCount => ({ id, title, value, statement, controls, ...TRUST[id] });

  const figure = (
    id: keyof typeof TRUST,
    title: string,
    numerator: number,
    denominator: number,
    denominatorLabel: string,
    statement: string,
    controls: string[],
  ): EvidenceFigure => {
    if (numerator > denominator) throw new Error(`evidence figure ${id}: ${numerator} of ${denominator}`);
    const { basis, trust } = TRUST[id];
    return { id, title, numerator, denominator, basis, trust, denominatorLabel, statement, controls, from, to };
  };

  const figures: EvidenceFigure[] = [
    figure(
      "devices-reporting",
      "Coverage of the measurement",
      reporting,
      enrolled,
      "enrolled devices",
      `${n(reporting)} of ${n(enrolled)} enrolled devices reported between ${from} and ${to}`,
      ["iso42001-A.4"],
    ),
    figure(
      "policy-acknowledged",
      "Acknowledgement of the AI policy",
      acknowledgedDevices,
      active,
      "active devices",
      `${n(acknowledgedDevices)} of ${n(active)} active devices acknowledged policy v${version} ("${inForce.policy.name}") (${range})`,
      ["iso42001-7.3", "iso42001-A.2.2", "eu-ai-act-art4"],
    ),
    figure(
      "nudges-acknowledged",
      "Reminded devices that acknowledged",
      remindedAcknowledged,
      remindedDevices,
      "devices shown a policy reminder",
      `${n(remindedAcknowledged)} of ${n(remindedDevices)} devices shown a policy reminder at the moment of use acknowledged it (${range})`,
      ["iso42001-7.3", "eu-ai-act-art4"],
    ),
    figure(
      "exceptions-decided",
      "Exception requests decided",
      decided.length,
      requests.length,
      "exception requests (tool and reason)",
      `${n(decided.length)} of ${n(requests.length)} exception requests (tool and reason) made in the period have a decision (${range})`,
      ["iso42001-A.2.4", "iso42001-A.3.2"],
    ),
    figure(
      "tools-reviewed",
      "AI tools in use that were reviewed",
      reviewed.length,
      used.length,
      "AI tools used",
      `${n(reviewed.length)} of ${n(used.length)} third-party AI tools used in the period have a review decision (${range})`,
      ["iso42001-A.4", "iso42001-A.10"],
    ),
    figure(
      "tools-owned",
      "AI tools in use with a named owner",
      owned.length,
      used.length,
      "AI tools used",
      `${n(owned.length)} of ${n(used.length)} third-party AI tools used in the period have a named owner (${range})`,
      ["iso42001-A.3.2", "iso42001-A.10"],
    ),
    figure(
      "high-risk-tools-controlled",
      "High-risk AI tools under a restriction",
      highRiskControlled.length,
      highRisk.length,
      "high-risk AI tools used",
      `${n(highRiskControlled.length)} of ${n(highRisk.length)} high-risk AI tools used in the period are banned, restricted or approved with conditions (${range})`,
      ["iso42001-A.10"],
    ),
    figure(
      "reviews-current",
      "Tool reviews not overdue",
      reviewCurrent.length,
      reviewDue.length,
      "reviewed tools with a review date",
      `${n(reviewCurrent.length)} of ${n(reviewDue.length)} reviewed AI tools in use with a next review date are not overdue on ${to}`,
      ["iso42001-A.10"],
    ),
    figure(
      "candidates-triaged",
      "Unknown AI tools triaged",
      triaged.length,
      candidates.length,
      "unknown AI domains seen",
      `${n(triaged.length)} of ${n(candidates.length)} unknown AI domains seen in the period were triaged (${range})`,
      ["iso42001-A.4", "iso42001-A.10"],
    ),
  ];
  // Below k devices the coverage is withheld: it stays in the literacy section as withheld.
  if (literacy.users !== null && literacy.covered !== null) {
    figures.push(
      figure(
        "literacy-coverage",
        "AI literacy of the people using AI tools",
        literacy.covered,
        literacy.users,
        "devices that used AI tools with a lesson",
        `${n(literacy.covered)} of ${n(literacy.users)} devices that used AI tools for which the policy has a lesson completed every lesson relevant to those tools (${range})`,
        ["eu-ai-act-art4", "iso42001-7.2", "iso42001-7.3"],
      ),
    );
  }

  // Below k warned devices the figure is withheld: the guard section shows it as withheld.
  if (guardWarned >= k) {
    figures.push(
      figure(
        "guard-warnings-heeded",
        "Sensitive-data warnings heeded",
        guard.warnedThenRemoved,
        guardWarned,
        "devices warned about sensitive data in an AI tool",
        `${n(guard.warnedThenRemoved)} of ${n(guardWarned)} devices warned about sensitive data they were about to share with an AI tool took it back at least once (${range})`,
        ["iso42001-7.3", "iso42001-A.2.2"],
      ),
    );
  }

  const counts: EvidenceCount[] = [
    count(
      "policy-versions-published",
      "Policy versions published",
      versionsPublished,
      `${n(versionsPublished)} policy ${versionsPublished === 1 ? "version" : "versions"} published from ${from} to ${to}; v${version} in force since ${publishedOn}`,
      ["iso42001-A.2.2", "iso42001-A.2.4"],
    ),
    count(
      "lessons-in-force",
      "AI literacy lessons in force",
      lessonsInForce.length,
      `${n(lessonsInForce.length)} ${lessonsInForce.length === 1 ? "lesson" : "lessons"} in policy v${version}, each under a minute to read, offered at the moment of use of the AI tools it applies to${
        lessonsInForce.length
          ? `: ${lessonsInForce.map((lesson) => `"${lesson.text.en.title}" (v${lesson.version})`).join(", ")}`
          : ""
      }`,
      ["eu-ai-act-art4", "iso42001-7.2", "iso42001-7.3"],
    ),
  ];

  const usage = new Map(toolsUsed.map((row) => [row.tool, Number(row.devices)]));
  const inventoryEntry = (tool: string, kind: InventoryKind, devices: number) => {
    const entry = toolsById.get(tool);
    const review = reviewOf.get(tool);
    return {
      id: tool,
      name: entry?.name ?? tool,
      category: entry?.category ?? "",
      vendor: entry?.vendor ?? "",
      level: entry?.level ?? "medium",
      status: (review?.status ?? "unreviewed") as ReviewStatus,
      owner: review?.owner ?? null,
      nextReview: review?.next_review ?? null,
      conditions: review?.conditions ?? null,
      agreement: review?.agreement === 1,
      staleFacts: staleFacts(catalogEntriesById.get(tool)?.facts, to),
      devices: atLeastK(devices, devices, k),
      kind,
    };
  };
  const inventory = [
    ...used.map((tool) => {
      const entry = toolsById.get(tool);
      return inventoryEntry(tool, entry ? inventoryKind(entry, effective.entries) : "web", usage.get(tool) ?? 0);
    }),
    ...discovered
      .filter((row) => toolsById.has(row.tool))
      .map((row) => inventoryEntry(row.tool, row.kind, Number(row.devices))),
  ].sort((a, b) => (b.devices ?? -1) - (a.devices ?? -1) || a.name.localeCompare(b.name));
  const systemsByKind = INVENTORY_KINDS.map((kind) => ({
    kind,
    systems: inventory.filter((entry) => entry.kind === kind).length,
  }));
  const labels = reasonLabels(history);
  return {
    format: 3,
    generatedAt: Date.now(),
    generatedBy,
    period: { from, to, days },
    k,
    policy: { version, name: inForce.policy.name, publishedAt: inForce.publishedAt },
    controls: CONTROLS,
    figures,
    counts,
    byGroup: suppressSmallGroups(
      groups.map((row) => ({ group: row.group, active: Number(row.active), acknowledged: Number(row.acknowledged) })),
      k,
    ),
    inventory,
    systemsByKind,
    exceptions: requests
      .map((row) => ({
        tool: row.tool,
        toolName: toolsById.get(row.tool)?.name ?? row.tool,
        reason: row.reason,
        reasonLabel: labels.get(row.reason) ?? row.reason,
        requests: Number(row.devices) >= k ? Number(row.requests) : null,
        devices: atLeastK(Number(row.devices), Number(row.devices), k),
        decision: (row.decision ?? "pending") as EvidencePack["exceptions"][number]["decision"],
        owner: row.owner,
        expiry: row.expiry,
      }))
      .sort((a, b) => a.toolName.localeCompare(b.toolName) || a.reason.localeCompare(b.reason)),
    literacy,
    guard: guardSummaryView(guard, from, to, k),
    policyVersions: history
      .filter((entry) => entry.publishedAt <= endOf(to))
      .map((entry) => ({
        version: entry.version,
        name: entry.policy.name,
        publishedAt: entry.publishedAt,
        publishedBy: entry.publishedBy,
      })),
    method: [
      "Devices are known only by random pseudonyms; no URL, page content, IP address or user agent is collected.",
      "Active devices: devices that reported usage for at least one day of the period.",
      `Acknowledged: active devices that confirmed policy v${version} at least once by the end of the period.`,
      `Every figure covering fewer than ${k} devices is withheld; groups below ${k} devices are merged into one row, with further groups while the merged ones could be derived from the totals.`,
      "Counts are cumulative per device and day and merged with max(), so repeated deliveries never count twice.",
      "Sensitive-data guard: pastes, drops and files chosen in AI tools are checked on the device; devices report per day, tool and kind of data only that a warning was shown and whether the person pasted anyway or took it back, or that the policy blocked it. Figures count distinct devices with each outcome.",
      `AI literacy: devices that used in the period an AI tool for which policy v${version} offers or requires a lesson (the lesson fits the tool and the tool is not allowed without one), and of them those that completed every such lesson (any version, every check question answered correctly) by the end of the period. Completions older than the ${LIMITS.retentionDays}-day retention are no longer known, so coverage is a lower bound.`,
    ],
    trustModel: trustModel(excludedDevices),
    notes: NOTES,
    excludedDevices,
    previousHash,
  };
}
