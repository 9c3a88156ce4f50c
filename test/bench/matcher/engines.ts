/**
 * The engines the matcher benchmark compares, each with the memory its code and its data take:
 *   shadowlight  our matcher on the compiled index (the module imported and the index built
 *                here, so our own memory is counted like the peers')
 *   ghostery     @ghostery/adblocker's FiltersEngine with `||host^$document` filters
 *   ubo          @gorhill/ubo-core's StaticNetFilteringEngine with the same filters
 *   hosts        a plain hosts lookup: the platform URL parser, then the hostname and each
 *                parent domain looked up in a Set of the catalog's hosts (no path rules),
 *                what a blocklist would do
 *   tldts        getDomain alone: parses the URL and matches nothing, the floor
 */
import v8 from "node:v8";
import vm from "node:vm";
import type { CompiledIndex } from "../../../shared/catalog/compile";

// global.gc without asking the caller for --expose-gc (tsx is often started by npm).
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

function memory(): number {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

export interface Engine {
  name: string;
  /** Classifies urls[from..to) and returns how many matched. One loop per engine, written out,
   * so each call site sees one function and V8 can inline it as it would in real use. */
  run: (urls: string[], from: number, to: number) => number;
  one: (url: string) => boolean;
  /** Heap and external memory its code took when imported, and its data when built. */
  importBytes: number;
  buildBytes: number;
  buildMs: number;
}

/** The part of @gorhill/ubo-core used here (it ships no types; see its README). */
interface UboCore {
  StaticNetFilteringEngine: {
    create(): Promise<{
      useLists(lists: Array<{ name: string; raw: string }>): Promise<void>;
      /** 0: no filter matched, 1: blocked, 2: allowed by an exception. */
      matchRequest(details: { originURL: string; url: string; type: string }): number;
    }>;
  };
}
// A specifier typed as string keeps the compiler from looking for the missing declarations.
const UBO_CORE: string = "@gorhill/ubo-core";

async function measured<T>(load: () => Promise<T>): Promise<{ value: T; bytes: number; ms: number }> {
  const before = memory();
  const started = performance.now();
  const value = await load();
  const ms = performance.now() - started;
  return { value, bytes: memory() - before, ms };
}

/** The hostname and each parent domain, longest first: `a.b.example.com`, `b.example.com`, `example.com`, `com`. */
function hostsLookup(hosts: Set<string>): (url: string) => boolean {
  return (url) => {
    let host: string;
    try {
      host = new URL(url).hostname;
    } catch {
      return false;
    }
    for (;;) {
      if (hosts.has(host)) return true;
      const dot = host.indexOf(".");
      if (dot < 0) return false;
      host = host.slice(dot + 1);
    }
  };
}

export async function buildEngines(indexText: string): Promise<Engine[]> {
  const index = JSON.parse(indexText) as CompiledIndex;
  const filters: string[] = [];
  for (const host of Object.keys(index.hosts)) filters.push(`||${host}^$document`);
  for (const [host, rules] of Object.entries(index.paths)) {
    for (const [prefix] of rules) filters.push(`||${host}${prefix}^$document`);
  }
  const filterText = filters.join("\n");

  const oursModule = await measured(() => import("../../../shared/catalog/matcher"));
  const ours = await measured(async () => oursModule.value.createMatcher(JSON.parse(indexText) as CompiledIndex));
  const matcher = ours.value;

  const hostsBuilt = await measured(async () => hostsLookup(new Set(Object.keys(index.hosts))));
  const inHosts = hostsBuilt.value;

  const tldtsModule = await measured(() => import("tldts"));
  const { getDomain } = tldtsModule.value;

  const ghosteryModule = await measured(() => import("@ghostery/adblocker"));
  const { FiltersEngine, Request } = ghosteryModule.value;
  const ghostery = await measured(async () =>
    FiltersEngine.parse(filterText, { loadCosmeticFilters: false, loadNetworkFilters: true }),
  );
  const engine = ghostery.value;

  const uboModule = await measured(() => import(UBO_CORE) as Promise<UboCore>);
  const { StaticNetFilteringEngine } = uboModule.value;
  const ubo = await measured(async () => {
    const snfe = await StaticNetFilteringEngine.create();
    await snfe.useLists([{ name: "shadowlight", raw: filterText }]);
    return snfe;
  });
  const snfe = ubo.value;

  return [
    {
      name: "shadowlight",
      run(urls, from, to) {
        let hits = 0;
        for (let i = from; i < to; i++) if (matcher.classify(urls[i] as string) !== null) hits++;
        return hits;
      },
      one: (url) => matcher.classify(url) !== null,
      importBytes: oursModule.bytes,
      buildBytes: ours.bytes,
      buildMs: ours.ms,
    },
    {
      name: "ghostery",
      run(urls, from, to) {
        let hits = 0;
        for (let i = from; i < to; i++) {
          if (engine.match(Request.fromRawDetails({ url: urls[i] as string, type: "main_frame" })).match) hits++;
        }
        return hits;
      },
      one: (url) => engine.match(Request.fromRawDetails({ url, type: "main_frame" })).match,
      importBytes: ghosteryModule.bytes,
      buildBytes: ghostery.bytes,
      buildMs: ghostery.ms,
    },
    {
      name: "ubo",
      run(urls, from, to) {
        let hits = 0;
        for (let i = from; i < to; i++) {
          const url = urls[i] as string;
          // A main-frame navigation: the document's origin is the URL's own.
          if (snfe.matchRequest({ originURL: url, url, type: "main_frame" }) === 1) hits++;
        }
        return hits;
      },
      one: (url) => snfe.matchRequest({ originURL: url, url, type: "main_frame" }) === 1,
      importBytes: uboModule.bytes,
      buildBytes: ubo.bytes,
      buildMs: ubo.ms,
    },
    {
      name: "hosts lookup",
      run(urls, from, to) {
        let hits = 0;
        for (let i = from; i < to; i++) if (inHosts(urls[i] as string)) hits++;
        return hits;
      },
      one: inHosts,
      importBytes: 0,
      buildBytes: hostsBuilt.bytes,
      buildMs: hostsBuilt.ms,
    },
    {
      name: "tldts (floor)",
      run(urls, from, to) {
        // Counts parsed domains, only so the call cannot be optimized away; it matches nothing.
        let parsed = 0;
        for (let i = from; i < to; i++) if (getDomain(urls[i] as string) !== null) parsed++;
        return parsed;
      },
      one: (url) => getDomain(url) === "\u0000",
      importBytes: tldtsModule.bytes,
      buildBytes: 0,
      buildMs: 0,
    },
  ];
}
