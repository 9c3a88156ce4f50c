/*
 * Plan tiers, without zod: the extension's content script shows why a tool matters from them,
 * and must not carry the catalog's schemas.
 */

/**
 * Plan tiers facts are recorded for: the free plan, a paid plan for one person, a team or
 * business plan, an enterprise agreement, the API; "all" when the page speaks of every plan.
 */
export const TIERS = ["free", "individual", "team", "enterprise", "api", "all"] as const;
export type Tier = (typeof TIERS)[number];

/** The tiers a person most likely uses, most likely first: a personal account, or a company agreement's. */
export const PERSONAL_TIERS: readonly Tier[] = ["free", "individual", "all"];
export const AGREEMENT_TIERS: readonly Tier[] = ["enterprise", "team", "all"];
