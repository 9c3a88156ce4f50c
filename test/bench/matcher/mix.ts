/**
 * The URL mix of the matcher benchmark: mostly non-AI, some AI, synthesized from test/corpus
 * the way people's browsing looks (tracking parameters, link wrappers, long paths, a few odd
 * forms), deterministic for a seed.
 */
import { readFileSync } from "node:fs";
import { seededRandom as random } from "../../support/random";

/** Share of URLs derived from an AI seed. */
const AI_SHARE = 0.1;

export function corpusLines(name: string): string[] {
  const text = readFileSync(new URL(`../../corpus/${name}`, import.meta.url), "utf8");
  return text
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("#"))
    .map((line) => line.split("\t")[0] as string);
}

const WORDS = (
  "account admin analytics api app archive article assets auth billing blog board calendar cart " +
  "catalog checkout cloud community company config console contact content dashboard data deals " +
  "design dev docs download edit en events files finance forum guide help home hr images inbox " +
  "index insights invoice item jobs kb learn legal library list live login mail maps market media " +
  "news notes order orders page partners payments people photos portal pricing product profile " +
  "projects reports research reviews sales search settings shop sign-in status store support team " +
  "tickets tools travel updates user users video watch wiki work"
).split(" ");
const BRANDS = (
  "acme northwind contoso fabrikam globex initech umbrella hooli vandelay wayne stark tyrell " +
  "cyberdyne soylent wonka oceanic massive blue green rapid bright summit harbor atlas nova " +
  "vertex pioneer cedar maple river stone iron silver golden metro urban alpine coastal prairie"
).split(" ");
const TLDS = "com com com com org net io co.uk de fr nl co dev app eu ca com.au ch se es it".split(" ");
const SUBDOMAINS = "www www www m app en docs mail cdn static eu us login accounts blog shop support".split(" ");

function pick<T>(rng: () => number, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)] as T;
}

function token(rng: () => number, length: number, alphabet: string): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(rng() * alphabet.length)];
  return out;
}

const HEX = "0123456789abcdef";
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

function segment(rng: () => number): string {
  const r = rng();
  if (r < 0.45) return pick(rng, WORDS);
  if (r < 0.6) return String(Math.floor(rng() * 10_000_000));
  if (r < 0.7) return `${token(rng, 8, HEX)}-${token(rng, 4, HEX)}-${token(rng, 4, HEX)}-${token(rng, 12, HEX)}`;
  if (r < 0.85) return `${pick(rng, WORDS)}-${pick(rng, WORDS)}-${pick(rng, WORDS)}`;
  return `${pick(rng, WORDS)}.${pick(rng, ["html", "php", "aspx", "pdf", "json"])}`;
}

function query(rng: () => number, original: string): string {
  const r = rng();
  if (r < 0.45) return original;
  if (r < 0.65) {
    return `?utm_source=${pick(rng, ["newsletter", "linkedin", "google", "twitter"])}&utm_medium=${pick(rng, [
      "email",
      "social",
      "cpc",
    ])}&utm_campaign=${pick(rng, WORDS)}-${Math.floor(rng() * 1000)}`;
  }
  if (r < 0.77) {
    const id = pick(rng, ["gclid", "fbclid", "msclkid", "mc_eid", "_hsenc"]);
    return `?${id}=${token(rng, 40 + Math.floor(rng() * 80), B64)}`;
  }
  if (r < 0.92) {
    const words = Array.from({ length: 1 + Math.floor(rng() * 5) }, () => pick(rng, WORDS));
    return `?q=${words.join("+")}&page=${1 + Math.floor(rng() * 9)}`;
  }
  // Long analytics and session queries: many parameters, a few hundred characters.
  const params = Array.from(
    { length: 6 + Math.floor(rng() * 14) },
    () => `${pick(rng, WORDS)}=${token(rng, 4 + Math.floor(rng() * 30), B64)}`,
  );
  return `?${params.join("&")}`;
}

/** Link wrappers seen in every office mailbox: the wrapped URL is data, never the target. */
function wrapped(rng: () => number, inner: string): string {
  const encoded = encodeURIComponent(inner);
  const r = rng();
  if (r < 0.4) {
    return `https://nam${10 + Math.floor(rng() * 3)}.safelinks.protection.outlook.com/?url=${encoded}&data=05%7C02%7C${token(
      rng,
      24,
      HEX,
    )}%7C${token(rng, 64, HEX)}%7C0%7C0%7C${Math.floor(rng() * 1e18)}%7CUnknown&sdata=${token(rng, 44, B64)}&reserved=0`;
  }
  if (r < 0.7) {
    return `https://www.google.com/url?sa=t&rct=j&q=&esrc=s&source=web&cd=&ved=${token(rng, 40, B64)}&url=${encoded}&usg=${token(
      rng,
      28,
      B64,
    )}`;
  }
  if (r < 0.85) return `https://l.facebook.com/l.php?u=${encoded}&h=AT${token(rng, 60, B64)}`;
  return `https://click.${pick(rng, BRANDS)}mail.com/ls/click?upn=${token(rng, 200 + Math.floor(rng() * 300), B64)}`;
}

export interface Mix {
  urls: string[];
  /** 1 where the URL was derived from an AI seed. */
  ai: Uint8Array;
}

export function buildMix(count: number, seed: number): Mix {
  const rng = random(seed);
  const aiSeeds = [...corpusLines("ai-urls.tsv"), ...corpusLines("ai-urls-media.tsv")];
  const plainSeeds = corpusLines("non-ai-urls.txt");
  const urls: string[] = [];
  const ai = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const isAi = rng() < AI_SHARE;
    ai[i] = isAi ? 1 : 0;
    const source = pick(rng, isAi ? aiSeeds : plainSeeds);
    // A few verbatim seeds keep the odd forms (uppercase, ports, userinfo, IDN) in the mix;
    // browsers hand the extension canonical URLs, so they stay rare.
    if (rng() < 0.04) {
      urls.push(source);
      continue;
    }
    let parsed: URL;
    try {
      parsed = new URL(source);
    } catch {
      urls.push(source);
      continue;
    }
    if (!isAi && rng() < 0.06) {
      urls.push(wrapped(rng, rng() < 0.3 ? pick(rng, aiSeeds) : source));
      continue;
    }
    let host = parsed.host;
    if (!isAi && rng() < 0.3) {
      host = `${pick(rng, BRANDS)}${rng() < 0.5 ? pick(rng, BRANDS) : ""}.${pick(rng, TLDS)}`;
    }
    if (rng() < (isAi ? 0.1 : 0.2)) host = `${pick(rng, SUBDOMAINS)}.${host}`;
    let path = parsed.pathname;
    const p = rng();
    if (p < 0.35) {
      const extra = Array.from({ length: 1 + Math.floor(rng() * 3) }, () => segment(rng)).join("/");
      path = path.endsWith("/") ? `${path}${extra}` : `${path}/${extra}`;
    } else if (!isAi && p < 0.65) {
      path = `/${Array.from({ length: 1 + Math.floor(rng() * 5) }, () => segment(rng)).join("/")}`;
    }
    const hash = rng() < 0.05 ? `#${pick(rng, WORDS)}` : parsed.hash;
    urls.push(`${parsed.protocol}//${host}${path}${query(rng, parsed.search)}${hash}`);
  }
  // Flat strings, as a browser hands them over: concatenation leaves ropes that every engine
  // would otherwise flatten on first touch.
  return { urls: JSON.parse(JSON.stringify(urls)) as string[], ai };
}
