import { browser } from "wxt/browser";
import type { PolicyResponse } from "../../shared/protocol";
import { catalog, toolHosts } from "./catalog";
import { decide } from "./decide";

type Rule = Parameters<typeof browser.declarativeNetRequest.updateDynamicRules>[0] extends infer U
  ? U extends { addRules?: Array<infer R> }
    ? R
    : never
  : never;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The browser's own block rules for every tool the policy blocks: a main-frame request to
 * any of its hosts (or path rules, segment-exact; or query rules, one exact "name=value"
 * pair of the query) is redirected to the extension's blocked page before the tool's page
 * loads.
 */
export function blockRules(response: PolicyResponse): Rule[] {
  const rules: Rule[] = [];
  for (const tool of catalog().index.tools) {
    if (decide(response, tool).action !== "block") continue;
    const { hosts, paths, queries } = toolHosts(tool.id);
    const redirect = { type: "redirect" as const, redirect: { extensionPath: `/blocked.html?tool=${tool.id}` } };
    if (hosts.length) {
      rules.push({
        id: rules.length + 1,
        priority: 1,
        action: redirect,
        condition: { requestDomains: hosts, resourceTypes: ["main_frame" as const] },
      } as Rule);
    }
    for (const [host, prefix] of paths) {
      rules.push({
        id: rules.length + 1,
        priority: 2,
        action: redirect,
        condition: {
          regexFilter: `^https?://([^/?#]*\\.)?${escapeRegex(host)}${escapeRegex(prefix)}([/?#]|$)`,
          resourceTypes: ["main_frame" as const],
        },
      } as Rule);
    }
    for (const [host, path, param, value] of queries) {
      rules.push({
        id: rules.length + 1,
        priority: 3,
        action: redirect,
        condition: {
          regexFilter: queryRuleRegex(host, path, param, value),
          resourceTypes: ["main_frame" as const],
        },
      } as Rule);
    }
  }
  return rules;
}

/**
 * A query rule as a block-rule regex: the host or a subdomain, the path at a segment boundary,
 * then a query that has the pair as one whole "name=value" (never inside another pair or in
 * the fragment). Written the way pages write it; the matcher also decodes percent escapes.
 */
export function queryRuleRegex(host: string, path: string, param: string, value: string): string {
  return `^https?://([^/?#]*\\.)?${escapeRegex(host)}(:[0-9]+)?${escapeRegex(path)}/?\\?([^#]*&)?${escapeRegex(param)}=${escapeRegex(value)}(&|#|$)`;
}

export async function syncBlockRules(response: PolicyResponse): Promise<number> {
  const rules = blockRules(response);
  const existing = await browser.declarativeNetRequest.getDynamicRules();
  await browser.declarativeNetRequest.updateDynamicRules({
    removeRuleIds: existing.map((rule) => rule.id),
    addRules: rules,
  });
  return rules.length;
}
