/**
 * Every detector the guard has, in one explicit list (one detector per file under
 * detectors/, the file named after its id). The order is the order of DETECTOR_IDS; a
 * conventions test checks that every id has its detector, file, documentation and tests.
 */
import { anthropicApiKey } from "./detectors/anthropic-api-key";
import { awsAccessKey } from "./detectors/aws-access-key";
import { azureStorageKey } from "./detectors/azure-storage-key";
import { classificationMarking } from "./detectors/classification-marking";
import { deTaxId } from "./detectors/de-tax-id";
import { emailList } from "./detectors/email-list";
import { esDni } from "./detectors/es-dni";
import { frNir } from "./detectors/fr-nir";
import { githubToken } from "./detectors/github-token";
import { gitlabToken } from "./detectors/gitlab-token";
import { googleApiKey } from "./detectors/google-api-key";
import { huggingfaceToken } from "./detectors/huggingface-token";
import { iban } from "./detectors/iban";
import { itFiscalCode } from "./detectors/it-fiscal-code";
import { jwt } from "./detectors/jwt";
import { nlBsn } from "./detectors/nl-bsn";
import { openaiApiKey } from "./detectors/openai-api-key";
import { orgPattern } from "./detectors/org-pattern";
import { paymentCard } from "./detectors/payment-card";
import { privateKey } from "./detectors/private-key";
import { slackToken } from "./detectors/slack-token";
import { stripeKey } from "./detectors/stripe-key";
import { ukNino } from "./detectors/uk-nino";
import { usSsn } from "./detectors/us-ssn";
import type { Detector } from "./types";

export const DETECTORS: readonly Detector[] = [
  paymentCard,
  iban,
  usSsn,
  deTaxId,
  ukNino,
  nlBsn,
  frNir,
  esDni,
  itFiscalCode,
  awsAccessKey,
  googleApiKey,
  azureStorageKey,
  githubToken,
  gitlabToken,
  slackToken,
  stripeKey,
  openaiApiKey,
  anthropicApiKey,
  huggingfaceToken,
  privateKey,
  jwt,
  emailList,
  classificationMarking,
  orgPattern,
];
