import { browser } from "wxt/browser";
import type { PolicyResponse } from "../../shared/protocol";
import { catalog, toolHosts } from "../lib/catalog";
import { decide, nudgeView } from "../lib/decide";
import type { NudgeView, RequestOf } from "../lib/messages";
import { policyInForce } from "../lib/policy-cache";
import { countNow } from "./counting";
import { rememberReviewRequest } from "./review-requests";

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
function queryRuleRegex(host: string, path: string, param: string, value: string): string {
  return `^https?://([^/?#]*\\.)?${escapeRegex(host)}(:[0-9]+)?${escapeRegex(path)}/?\\?([^#]*&)?${escapeRegex(param)}=${escapeRegex(value)}(&|#|$)`;
}

let applying: Promise<unknown> = Promise.resolve();

/**
 * Replaces the browser's block rules with the policy's. One replacement at a time: two
 * synchronizations at once would otherwise both add rules under the same ids.
 */
export function syncBlockRules(response: PolicyResponse): Promise<number> {
  const replace = async () => {
    const rules = blockRules(response);
    const existing = await browser.declarativeNetRequest.getDynamicRules();
    await browser.declarativeNetRequest.updateDynamicRules({
      removeRuleIds: existing.map((rule) => rule.id),
      addRules: rules,
    });
    return rules.length;
  };
  const run = applying.then(replace, replace);
  applying = run.catch(() => undefined);
  return run;
}

/** What the blocked page shows for a tool: the same view as a nudge. */
export async function blockedView(request: RequestOf<"blocked:get">): Promise<NudgeView | null> {
  const tool = catalog().toolsById.get(request.tool);
  if (!tool) return null;
  const { response } = await policyInForce();
  return nudgeView(response, tool, decide(response, tool));
}

/** The blocked page was shown, or the person asked for a review. */
export async function blockedEvent(request: RequestOf<"blocked:event">): Promise<boolean> {
  if (!catalog().toolsById.has(request.tool)) return false;
  await countNow(request.tool, request.event);
  if (request.event === "review_requested") await rememberReviewRequest(request.tool);
  return true;
}
