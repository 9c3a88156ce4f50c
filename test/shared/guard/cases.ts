/**
 * Positive and near-miss corpora per detector. In a positive, what the detector must find is
 * between ⟦ and ⟧ (several spans allowed); a near miss must give that detector no hit at
 * all. Values are made at run time (test/support/guard-samples.ts) or are examples their
 * issuers publish, so the repository holds no real identifier or secret.
 */
import type { DetectorId } from "../../../shared/guard/ids";
import {
  bsn,
  cardNumber,
  chars,
  dni,
  emailAddress,
  fiscalCode,
  germanTaxId,
  ibanNumber,
  nino,
  nir,
  printedCard,
  printedIban,
  printedNir,
  rngFor,
  ssn,
  tokens,
} from "../../support/guard-samples";

export interface DetectorCases {
  positives: string[];
  nearMisses: string[];
}

const rng = rngFor(13);
const many = <T>(count: number, make: () => T): T[] => Array.from({ length: count }, make);
/** Changes the last character to another of the same kind, breaking a check digit. */
const breakLast = (value: string): string => {
  const last = value.at(-1) as string;
  const next = /\d/.test(last) ? String((Number(last) + 1) % 10) : last === "A" ? "B" : "A";
  return value.slice(0, -1) + next;
};

const cards = many(6, () => cardNumber(rng));
const ibans = many(6, () => ibanNumber(rng));
const taxIds = many(4, () => germanTaxId(rng));
const bsns = many(4, () => bsn(rng));
const nirs = many(4, () => nir(rng));
const dnis = many(4, () => dni(rng));
const fiscal = many(4, () => fiscalCode(rng));
const emails = many(12, () => emailAddress(rng));

export const CASES: Record<DetectorId, DetectorCases> = {
  "payment-card": {
    positives: [
      "Card: ⟦4242 4242 4242 4242⟧, exp 12/28, CVC on the back.",
      "Pay with ⟦5555-5555-5555-4444⟧ please",
      "amex ⟦3782 822463 10005⟧.",
      ...cards.map((card) => `card number ⟦${card}⟧ on file`),
      ...cards.slice(0, 3).map((card) => `⟦${printedCard(card)}⟧`),
      `⟦${cards[0]}⟧ and ⟦${cards[1]}⟧`,
      // A CSV export: the comma before it separates fields.
      `order,card\n7731,⟦${cards[2]}⟧\n7732,⟦4242 4242 4242 4242⟧`,
    ],
    nearMisses: [
      "4242 4242 4242 4241 (one digit off)",
      ...cards.map((card) => `number ${breakLast(card)}`),
      "Order 1234567890123456 shipped",
      "EAN 4006381333931 on the shelf label",
      "Years 2021 2022 2023 2024 2025 2026",
      "ID 4111111111111111111111 is too long",
      "ref ID4242424242424242",
      "0.4242424242424242 is a probability",
      "totals 1,234,567,890,123,456 in the ledger",
      "9999 9999 9999 9995",
    ],
  },
  iban: {
    positives: [
      "IBAN: ⟦DE89 3704 0044 0532 0130 00⟧, BIC COBADEFFXXX",
      "Pay to ⟦GB82WEST12345698765432⟧.",
      ...ibans.map((iban) => `Account ⟦${iban}⟧ (EUR)`),
      ...ibans.slice(0, 3).map((iban) => `Bankverbindung: ⟦${printedIban(iban)}⟧ bei der Hausbank`),
    ],
    nearMisses: [
      "DE89 3704 0044 0532 0130 01",
      ...ibans.map((iban) => breakLast(iban)),
      "DE12345678901234567890 is not checked correctly",
      "XX89370400440532013000",
      "de89370400440532013000",
      "VAT DE123456789",
      "DE89 3704 0044 0532 0130 0",
    ],
  },
  "us-ssn": {
    positives: [
      "Employee SSN ⟦536-90-4399⟧",
      ...many(5, () => `SSN: ⟦${ssn(rng)}⟧`),
      "social security number ⟦536904399⟧",
    ],
    nearMisses: [
      "000-12-3456",
      "666-12-3456",
      "912-34-5678",
      "536-00-4399",
      "536-90-0000",
      "078-05-1120",
      "call 536 90 4399",
      "order 536904399",
      "part 536-90-43990",
      "date 2026-11-28",
    ],
  },
  "de-tax-id": {
    positives: [
      "Steuer-ID: ⟦36 574 261 809⟧",
      ...taxIds.map((id) => `Identifikationsnummer ⟦${id}⟧`),
      `IdNr ⟦${taxIds[0]?.replace(/^(\d{2})(\d{3})(\d{3})(\d{3})$/, "$1 $2 $3 $4")}⟧ laut Bescheid`,
    ],
    nearMisses: [
      "Steuer-ID: 36 574 261 808",
      "Telefon 36574261809",
      ...taxIds.map((id) => `Steuer-ID ${breakLast(id)}`),
      "Steuer-ID 11111111111",
      "Steuer-ID 01234567890",
      "Steuer-ID 36554266806",
    ],
  },
  "uk-nino": {
    positives: ["NI number ⟦AB 12 34 56 C⟧", ...many(5, () => `NINO ⟦${nino(rng)}⟧`), "⟦JG103759A⟧ on the P60"],
    nearMisses: [
      "QQ 12 34 56 A",
      "DA123456A",
      "AO123456B",
      "GB123456A",
      "ZZ123456A",
      "AB123456E",
      "AB12345C",
      "ab123456c",
      "XAB123456C",
    ],
  },
  "nl-bsn": {
    positives: [
      "BSN ⟦111222333⟧",
      ...bsns.map((value) => `burgerservicenummer: ⟦${value}⟧`),
      `BSN ⟦${bsns[0]?.replace(/^(\d{4})(\d{2})(\d{3})$/, "$1.$2.$3")}⟧`,
    ],
    nearMisses: [
      "BSN 111222334",
      "order 111222333",
      ...bsns.map((value) => `BSN ${breakLast(value)}`),
      "BSN 000000000",
      "BSN 1112223330",
    ],
  },
  "fr-nir": {
    positives: [
      "NIR ⟦2 95 10 99 126 111 93⟧",
      "numéro de sécurité sociale ⟦253072B07300470⟧",
      ...nirs.map((value) => `sécu ⟦${value}⟧`),
      ...nirs.slice(0, 2).map((value) => `carte Vitale ⟦${printedNir(value)}⟧`),
    ],
    nearMisses: [
      "2 95 10 99 126 111 94",
      "295109912611199",
      ...nirs.map((value) => breakLast(value)),
      "253072C07300443",
      "5 95 10 99 126 111 93",
      "2 95 13 99 126 111 93",
    ],
  },
  "es-dni": {
    positives: ["DNI ⟦54362315-K⟧", "NIE ⟦X1234567L⟧", ...dnis.map((value) => `DNI: ⟦${value}⟧`)],
    nearMisses: ["DNI 54362315-Z", ...dnis.map((value) => breakLast(value)), "12345678I", "X1234567", "ref 54362315Kx"],
  },
  "it-fiscal-code": {
    positives: [
      "Codice fiscale: ⟦RCCMNL83S18D969H⟧",
      "CF ⟦CNTCHR83T41D969D⟧",
      ...fiscal.map((value) => `codice fiscale ⟦${value}⟧`),
    ],
    nearMisses: [
      "RCCMNL83S18D969A",
      ...fiscal.map((value) => breakLast(value)),
      "RCCMNL83S98D969H",
      "rccmnl83s18d969h",
      "RCCMNL83S18D969HX",
    ],
  },
  "aws-access-key": {
    positives: [
      ...many(4, () => `aws_access_key_id = ⟦${tokens.awsKeyId(rng)}⟧`),
      `export AWS_ACCESS_KEY_ID=⟦ASIA${chars(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)}⟧`,
      `⟦aws_secret_access_key = ${tokens.awsSecret(rng)}⟧`,
      `⟦AWS_SECRET_ACCESS_KEY="${tokens.awsSecret(rng)}⟧"`,
    ],
    nearMisses: [
      "AKIAIOSFODNN7EXAMPLE (from the AWS docs)",
      "AKIA1234",
      `XAKIA${chars(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 16)}`,
      "AKIAIOSFODNN7EXAMPLEX",
      "aws_secret_access_key = <your secret here>",
      `aws_secret_access_key = ${chars(rng, "abcdef", 39)}`,
    ],
  },
  "google-api-key": {
    positives: [
      "key=⟦AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe⟧",
      ...many(4, () => `GOOGLE_API_KEY="⟦${tokens.googleApiKey(rng)}⟧"`),
    ],
    nearMisses: ["AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQ", "AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQeX", "AIza"],
  },
  "azure-storage-key": {
    positives: [
      ...many(
        3,
        () =>
          `DefaultEndpointsProtocol=https;AccountName=shop;⟦AccountKey=${tokens.azureAccountKey(rng)}⟧;EndpointSuffix=core.windows.net`,
      ),
    ],
    nearMisses: [
      "AccountKey=<key>",
      `AccountKey=${chars(rng, "abc", 40)}==`,
      "AccountName=shop;EndpointSuffix=core.windows.net",
    ],
  },
  "github-token": {
    positives: [...many(4, () => `token ⟦${tokens.github(rng)}⟧`), `GITHUB_TOKEN=⟦${tokens.githubFineGrained(rng)}⟧`],
    nearMisses: ["ghp_short", `ghx_${chars(rng, "abc", 36)}`, `xghp_${chars(rng, "abc", 36)}`, "github_pat_", "ghp_"],
  },
  "gitlab-token": {
    positives: [...many(4, () => `PRIVATE-TOKEN: ⟦${tokens.gitlab(rng)}⟧`)],
    nearMisses: ["glpat-short", "glpat-", `xglpat-${chars(rng, "abc", 20)}`, `glxat-${chars(rng, "abc", 20)}`],
  },
  "slack-token": {
    positives: [...many(4, () => `SLACK_BOT_TOKEN=⟦${tokens.slack(rng)}⟧`), "⟦xoxp-12345-67890-1928471-abcdefghij⟧"],
    nearMisses: ["xoxo-love", "xoxb-", "xoxb-123", "xoxz-1234-567890abcdef", "The xoxb prefix marks bot tokens."],
  },
  "stripe-key": {
    positives: [...many(4, () => `STRIPE_SECRET_KEY=⟦${tokens.stripe(rng)}⟧`)],
    nearMisses: [
      `sk_test_${chars(rng, "abc123", 24)}`,
      `pk_live_${chars(rng, "abc123", 24)}`,
      "sk_live_short",
      "sk_live_",
    ],
  },
  "openai-api-key": {
    positives: [...many(5, () => `OPENAI_API_KEY=⟦${tokens.openai(rng)}⟧`)],
    nearMisses: [
      `sk-${chars(rng, "abcdef0123", 48)}`,
      "risk-assessment-T3BlbkFJ-document",
      "task-T3BlbkFJ",
      `sk-${chars(rng, "abc", 10)}T3BlbkFJ${chars(rng, "abc", 20)}`,
    ],
  },
  "anthropic-api-key": {
    positives: [...many(4, () => `ANTHROPIC_API_KEY=⟦${tokens.anthropic(rng)}⟧`)],
    nearMisses: ["sk-ant-api03-short", "sk-ant-", `sk-ant-xyz03-${chars(rng, "abc", 60)}`, "The sk-ant- prefix"],
  },
  "huggingface-token": {
    positives: [...many(4, () => `HF_TOKEN=⟦${tokens.huggingface(rng)}⟧`)],
    nearMisses: ["hf_hub_download(repo_id)", "hf_short", `hf_${chars(rng, "abc", 60)}`, "HF_TOKEN=<your token>"],
  },
  "private-key": {
    positives: [
      `⟦-----BEGIN RSA PRIVATE KEY-----\n${tokens.pemBody(rng)}⟧\n${tokens.pemBody(rng)}\n-----END RSA PRIVATE KEY-----`,
      `⟦-----BEGIN PRIVATE KEY-----\n${tokens.pemBody(rng)}⟧\n-----END PRIVATE KEY-----`,
      `⟦-----BEGIN OPENSSH PRIVATE KEY-----\n${tokens.pemBody(rng)}⟧\n-----END OPENSSH PRIVATE KEY-----`,
      `⟦-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,${chars(rng, "0123456789ABCDEF", 32)}\n\n${tokens.pemBody(rng)}⟧\n-----END EC PRIVATE KEY-----`,
      `⟦-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n${tokens.pemBody(rng)}⟧\n-----END PGP PRIVATE KEY BLOCK-----`,
    ],
    nearMisses: [
      "Files start with -----BEGIN RSA PRIVATE KEY----- and end with -----END RSA PRIVATE KEY-----.",
      `-----BEGIN PUBLIC KEY-----\n${tokens.pemBody(rng)}\n-----END PUBLIC KEY-----`,
      `-----BEGIN CERTIFICATE-----\n${tokens.pemBody(rng)}\n-----END CERTIFICATE-----`,
      "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
    ],
  },
  jwt: {
    positives: [
      ...many(4, () => `Authorization: Bearer ⟦${tokens.jwt(rng)}⟧`),
      "⟦eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c⟧",
    ],
    nearMisses: [
      "eyJub3QiOiJhIGhlYWRlciJ9.eyJzdWIiOiIxIn0.abc",
      "eyJhbGciOiJIUzI1NiJ9",
      "eyJhbGciOiJIUzI1NiJ9.notjson.sig",
      "eyJ!!!.eyJ!!!.x",
    ],
  },
  "email-list": {
    positives: [
      `To: ${emails.map((email) => `⟦${email}⟧`).join(", ")}`,
      emails
        .slice(0, 10)
        .map((email) => `⟦${email}⟧`)
        .join("\n"),
      `name,email\n${emails.map((email, i) => `Person ${i},⟦${email.toUpperCase()}⟧`).join("\n")}`,
    ],
    nearMisses: [
      `Contact ${emails[0]} or ${emails[1]}.`,
      emails.slice(0, 9).join("; "),
      `${emails[0]}, ${emails[0]}, ${emails[0]}, ${emails[0]}, ${emails[0]}, ${emails[0]}, ${emails[0]}, ${emails[0]}, ${emails[0]}, ${emails[0]}`,
      "user@localhost, git@github, a@b",
    ],
  },
  "classification-marking": {
    positives: [
      "⟦CONFIDENTIAL⟧ – do not forward",
      "Classification: ⟦STRICTLY CONFIDENTIAL⟧",
      "⟦Streng vertraulich⟧: Gehaltsliste 2026",
      "⟦STRENG  VERTRAULICH⟧",
      "Stamp: ⟦INTERNAL USE ONLY⟧",
    ],
    nearMisses: [
      "This is confidential between us.",
      "CONFIDENTIALITY agreement",
      "NONCONFIDENTIAL",
      "Vertraulichkeit ist wichtig",
      "internal use only (lower case is ordinary text)",
    ],
  },
  "org-pattern": {
    positives: [
      "Project code ⟦PRJ-004211⟧ kicks off",
      "See ⟦prj-123456⟧ and ⟦PRJ-654321⟧",
      "Codename ⟦Falcon⟧ is secret",
    ],
    nearMisses: ["PRJ-12345", "PRJ-1234567", "XPRJ-123456", "falconry", "Project Osprey"],
  },
};

/** The policy settings the corpora assume: the markings and patterns they exercise. */
export const CASE_MARKINGS = [
  { text: "STRICTLY CONFIDENTIAL", caseSensitive: true },
  { text: "CONFIDENTIAL", caseSensitive: true },
  { text: "INTERNAL USE ONLY", caseSensitive: true },
  { text: "Streng vertraulich", caseSensitive: false },
];
export const CASE_PATTERNS = [
  { id: "project-codes", pattern: "\\bPRJ-\\d{6}\\b", caseInsensitive: true },
  { id: "codenames", pattern: "\\b(?:Falcon|Kestrel)\\b", caseInsensitive: false },
];

/** Splits a marked case into its plain text and the spans between ⟦ and ⟧. */
export function unmark(marked: string): { text: string; spans: [number, number][] } {
  let text = "";
  const spans: [number, number][] = [];
  let open = -1;
  for (const char of marked) {
    if (char === "⟦") open = text.length;
    else if (char === "⟧") {
      spans.push([open, text.length]);
      open = -1;
    } else text += char;
  }
  return { text, spans };
}
