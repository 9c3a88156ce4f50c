import { browser } from "wxt/browser";
import type { Decision } from "../../../shared/policy/evaluate";
import { catalog } from "../../lib/catalog";
import { decide, nudgeView } from "../../lib/decide";
import type { NudgeView } from "../../lib/messages";
import { policyInForce } from "../../lib/policy-cache";
import { local, update } from "../../lib/state";

/*
 * "Use the approved browser": when the extension runs in an AI browser and a policy rule (on
 * kind `browser`, its review status or its id) decides anything but `allow`, the extension
 * opens its browser notice page with the policy's message and alternatives, at most once per
 * cooldown (at least a day). A browser cannot block itself, so `block` shows the notice too.
 */

const DAY = 24 * 3_600_000;

/** Whether the notice is due again, given when it was last shown. */
export function noticeDue(decision: Decision, shownAt: number | undefined, now: number): boolean {
  if (decision.action === "allow") return false;
  const wait = Math.max(DAY, decision.cooldownHours * 3_600_000);
  return shownAt === undefined || now - shownAt >= wait;
}

/** The notice for the AI browser recognized today, or null (none, or the policy allows it). */
export async function browserNotice(): Promise<NudgeView | null> {
  const { browser: browserId } = await local.discovery.getValue();
  const entry = browserId ? catalog().toolsById.get(browserId) : undefined;
  if (entry?.kind !== "browser") return null;
  const { response } = await policyInForce();
  const decision = decide(response, entry);
  return decision.action === "allow" ? null : nudgeView(response, entry, decision);
}

/** Opens the notice page for a recognized AI browser when the policy asks for it and it is due. */
export async function noticeBrowser(browserId: string, now = Date.now()): Promise<boolean> {
  const entry = catalog().toolsById.get(browserId);
  if (!entry) return false;
  const decision = decide((await policyInForce()).response, entry);
  const memory = (await local.nudges.getValue())[browserId];
  if (!noticeDue(decision, memory?.shownAt, now)) return false;
  await update(local.nudges, (all) => ({ ...all, [browserId]: { ...all[browserId], shownAt: now } }));
  await browser.tabs.create({ url: browser.runtime.getURL("/browser-notice.html") });
  return true;
}
