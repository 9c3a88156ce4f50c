import * as z from "zod";
import { organizationEntry } from "../catalog/organization";
import { slug } from "../catalog/schema";
import { INVENTORY_KINDS } from "../events";
import { riskLevel, timestamp } from "./common";

// ---------------------------------------------------------------------------- organization entries

/** One of the organization's own catalog entries, as the dashboard lists it. */
export const organizationEntryView = z.strictObject({
  entry: organizationEntry,
  kind: z.enum(INVENTORY_KINDS),
  /** From the category alone: an organization entry has no sourced facts. */
  risk: z.number().int(),
  level: riskLevel,
  createdAt: timestamp,
  createdBy: z.string(),
  updatedAt: timestamp,
  updatedBy: z.string(),
});
export type OrganizationEntryView = z.infer<typeof organizationEntryView>;

export const organizationEntriesResponse = z.strictObject({ entries: z.array(organizationEntryView) });
export type OrganizationEntriesResponse = z.infer<typeof organizationEntriesResponse>;

/**
 * `POST /candidates/:domain/promote`: the candidate domain becomes an organization entry with
 * that domain as its host. Every field is optional: the name defaults to the domain, the
 * category to "chat", the vendor to the domain.
 */
export const promoteRequest = z.strictObject({
  name: z.string().trim().min(1).max(80).optional(),
  category: slug.optional(),
  vendor: z.string().trim().min(1).max(80).optional(),
});

export const promoteResponse = z.strictObject({
  domain: z.string(),
  state: z.literal("added"),
  entry: organizationEntryView,
});
export type PromoteResponse = z.infer<typeof promoteResponse>;
