import { browser } from "wxt/browser";
import type { CompiledTool } from "../../shared/catalog/compile";
import { catalog } from "../lib/catalog";
import { pendingEntries, toReport } from "../lib/counters";
import { decide, nudgeView } from "../lib/decide";
import { enrolledFor, revokedFor, tokenDigest } from "../lib/enrollment";
import type { RequestOf, StatusView } from "../lib/messages";
import { policyInForce } from "../lib/policy-cache";
import { resolveSettings } from "../lib/settings";
import { local } from "../lib/state";

/** The tool of the active tab: a catalog page, or the blocked page standing in for one. */
function toolOf(url: string | undefined): CompiledTool | null {
  if (!url) return null;
  if (url.startsWith(browser.runtime.getURL("/blocked.html"))) {
    return catalog().toolsById.get(new URL(url).searchParams.get("tool") ?? "") ?? null;
  }
  return catalog().matcher.classify(url);
}

/** Everything the popup shows: this site's decision, the device's standing, and what is reported. */
export async function status(request: RequestOf<"status:get">): Promise<StatusView> {
  const [resolved, { response, source }, device, revoked, enrollment, counters, sent, lastReport, delivery, notKept] =
    await Promise.all([
      resolveSettings(),
      policyInForce(),
      local.device.getValue(),
      local.revoked.getValue(),
      local.enrollment.getValue(),
      local.counters.getValue(),
      local.sent.getValue(),
      local.lastReport.getValue(),
      local.delivery.getValue(),
      local.notKept.getValue(),
    ]);
  const { settings } = resolved;
  const tool = toolOf(request.url);
  const decision = tool ? decide(response, tool) : null;
  const pending = pendingEntries(counters, sent);
  // Enrolled for the settings in force: after a change of token or group, not until the server accepts it.
  const enrolled = enrolledFor(device, settings, await tokenDigest(settings.enrollmentToken));
  const isRevoked = revoked !== null && (await revokedFor(settings));
  return {
    tool: tool && decision ? nudgeView(response, tool, decision).tool : null,
    decision,
    policy: {
      version: response.policy.version,
      name: response.policy.name,
      url: response.policy.policyUrl ?? null,
      source,
    },
    settings: {
      serverUrl: settings.serverUrl,
      enrolled,
      group: enrolled ? (device?.group ?? null) : null,
      revokedAt: isRevoked ? revoked.at : null,
      enrollment,
      reporting: settings.reporting && response.reporting,
      managed: resolved.managed,
      problems: resolved.problems,
    },
    queued: toReport(pending),
    queuedCount: pending.length,
    notKept,
    lastReport,
    delivery,
  };
}
