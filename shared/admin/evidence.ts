import * as z from "zod";
import { slug } from "../catalog/schema";
import { INVENTORY_KINDS } from "../events";
import { exceptionEntry, groupCoverage } from "./awareness";
import { count, day, maskedCount, reviewStatus, riskLevel, timestamp } from "./common";
import { guardSummary } from "./guard";
import { evidenceLiteracy } from "./literacy";

// ---------------------------------------------------------------------------- evidence pack

const evidenceFormat = z.enum(["json", "csv", "html"]);

export const evidenceQuery = z.strictObject({
  format: evidenceFormat.default("json"),
  from: day.optional(),
  to: day.optional(),
});

/** A control of a standard that a figure gives evidence for. */
const evidenceControl = z.strictObject({
  /** Stable id, e.g. "iso42001-7.3" or "eu-ai-act-art4". */
  id: z.string(),
  framework: z.enum(["ISO/IEC 42001:2023", "EU AI Act"]),
  reference: z.string(),
  title: z.string(),
});
export type EvidenceControl = z.infer<typeof evidenceControl>;

/**
 * Where a figure comes from: counts the devices reported themselves, or the organization's
 * own records (reviews, decisions, policy versions), which no device can change.
 */
const evidenceBasis = z.enum(["device-reports", "admin-records"]);

/** One measured figure: numerator of denominator over the period, in words and in numbers. */
const evidenceFigure = z.strictObject({
  id: slug,
  title: z.string(),
  /** Never above the denominator. */
  numerator: count,
  denominator: count,
  basis: evidenceBasis,
  /** What the figure shows, what it cannot, and what would prove it wrong. */
  trust: z.string(),
  /** What the denominator counts, e.g. "active devices". */
  denominatorLabel: z.string(),
  /** "412 of 530 active devices acknowledged policy v4 (2026-08-01 to 2026-10-29)". */
  statement: z.string(),
  /** Ids of the controls in `controls`. */
  controls: z.array(z.string()).min(1),
  from: day,
  to: day,
});
export type EvidenceFigure = z.infer<typeof evidenceFigure>;

/** A figure that is a count, not a share ("2 policy versions published in the period"). */
const evidenceCount = z.strictObject({
  id: slug,
  title: z.string(),
  value: count,
  statement: z.string(),
  basis: evidenceBasis,
  trust: z.string(),
  controls: z.array(z.string()).min(1),
});
export type EvidenceCount = z.infer<typeof evidenceCount>;

/** A tool used in the period, as the AI-system inventory lists it (ISO/IEC 42001 A.4, A.10). */
const evidenceTool = z.strictObject({
  id: slug,
  name: z.string(),
  category: z.string(),
  vendor: z.string(),
  level: riskLevel,
  status: reviewStatus,
  owner: z.string().nullable(),
  nextReview: day.nullable(),
  conditions: z.string().nullable(),
  /** The organization records an enterprise agreement for the tool (absent in packs made before it was recorded). */
  agreement: z.boolean().optional(),
  /** The catalog's facts about the tool last checked more than a year before the period's end (absent in older packs). */
  staleFacts: z.array(z.string()).optional(),
  /** Devices that used it in the period (withheld below k). */
  devices: maskedCount,
  /** What the system is: used in pages (web), as an API, an extension, a browser, or embedded in other sites. */
  kind: z.enum(INVENTORY_KINDS).optional(),
});

const evidenceSignature = z.strictObject({
  algorithm: z.literal("Ed25519"),
  /** base64url of the 32-byte public key; compare with the one the server publishes. */
  publicKey: z.string(),
  value: z.string(),
});

export const evidencePack = z.strictObject({
  /** The pack format (3 added the AI-literacy section). */
  format: z.literal(3),
  generatedAt: timestamp,
  generatedBy: z.string(),
  period: z.strictObject({ from: day, to: day, days: count }),
  k: z.number().int().min(1),
  policy: z.strictObject({ version: z.number().int(), name: z.string(), publishedAt: timestamp }),
  controls: z.array(evidenceControl),
  figures: z.array(evidenceFigure),
  counts: z.array(evidenceCount),
  /** Acknowledgement of the policy in force by device group, small groups merged and suppressed. */
  byGroup: z.array(groupCoverage),
  /** Every AI tool used in the period, with its review, owner and next review date. */
  inventory: z.array(evidenceTool),
  /** AI systems in use in the period by kind: how many distinct systems of each kind the inventory lists. */
  systemsByKind: z.array(z.strictObject({ kind: z.enum(INVENTORY_KINDS), systems: count })).optional(),
  /** The exceptions register: requests made in the period and their decisions. */
  exceptions: z.array(exceptionEntry.omit({ firstSeen: true, lastSeen: true })),
  /** AI literacy (EU AI Act Art. 4, ISO/IEC 42001 7.2-7.3): lessons, coverage and the lesson texts. */
  literacy: evidenceLiteracy,
  /** Sensitive-data warnings in AI tools and what people did, over the period. */
  guard: guardSummary.optional(),
  /** Every policy version published up to the end of the period. */
  policyVersions: z.array(
    z.strictObject({ version: z.number().int(), name: z.string(), publishedAt: timestamp, publishedBy: z.string() }),
  ),
  /** How each figure is measured and what it cannot show. */
  method: z.array(z.string()),
  /** What a dishonest device can and cannot do to these figures. */
  trustModel: z.array(z.string()),
  /** Why a figure here may differ from the dashboard's views. */
  notes: z.array(z.string()),
  /** Devices flagged as outliers and left out of every device figure until reviewed. */
  excludedDevices: count,
  /** SHA-256 of the pack generated before this one on this server (null for the first). */
  previousHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .nullable(),
  signature: evidenceSignature,
});
export type EvidencePack = z.infer<typeof evidencePack>;
