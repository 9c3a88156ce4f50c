import * as z from "zod";
import { CANDIDATE_SIGNALS } from "../catalog/candidates";
import { STORES } from "../catalog/discovery";
import { canonicalHost, pathRule, slug, toolFacts } from "../catalog/schema";
import { INVENTORY_KINDS } from "../events";
import { count, day, eventCounts, maskedCount, reviewStatus, riskLevel, shortText, timestamp } from "./common";

// ---------------------------------------------------------------------------- GET /overview

/** One day of use: visits and distinct devices, both withheld when fewer than k devices. */
const usageDay = z.strictObject({ day, visits: maskedCount, devices: maskedCount });

export const overviewResponse = z.strictObject({
  /** Catalog tools ever seen in the organization. */
  toolsTotal: count,
  /** Tools first seen in the last 7 days. */
  toolsNewThisWeek: count,
  /** Devices that used any AI tool in the last 7 days. */
  activeDevices7: maskedCount,
  /** Devices enrolled and not revoked. */
  enrolledDevices: maskedCount,
  /** Devices that sent a report about the last 7 days. */
  reportingDevices7: maskedCount,
  /** The policy in force: active devices (last 30 days) that acknowledged it. */
  ackCoverage: z.strictObject({ policyVersion: z.number().int(), acknowledged: maskedCount, active: maskedCount }),
  /** The most used tools and categories of the last 7 days, among those used by at least k devices. */
  topTools: z.array(z.strictObject({ id: slug, name: z.string(), category: slug, devices7: count })),
  topCategories: z.array(z.strictObject({ category: slug, name: z.string(), devices7: count })),
  /** The last 30 days, oldest first. */
  trend: z.array(usageDay),
  /**
   * The database: its size now and over the last 30 days (D1's own figure), for capacity; the
   * raw counter rows as the daily job counted them on `counterRowsDay` (null: counted now).
   */
  storage: z.strictObject({
    bytes: count,
    counterRows: count,
    counterRowsDay: day.nullable(),
    devices: count,
    history: z.array(z.strictObject({ day, bytes: count })),
  }),
});
export type OverviewResponse = z.infer<typeof overviewResponse>;

// ---------------------------------------------------------------------------- GET /inventory

const inventoryTool = z.strictObject({
  id: slug,
  name: z.string(),
  category: slug,
  /** The category's display name from the catalog. */
  categoryName: z.string(),
  vendor: z.string(),
  status: reviewStatus,
  risk: z.number().int(),
  level: riskLevel,
  /** Devices that used the tool in the last 30 days (the same as devices30). */
  devices: maskedCount,
  devices7: maskedCount,
  devices30: maskedCount,
  /**
   * True when fewer than k devices ever used the tool (within the retention window): visits,
   * events and trend are withheld and first/last seen are the Monday of their week.
   */
  withheld: z.boolean(),
  visits: maskedCount,
  events: eventCounts,
  firstSeen: day,
  lastSeen: day,
  /** Visits per day over the last 30 days, oldest first; null where fewer than k devices. */
  trend: z.array(maskedCount).length(30),
  /**
   * What the entry is: a tool used in pages (web) or as an API (api), an AI browser extension,
   * an AI browser, or an AI tool other sites embed. An embedded tool is listed apart from its
   * own use (same id, kind "embedded"); its `visits` are the requests sites' pages made to it.
   */
  kind: z.enum(INVENTORY_KINDS),
  /** Extensions: devices on which it was enabled in the last 30 days. */
  enabledDevices30: maskedCount.optional(),
  /** Embedded: the sites that embed it, each seen by at least k devices (smaller ones are left out). */
  sites: z.array(z.strictObject({ site: canonicalHost, devices: count })).optional(),
});
export type InventoryTool = z.infer<typeof inventoryTool>;

export const inventoryResponse = z.strictObject({ tools: z.array(inventoryTool) });
export type InventoryResponse = z.infer<typeof inventoryResponse>;

// ---------------------------------------------------------------------------- tools and reviews

export const toolReview = z.strictObject({
  status: reviewStatus,
  owner: z.string().nullable(),
  notes: z.string().nullable(),
  conditions: z.string().nullable(),
  nextReview: day.nullable(),
  alternative: slug.nullable(),
  /** The organization has an enterprise agreement for the tool: nudges speak of that plan's terms. */
  agreement: z.boolean(),
  updatedAt: timestamp,
  updatedBy: z.string(),
});
export type ToolReview = z.infer<typeof toolReview>;

export const toolDetailResponse = z.strictObject({
  tool: z.strictObject({
    id: slug,
    name: z.string(),
    description: z.string(),
    category: slug,
    categoryName: z.string(),
    vendor: z.strictObject({ id: slug, name: z.string(), country: z.string(), website: z.string() }),
    hosts: z.array(canonicalHost),
    paths: z.array(pathRule),
    facts: toolFacts,
    risk: z.number().int(),
    level: riskLevel,
    /** What the entry is (web, api, extension, browser); embedded use is listed in the inventory. */
    kind: z.enum(INVENTORY_KINDS).optional(),
  }),
  review: toolReview.nullable(),
  usage: z.strictObject({
    /** The last 30 days, oldest first. */
    trend: z.array(usageDay),
    /** Withheld (empty) when fewer than k devices ever used the tool. */
    events: eventCounts,
    devices7: maskedCount,
    devices30: maskedCount,
    withheld: z.boolean(),
    /** Coarsened to the Monday of the week when withheld. */
    firstSeen: day.nullable(),
    lastSeen: day.nullable(),
  }),
});
export type ToolDetailResponse = z.infer<typeof toolDetailResponse>;

/** `PUT /tools/:id/review`: the whole review; an omitted field is cleared. */
export const reviewRequest = z.strictObject({
  status: reviewStatus,
  owner: shortText(120).nullable().optional(),
  notes: shortText(4000).nullable().optional(),
  conditions: shortText(2000).nullable().optional(),
  nextReview: day.nullable().optional(),
  /** An approved tool to use instead, by catalog id. */
  alternative: slug.nullable().optional(),
  /** The organization has an enterprise agreement for the tool (absent: no). */
  agreement: z.boolean().optional(),
});
export type ReviewRequest = z.infer<typeof reviewRequest>;

// ---------------------------------------------------------------------------- candidates

const candidateState = z.enum(["new", "dismissed", "added"]);
export type CandidateState = z.infer<typeof candidateState>;

const candidate = z.strictObject({
  domain: canonicalHost,
  /** Coarsened to the Monday of the week when fewer than k devices visited it. */
  firstSeen: day,
  lastSeen: day,
  /** Fewer than k devices visited it within the retention window: its figures are withheld. */
  fewerThanK: z.boolean(),
  /** Distinct devices that visited it within the raw-data retention window. */
  devices: maskedCount,
  visits: maskedCount,
  state: candidateState,
  /**
   * Which signals any device reported for the domain (catalog/candidates.ts): a property of
   * the domain, shown like the domain itself; reports from extensions older than signals
   * count as `hostname`, their one signal.
   */
  signals: z.array(z.enum(CANDIDATE_SIGNALS)),
});
export type Candidate = z.infer<typeof candidate>;

/**
 * An unknown AI-looking extension that devices named once at least k of them held it (they
 * first nominate it as a keyed hash the server cannot reverse): never listed below k.
 */
const extensionCandidate = z.strictObject({
  store: z.enum(STORES),
  id: z.string(),
  devices: count,
  firstSeen: day,
  lastSeen: day,
});
export type ExtensionCandidate = z.infer<typeof extensionCandidate>;

export const candidatesResponse = z.strictObject({
  candidates: z.array(candidate),
  /** Extensions named by at least k devices that neither the catalog nor the organization lists. */
  extensions: z.array(extensionCandidate).optional(),
});
export type CandidatesResponse = z.infer<typeof candidatesResponse>;

export const candidateTriageRequest = z.strictObject({ state: candidateState });

export const candidateTriageResponse = z.strictObject({ domain: canonicalHost, state: candidateState });
export type CandidateTriageResponse = z.infer<typeof candidateTriageResponse>;
