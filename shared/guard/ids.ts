/**
 * The guard's detector ids: stable, counted per day in reports and named in policies, so an
 * id is never renamed or reused. The registry (registry.ts) lists one detector per id, in
 * this order; a conventions test holds the two together.
 */
export const DETECTOR_IDS = [
  "payment-card",
  "iban",
  "us-ssn",
  "de-tax-id",
  "uk-nino",
  "nl-bsn",
  "fr-nir",
  "es-dni",
  "it-fiscal-code",
  "aws-access-key",
  "google-api-key",
  "azure-storage-key",
  "github-token",
  "gitlab-token",
  "slack-token",
  "stripe-key",
  "openai-api-key",
  "anthropic-api-key",
  "huggingface-token",
  "private-key",
  "jwt",
  "email-list",
  "classification-marking",
  "org-pattern",
] as const;

export type DetectorId = (typeof DETECTOR_IDS)[number];

/** What kind of data a detector protects; shown to the employee and used to group counts. */
export const DETECTOR_CATEGORIES = [
  "financial",
  "national-id",
  "credential",
  "personal",
  "marking",
  "organization",
] as const;
export type DetectorCategory = (typeof DETECTOR_CATEGORIES)[number];
