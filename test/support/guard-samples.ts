/**
 * Valid sensitive values for the guard's tests and benchmark, made at run time from a seeded
 * generator: the repository never holds a realistic secret or identifier, and every run
 * sees the same values. Each maker follows the format the detector documents.
 */
import { luhnValid, mod11_10CheckDigit, mod97 } from "../../shared/guard/checksum";
import { seededRandom } from "./random";

export type Rng = () => number;

export function rngFor(seed: number): Rng {
  return seededRandom(seed);
}

const BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BASE64URL = `${BASE62}-_`;
const BASE64 = `${BASE62}+/`;

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)] as T;
}

export function chars(rng: Rng, alphabet: string, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(rng() * alphabet.length)];
  return out;
}

function digits(rng: Rng, length: number): string {
  return chars(rng, "0123456789", length);
}

/** Appends the Luhn check digit. */
function withLuhn(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
  throw new Error("unreachable");
}

const CARD_PREFIXES: readonly [string, number][] = [
  ["4", 16],
  ["51", 16],
  ["55", 16],
  ["2221", 16],
  ["2720", 16],
  ["34", 15],
  ["37", 15],
  ["6011", 16],
  ["65", 16],
  ["3530", 16],
  ["36", 14],
  ["62", 19],
];

export function cardNumber(rng: Rng): string {
  const [prefix, length] = pick(rng, CARD_PREFIXES);
  return withLuhn(prefix + digits(rng, length - prefix.length - 1));
}

/** Groups a card number the way it is printed. */
export function printedCard(number: string, separator = " "): string {
  if (number.length === 15 || number.length === 14) {
    return [number.slice(0, 4), number.slice(4, 10), number.slice(10)].join(separator);
  }
  return (number.match(/.{1,4}/g) ?? []).join(separator);
}

/** Country, BBAN length and BBAN alphabet for a few IBAN countries. */
const IBAN_COUNTRIES: readonly [string, number, string][] = [
  ["DE", 18, "0123456789"],
  ["FR", 23, "0123456789"],
  ["GB", 18, "0123456789"],
  ["NL", 14, "0123456789"],
  ["ES", 20, "0123456789"],
  ["IT", 23, "0123456789"],
  ["CH", 17, "0123456789"],
  ["AT", 16, "0123456789"],
  ["BE", 12, "0123456789"],
  ["NO", 11, "0123456789"],
  ["PL", 24, "0123456789"],
  ["SE", 20, "0123456789"],
];

export function ibanNumber(rng: Rng): string {
  const [country, length, alphabet] = pick(rng, IBAN_COUNTRIES);
  let bban = chars(rng, alphabet, length);
  if (country === "GB" || country === "NL") bban = chars(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 4) + bban.slice(4);
  const check = 98 - mod97(`${bban}${country}00`);
  return `${country}${String(check).padStart(2, "0")}${bban}`;
}

export function printedIban(iban: string): string {
  return (iban.match(/.{1,4}/g) ?? []).join(" ");
}

export function ssn(rng: Rng): string {
  const area = String(1 + Math.floor(rng() * 665)).padStart(3, "0");
  const group = String(1 + Math.floor(rng() * 99)).padStart(2, "0");
  const serial = String(1 + Math.floor(rng() * 9999)).padStart(4, "0");
  return `${area}-${group}-${serial}`;
}

export function germanTaxId(rng: Rng): string {
  for (;;) {
    const pool = [..."0123456789"].sort(() => rng() - 0.5);
    const body = pool.slice(0, 9);
    body.push(body[Math.floor(rng() * 9)] as string);
    const shuffled = body.sort(() => rng() - 0.5).join("");
    if (shuffled[0] === "0") continue;
    return shuffled + mod11_10CheckDigit(shuffled);
  }
}

export function bsn(rng: Rng): string {
  for (;;) {
    const body = digits(rng, 8);
    let sum = 0;
    for (let i = 0; i < 8; i++) sum += (9 - i) * Number(body[i]);
    const last = sum % 11;
    if (last <= 9 && body !== "00000000") return body + last;
  }
}

export function nir(rng: Rng): string {
  const body = `${pick(rng, ["1", "2"])}${digits(rng, 2)}${String(1 + Math.floor(rng() * 12)).padStart(2, "0")}${pick(rng, ["75", "69", "13", "33", "59"])}${digits(rng, 3)}${digits(rng, 3)}`;
  const key = String(97 - (Number(body) % 97)).padStart(2, "0");
  return body + key;
}

/** A NIR born in Corsica: department 2A or 2B, which count as 19 and 18 in the key. */
export function corsicanNir(rng: Rng): string {
  const department = pick(rng, ["2A", "2B"]);
  const before = `${pick(rng, ["1", "2"])}${digits(rng, 2)}${String(1 + Math.floor(rng() * 12)).padStart(2, "0")}`;
  const after = `${digits(rng, 3)}${digits(rng, 3)}`;
  const body = `${before}${department === "2A" ? "19" : "18"}${after}`;
  return `${before}${department}${after}${String(97 - (Number(body) % 97)).padStart(2, "0")}`;
}

export function printedNir(value: string): string {
  return [
    value[0],
    value.slice(1, 3),
    value.slice(3, 5),
    value.slice(5, 7),
    value.slice(7, 10),
    value.slice(10, 13),
    value.slice(13),
  ].join(" ");
}

export function dni(rng: Rng): string {
  const number = digits(rng, 8);
  return number + "TRWAGMYFPDXBNJZSQVHLCKE"[Number(number) % 23];
}

/** A Spanish foreigner number (NIE): X, Y or Z, seven digits, the control letter. */
export function nie(rng: Rng): string {
  const prefix = pick(rng, ["X", "Y", "Z"]);
  const number = digits(rng, 7);
  return `${prefix}${number}${"TRWAGMYFPDXBNJZSQVHLCKE"[Number(`${"XYZ".indexOf(prefix)}${number}`) % 23]}`;
}

export function nino(rng: Rng): string {
  const first = pick(rng, [..."ABCEGHJKLMNOPRSTWXYZ"]);
  const second = pick(rng, [..."ABCEGHJKLMNPRSTWXYZ"]);
  const prefix = first + second;
  if (["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"].includes(prefix)) return nino(rng);
  return `${prefix}${digits(rng, 6)}${pick(rng, ["A", "B", "C", "D"])}`;
}

const ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];

export function fiscalCode(rng: Rng): string {
  const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const day = String(1 + Math.floor(rng() * 28) + (rng() < 0.5 ? 40 : 0)).padStart(2, "0");
  const body = `${chars(rng, letters, 6)}${digits(rng, 2)}${pick(rng, [..."ABCDEHLMPRST"])}${day}${pick(rng, [..."ABCDEFGHILM"])}${digits(rng, 3)}`;
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const code = body.charCodeAt(i);
    const v = code <= 57 ? code - 48 : code - 65;
    sum += i % 2 === 0 ? (ODD[v] as number) : v;
  }
  return body + letters[sum % 26];
}

export const tokens = {
  awsKeyId: (rng: Rng) => `AKIA${chars(rng, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)}`,
  awsSecret: (rng: Rng) => chars(rng, BASE64, 40),
  googleApiKey: (rng: Rng) => `AIza${chars(rng, BASE64URL, 35)}`,
  azureAccountKey: (rng: Rng) => `${chars(rng, BASE64, 86)}==`,
  github: (rng: Rng) => `${pick(rng, ["ghp", "gho", "ghu", "ghs", "ghr"])}_${chars(rng, BASE62, 36)}`,
  githubFineGrained: (rng: Rng) => `github_pat_${chars(rng, BASE62, 22)}_${chars(rng, BASE62, 59)}`,
  gitlab: (rng: Rng) => `${pick(rng, ["glpat", "gldt", "glrt", "glft"])}-${chars(rng, BASE62, 20)}`,
  slack: (rng: Rng) =>
    `${pick(rng, ["xoxb", "xoxp", "xapp"])}-${digits(rng, 11)}-${digits(rng, 12)}-${chars(rng, BASE62, 24)}`,
  stripe: (rng: Rng) => `${pick(rng, ["sk", "rk"])}_live_${chars(rng, BASE62, 24 + Math.floor(rng() * 76))}`,
  openai: (rng: Rng) =>
    `sk-${pick(rng, ["", "proj-", "svcacct-"])}${chars(rng, BASE62, 20 + Math.floor(rng() * 60))}T3BlbkFJ${chars(rng, BASE62, 20 + Math.floor(rng() * 60))}`,
  anthropic: (rng: Rng) => `sk-ant-${pick(rng, ["api03", "admin01"])}-${chars(rng, BASE64URL, 93)}AA`,
  huggingface: (rng: Rng) => `hf_${chars(rng, BASE62.slice(0, 52), 34)}`,
  pemBody: (rng: Rng) => chars(rng, BASE64, 64),
  jwt(rng: Rng): string {
    const encode = (value: string) => Buffer.from(value).toString("base64url");
    const header = encode(JSON.stringify({ alg: pick(rng, ["HS256", "RS256", "ES256"]), typ: "JWT" }));
    const payload = encode(JSON.stringify({ sub: digits(rng, 8), iat: 1_700_000_000 + Math.floor(rng() * 1e7) }));
    return `${header}.${payload}.${chars(rng, BASE64URL, 43)}`;
  },
};

export function emailAddress(rng: Rng): string {
  const first = pick(rng, ["anna", "ben", "chen", "dana", "emil", "fatima", "gus", "hana", "ivan", "jo"]);
  const last = pick(rng, ["miller", "schmidt", "rossi", "dubois", "novak", "kim", "garcia", "smith"]);
  return `${first}.${last}${Math.floor(rng() * 100)}@${pick(rng, ["example.com", "example.org", "mail.example.net"])}`;
}
