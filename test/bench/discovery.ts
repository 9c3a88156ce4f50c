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
 *   candidates, per page load the browser's filters pass on (AI words in the hostname, a host
 *            under a catalogued AI vendor's domain): `candidateOfPage`; per sign-in page of an
 *            identity provider: `oauthSignIn` (the redirect target's domain and its own
 *            signals); per site in an embed write (every 2 s at most): `isCatalogDomain`, the
 *            test that makes a calling site an `aiApi` candidate. Navigations the filters do
 *            not pass on cost nothing here. The first call on a catalog builds its lookup sets:
 *            measured apart ("first call").
 *
 * Prints a table, then one JSON line. Environment: BENCH_ROUNDS (7).
 */
import { recognizeBrowser } from "../../extension/background/discovery/browsers";
import { census, type InstalledExtension } from "../../extension/background/discovery/census";
import { embedOf } from "../../extension/background/discovery/embeds";
import { candidateOfPage, isCatalogDomain, oauthSignIn } from "../../extension/lib/candidates";
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

// Candidate signals. Pages the filters pass on: most are hostname-word or vendor hosts; a few
// are catalogued hosts that happen to match a filter (chatgpt.com contains "gpt").
const PAGES = [
  "https://app.some-new-assistant.ai/chat/123?q=x",
  "https://www.mygpt-helper.co.uk/x",
  "https://labs-preview.anthropic.com/x",
  "https://docs.llmtools.io/guide",
  "https://chatgpt.com/c/abc",
  "https://new-thing.mistral.ai/",
];
const SIGN_INS = [
  `https://accounts.google.com/o/oauth2/v2/auth?client_id=1.apps&scope=openid&redirect_uri=${encodeURIComponent("https://app.newtool.io/cb")}`,
  `https://login.microsoftonline.com/common/oauth2/v2.0/authorize?client_id=x&redirect_uri=${encodeURIComponent("https://helper.ai/cb")}`,
  "https://github.com/login/oauth/authorize?client_id=abc",
];
const firstStarted = performance.now();
const firstPage = candidateOfPage(PAGES[0] as string, matcher, index);
const firstCatalog = isCatalogDomain(index, "shop.com");
const firstUs = (performance.now() - firstStarted) * 1000;
if (!firstPage || firstCatalog) throw new Error("the candidate signals did not decide as expected");
const found = PAGES.map((url) => candidateOfPage(url, matcher, index)).filter(Boolean).length;
if (found !== 5) throw new Error(`found ${found} of 5 candidate pages`);
const pageUs = await timePerCall(20_000, (i) => candidateOfPage(PAGES[i % PAGES.length] as string, matcher, index));
const signInUs = await timePerCall(20_000, (i) => oauthSignIn(SIGN_INS[i % SIGN_INS.length] as string, matcher, index));
const callerUs = await timePerCall(50_000, (i) => isCatalogDomain(index, i % 2 ? "shop-one.com" : "openai.com"));

const rows = [
  ["signal", "unit", "median µs"],
  ["embeds", "per request to an AI API host, same page", embeds.toFixed(2)],
  ["embeds", "per request to an AI API host, new page", embedsCold.toFixed(2)],
  ["embeds", "per navigation calling no AI host", "0 (not called)"],
  ["census", "per reading (41 installed, 8 nominated)", censusUs.toFixed(1)],
  ["browser", "per recognition (15 markers)", browserUs.toFixed(2)],
  ["candidates", "per page load the filters pass on", pageUs.toFixed(2)],
  ["candidates", "per sign-in page of an identity provider", signInUs.toFixed(2)],
  ["candidates", "per calling site in an embed write", callerUs.toFixed(3)],
  ["candidates", "first call (builds the lookup sets)", firstUs.toFixed(0)],
  ["candidates", "per navigation the filters do not pass on", "0 (not called)"],
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
    candidatePerPageUs: Number(pageUs.toFixed(2)),
    candidatePerSignInUs: Number(signInUs.toFixed(2)),
    candidatePerCallingSiteUs: Number(callerUs.toFixed(3)),
    candidateFirstCallUs: Math.round(firstUs),
  }),
);
