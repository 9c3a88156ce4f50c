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
 * any of its hosts (or path rules, segment-exact) is redirected to the extension's blocked
 * page before the tool's page loads.
 */
export function blockRules(response: PolicyResponse): Rule[] {
  const rules: Rule[] = [];
  for (const tool of catalog().index.tools) {
    if (decide(response, tool).action !== "block") continue;
    const { hosts, paths } = toolHosts(tool.id);
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
  }
  return rules;
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
