/**
 * `npm run bench:discovery`: what each discovery signal costs the background in CPU, measured
 * on the same code the service worker runs (Node's V8, the engine Chromium runs it on), without
 * the browser's own event dispatch and storage writes.
 *
 *   embeds   per request a page makes to a catalogued AI API host: `embedOf` (classify the
 *            URL, the initiator's registrable domain) and the in-memory tally. A navigation
 *            that calls no AI host costs nothing here: the browser filters by host and never
 *            calls the listener.
 *   census   per reading of the installed extensions (daily and on install/enable/disable):
 *            40 installed extensions, 8 of them AI-looking unknowns nominated by HMAC.
 *   browser  per recognition (daily): brands, User-Agent tokens and globals against markers.
 *
 * Prints a table, then one JSON line. Environment: BENCH_ROUNDS (7).
 */
import { recognizeBrowser } from "../../extension/background/discovery/browsers";
import { census, type InstalledExtension } from "../../extension/background/discovery/census";
import { embedOf } from "../../extension/background/discovery/embeds";
import indexJson from "../../policies/dist/index.json";
import type { CompiledIndex } from "../../shared/catalog/compile";
import { createMatcher } from "../../shared/catalog/matcher";

const index = indexJson as unknown as CompiledIndex;
const matcher = createMatcher(index);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Median over rounds of the time per call, in microseconds. */
async function timePerCall(calls: number, run: (i: number) => unknown): Promise<number> {
  const perRound: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    for (let i = 0; i < calls; i++) {
      const result = run(i);
      if (result instanceof Promise) await result;
    }
    perRound.push(((performance.now() - started) * 1000) / calls);
  }
  return median(perRound);
}

const API_URLS = [
  "https://api.openai.com/v1/chat/completions",
  "https://api.anthropic.com/v1/messages",
  "https://generativelanguage.googleapis.com/v1beta/models/x:generateContent?key=k",
  "https://bedrock-runtime.us-east-1.amazonaws.com/model/m/invoke",
];
const SITES = ["https://help.shop-one.com", "https://www.news-site.co.uk", "https://app.crm-tool.io"];
const tally = new Map<string, number>();
// A new calling origin for every request: nothing of the per-origin cache helps.
const embedsCold = await timePerCall(5_000, (i) =>
  embedOf(
    { url: API_URLS[i % API_URLS.length] as string, initiator: `https://p${i}-${Math.random()}.shop.com` },
    matcher,
  ),
);
const embeds = await timePerCall(20_000, (i) => {
  const hit = embedOf(
    { url: API_URLS[i % API_URLS.length] as string, type: "xmlhttprequest", initiator: SITES[i % SITES.length] },
    matcher,
  );
  if (hit) tally.set(`${hit.site}|${hit.tool}`, (tally.get(`${hit.site}|${hit.tool}`) ?? 0) + 1);
});
if (tally.size !== SITES.length * API_URLS.length) throw new Error(`found ${tally.size} of 12 (site, tool) embeds`);

const installed: InstalledExtension[] = Array.from({ length: 40 }, (_, i) => ({
  id: `${String.fromCharCode(97 + (i % 16)).repeat(30) + String.fromCharCode(97 + Math.floor(i / 16))}a`,
  name: i < 8 ? `AI Helper ${i}` : `Ordinary tool ${i}`,
  description: "Does something useful for people at work, on every page they open.",
  enabled: true,
  type: "extension",
  hostPermissions: ["<all_urls>"],
  permissions: ["storage", "tabs"],
}));
installed.push({ id: "eobbhoofkanlmddnplfhnmkfbnlhpbbo", name: "ChatGPTBox", enabled: true, type: "extension" });
const censusInput = {
  installed,
  index,
  self: "oicjdjaeakeiccgmieahkaodgcalfmic",
  censusKey: "a-census-key-of-the-organization",
  revealed: new Set<string>(),
};
const censusChanges = await census(censusInput);
if (censusChanges.length !== 1 + 1 + 8) throw new Error(`census found ${censusChanges.length} changes, expected 10`);
const censusUs = await timePerCall(200, () => census(censusInput));

const markers: CompiledIndex = {
  ...index,
  browsers: index.tools.flatMap(
    (tool, position): Array<["brand" | "uaToken" | "global", string, number]> =>
      tool.kind === "browser"
        ? [
            ["brand", `${tool.name} Browser`, position],
            ["uaToken", tool.name.replaceAll(" ", ""), position],
            ["global", `navigator.${tool.id.replaceAll("-", "")}`, position],
          ]
        : [],
  ),
};
const signals = {
  brands: ["Not;A=Brand", "Chromium", "Google Chrome"],
  userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36",
  has: (path: string) => path === "navigator.userAgent",
};
const browserUs = await timePerCall(20_000, () => recognizeBrowser(markers, signals));

const rows = [
  ["signal", "unit", "median µs"],
  ["embeds", "per request to an AI API host, same page", embeds.toFixed(2)],
  ["embeds", "per request to an AI API host, new page", embedsCold.toFixed(2)],
  ["embeds", "per navigation calling no AI host", "0 (not called)"],
  ["census", "per reading (41 installed, 8 nominated)", censusUs.toFixed(1)],
  ["browser", "per recognition (15 markers)", browserUs.toFixed(2)],
];
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(i === 1 ? 42 : 12)).join(" "));
console.log(
  JSON.stringify({
    bench: "discovery",
    rounds: ROUNDS,
    embedPerRequestUs: Number(embeds.toFixed(2)),
    embedPerRequestNewPageUs: Number(embedsCold.toFixed(2)),
    censusPerRunUs: Number(censusUs.toFixed(1)),
    browserPerRunUs: Number(browserUs.toFixed(2)),
  }),
);
