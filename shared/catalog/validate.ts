import { getDomain } from "tldts";
import type * as z from "zod";
import { lessonCatalog, literacyIssues } from "../lessons/references";
import { describeIssues, type Policy, policySchema } from "../policy/schema";
import { type Browser, browserSchema, type Extension, extensionSchema, STORE_HOSTS, STORES } from "./discovery";
import {
  type Catalog,
  type Category,
  categorySchema,
  type Tool,
  toolHostKinds,
  toolSchema,
  type Vendor,
  vendorSchema,
} from "./schema";

/** One data file as read from disk: its path relative to `policies/` and its text. */
export interface SourceFile {
  path: string;
  text: string;
}

export interface CatalogResult {
  catalog: Catalog;
  errors: string[];
}

/**
 * Parses one data file: JSON, the schema (each problem naming its field), id = file name and
 * canonical form. Problems go to `errors`, each starting with the file's path.
 */
export function parseFile<T>(file: SourceFile, schema: z.ZodType<T>, errors: string[]): T | null {
  let json: unknown;
  try {
    json = JSON.parse(file.text);
  } catch (error) {
    errors.push(`${file.path}: not valid JSON (${(error as Error).message})`);
    return null;
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    for (const issue of describeIssues(result.error)) errors.push(`${file.path}: ${issue}`);
    return null;
  }
  const id = (result.data as { id?: string }).id;
  const expected = file.path.replace(/^.*\//, "").replace(/\.json$/, "");
  if (id !== undefined && id !== expected) {
    errors.push(`${file.path}: id "${id}" must equal the file name "${expected}"`);
    return null;
  }
  if (file.text !== `${JSON.stringify(json, null, 2)}\n`) {
    errors.push(`${file.path}: not in canonical form (2-space JSON with a final newline)`);
  }
  return result.data;
}

function isSorted(values: string[]): boolean {
  return values.every((value, i) => i === 0 || (values[i - 1] as string) < value);
}

/**
 * Validates every catalog file and the references between them: schema, id = file name,
 * canonical form, vendors and categories that exist, no hostname owned by two tools, no
 * shared host that is also a whole tool, and examples that resolve to their own tool only.
 * Every problem is reported with the file it is in; the caller refuses the catalog when
 * there is any.
 */
export function validateCatalog(files: {
  tools: SourceFile[];
  vendors: SourceFile[];
  categories: SourceFile[];
  extensions?: SourceFile[];
  browsers?: SourceFile[];
}): CatalogResult {
  const errors: string[] = [];
  const vendors = files.vendors.map((f) => parseFile<Vendor>(f, vendorSchema, errors)).filter((v) => v !== null);
  const categories = files.categories
    .map((f) => parseFile<Category>(f, categorySchema, errors))
    .filter((c) => c !== null);
  const vendorIds = new Set(vendors.map((v) => v.id));
  const categoryIds = new Set(categories.map((c) => c.id));

  const hostOwner = new Map<string, string>();
  const pathOwner = new Map<string, string>();
  const tools: Tool[] = [];
  for (const file of files.tools) {
    const tool = parseFile<Tool>(file, toolSchema, errors);
    if (!tool) continue;
    tools.push(tool);
    if (tool.id.startsWith(ORGANIZATION_PREFIX))
      errors.push(`${file.path}: ids starting "org-" are the organization's`);
    if (!vendorIds.has(tool.vendor)) errors.push(`${file.path}: vendor "${tool.vendor}" has no file in vendors/`);
    if (!categoryIds.has(tool.category)) {
      errors.push(`${file.path}: category "${tool.category}" has no file in categories/`);
    }
    for (const field of ["hosts", "apiHosts", "docsHosts"] as const) {
      if (!isSorted(tool[field] ?? [])) errors.push(`${file.path}: ${field} must be sorted and unique`);
    }
    for (const [host] of toolHostKinds(tool)) {
      const owner = hostOwner.get(host);
      if (owner) errors.push(`${file.path}: host "${host}" is already owned by tool "${owner}"`);
      hostOwner.set(host, tool.id);
    }
    const rules = [
      ...(tool.paths ?? []).map((rule) => `${rule.host}${rule.prefix}`),
      ...(tool.queries ?? []).map((rule) => `${rule.host}${rule.path}?${rule.param}=${rule.value}`),
    ];
    for (const key of rules) {
      const owner = pathOwner.get(key);
      if (owner) errors.push(`${file.path}: rule "${key}" is already owned by tool "${owner}"`);
      pathOwner.set(key, tool.id);
    }
  }
  const vendorsById = new Map(vendors.map((v) => [v.id, v]));
  for (const tool of tools) {
    const vendor = vendorsById.get(tool.vendor);
    if (!vendor) continue;
    for (const [name, fact] of Object.entries(tool.facts ?? {})) {
      if (!onVendorsDomain(fact.source, vendor, tool)) {
        errors.push(`tools/${tool.id}.json: facts.${name}.source is not a page of the vendor (${fact.source})`);
      }
    }
  }
  for (const vendor of vendors) {
    for (const name of ["hq", "dataPrivacyFramework"] as const) {
      const fact = vendor[name];
      if (fact && !onVendorsDomain(fact.source, vendor, null)) {
        errors.push(`vendors/${vendor.id}.json: ${name}.source is not a page of the vendor (${fact.source})`);
      }
    }
  }
  for (const [key, owner] of pathOwner) {
    const host = key.slice(0, key.indexOf("/"));
    const whole = hostOwner.get(host);
    if (whole) errors.push(`tools/${owner}.json: rule host "${host}" is a whole tool ("${whole}") already`);
  }
  const catalog: Catalog = { tools, vendors, categories };
  if (files.extensions || files.browsers) {
    Object.assign(catalog, validateDiscovery(files.extensions ?? [], files.browsers ?? [], catalog, errors));
  }
  return { catalog, errors };
}

/**
 * AI extensions and AI browsers: schema, id = file name, canonical form, references to
 * vendors, categories and tools that exist, ids unique across tools, extensions and browsers
 * (one inventory), a store id owned by one extension only, listings on their store's own
 * host (a Chromium listing's URL names the id), and every id and marker read on the store's
 * listing or the vendor's own page.
 */
function validateDiscovery(
  extensionFiles: SourceFile[],
  browserFiles: SourceFile[],
  catalog: Catalog,
  errors: string[],
): { extensions: Extension[]; browsers: Browser[] } {
  const vendors = new Map(catalog.vendors.map((v) => [v.id, v]));
  const categoryIds = new Set(catalog.categories.map((c) => c.id));
  const toolsById = new Map(catalog.tools.map((t) => [t.id, t]));
  const entryKind = new Map<string, string>(catalog.tools.map((t) => [t.id, "tool"]));
  const references = (path: string, entry: { id: string; vendor: string; category: string; tool?: string }) => {
    const kind = entryKind.get(entry.id);
    if (kind) errors.push(`${path}: id "${entry.id}" is already a ${kind}'s id`);
    if (entry.id.startsWith(ORGANIZATION_PREFIX)) errors.push(`${path}: ids starting "org-" are the organization's`);
    entryKind.set(entry.id, path.startsWith("browsers/") ? "browser" : "extension");
    if (!vendors.has(entry.vendor)) errors.push(`${path}: vendor "${entry.vendor}" has no file in vendors/`);
    if (!categoryIds.has(entry.category))
      errors.push(`${path}: category "${entry.category}" has no file in categories/`);
    if (entry.tool && !toolsById.has(entry.tool)) errors.push(`${path}: tool "${entry.tool}" has no file in tools/`);
  };
  const sourced = (path: string, field: string, source: string, vendorId: string, tool: string | undefined) => {
    const vendor = vendors.get(vendorId);
    if (vendor && !onVendorsDomain(source, vendor, tool ? (toolsById.get(tool) ?? null) : null)) {
      errors.push(`${path}: ${field}.source is not the store's listing or a page of the vendor (${source})`);
    }
  };

  const storeOwner = new Map<string, string>();
  const extensions: Extension[] = [];
  for (const file of extensionFiles) {
    const extension = parseFile<Extension>(file, extensionSchema as unknown as z.ZodType<Extension>, errors);
    if (!extension) continue;
    extensions.push(extension);
    references(file.path, extension);
    for (const store of STORES) {
      const entry = extension.stores[store];
      if (!entry) continue;
      const field = `stores.${store}`;
      const owner = storeOwner.get(`${store}|${entry.id}`);
      if (owner) errors.push(`${file.path}: ${store} id "${entry.id}" is already owned by extension "${owner}"`);
      storeOwner.set(`${store}|${entry.id}`, extension.id);
      const url = new URL(entry.url);
      if (!STORE_HOSTS[store].includes(url.hostname)) {
        errors.push(`${file.path}: ${field}.url is not a listing of the ${store} store (${entry.url})`);
      } else if (store !== "firefox" && !url.pathname.split("/").includes(entry.id)) {
        errors.push(`${file.path}: ${field}.url does not name the id ${entry.id}`);
      }
      if (entry.source !== entry.url) sourced(file.path, field, entry.source, extension.vendor, extension.tool);
    }
    for (const [name, fact] of Object.entries(extension.facts ?? {})) {
      sourced(file.path, `facts.${name}`, fact.source, extension.vendor, extension.tool);
    }
  }

  const browsers: Browser[] = [];
  const markerOwner = new Map<string, string>();
  for (const file of browserFiles) {
    const browser = parseFile<Browser>(file, browserSchema as unknown as z.ZodType<Browser>, errors);
    if (!browser) continue;
    browsers.push(browser);
    references(file.path, browser);
    browser.markers?.forEach((marker, i) => {
      const key = `${marker.kind}|${marker.value}`;
      const owner = markerOwner.get(key);
      if (owner) errors.push(`${file.path}: marker ${marker.kind} "${marker.value}" is already browser "${owner}"'s`);
      markerOwner.set(key, browser.id);
      sourced(file.path, `markers.${i}`, marker.source, browser.vendor, browser.tool);
    });
    for (const [name, fact] of Object.entries(browser.facts ?? {})) {
      sourced(file.path, `facts.${name}`, fact.source, browser.vendor, browser.tool);
    }
  }
  return { extensions, browsers };
}

const CODE_HOSTS = new Set(["github.com", "gitlab.com"]);

/** Ids of the organization's own entries (added from the dashboard) start with this; catalog files may not. */
const ORGANIZATION_PREFIX = "org-";

/**
 * Whether a fact's source is the vendor's own page: its host is, or is under, the registrable
 * domain of the vendor's website, one of the vendor's listed domains or hosts, or a host of
 * the tool itself.
 */
function onVendorsDomain(source: string, vendor: Vendor, tool: Tool | null): boolean {
  let host: string;
  try {
    host = new URL(source).hostname;
  } catch {
    return false;
  }
  // A vendor whose website is a repository owns that account there, never the whole code host.
  const website = new URL(vendor.website);
  const account = CODE_HOSTS.has(website.hostname) ? (website.pathname.split("/")[1] ?? "") : "";
  const accounts = [...(vendor.repositories ?? []), ...(account ? [`${website.hostname}/${account}`] : [])];
  const owned = [
    account ? "" : (getDomain(website.hostname) ?? ""),
    ...(vendor.domains ?? []),
    ...(tool ? toolHostKinds(tool).map(([h]) => getDomain(h) ?? h) : []),
  ].filter((domain) => domain !== "");
  if (owned.some((domain) => host === domain || host.endsWith(`.${domain}`))) return true;
  // A repository page of the vendor's own account: github.com/<owner>/..., owner compared whole.
  const [, owner = ""] = new URL(source).pathname.split("/");
  return accounts.some((account) => account.toLowerCase() === `${host}/${owner}`.toLowerCase());
}

/** Validates the default policy against its schema and the catalog it refers to. */
export function validatePolicy(file: SourceFile, catalog: Catalog): { policy: Policy | null; errors: string[] } {
  const errors: string[] = [];
  const policy = parseFile<Policy>(file, policySchema as unknown as z.ZodType<Policy>, errors);
  if (!policy) return { policy: null, errors };
  const toolIds = new Set(
    [...catalog.tools, ...(catalog.extensions ?? []), ...(catalog.browsers ?? [])].map((entry) => entry.id),
  );
  const categoryIds = new Set(catalog.categories.map((c) => c.id));
  policy.rules.forEach((rule, i) => {
    for (const id of [...(rule.when.tools ?? []), ...(rule.alternatives ?? [])]) {
      if (!toolIds.has(id)) errors.push(`${file.path}: rules.${i} (${rule.id}) names unknown tool "${id}"`);
    }
    for (const id of rule.when.categories ?? []) {
      if (!categoryIds.has(id)) errors.push(`${file.path}: rules.${i} (${rule.id}) names unknown category "${id}"`);
    }
  });
  for (const issue of literacyIssues(policy.literacy, lessonCatalog(catalog))) errors.push(`${file.path}: ${issue}`);
  if (policy.literacy?.lessons.length) {
    errors.push(
      `${file.path}: literacy.lessons: lessons are files in lessons/ (one per lesson), not part of this file`,
    );
  }
  return { policy: errors.length ? null : policy, errors };
}
