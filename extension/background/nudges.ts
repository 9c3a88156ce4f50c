import { dayOf } from "../../shared/day";
import { type Decision, nudgeDue } from "../../shared/policy/evaluate";
import type { PolicyAction } from "../../shared/policy/schema";
import { catalogReady } from "../lib/catalog";
import { eventCount } from "../lib/counters";
import { decide, nudgeView } from "../lib/decide";
import type { NudgeAnswer, RequestOf, ServedNudge } from "../lib/messages";
import { policyInForce } from "../lib/policy-cache";
import { local, type NudgeTicket, session, update } from "../lib/state";
import { countOn } from "./counting";
import { lessonPlanFor } from "./lessons";

/*
 * Nudge decisions and their answers. The background decides whether a page gets a nudge and,
 * when it does, serves it with a ticket bound to that tab and document. The page's answer
 * counts only against a ticket the background served there, once, and only an answer the
 * nudge offered; it counts on the day and policy version the nudge was shown under, so
 * midnight or a new policy between showing and answering cannot make a report implausible.
 */

/** The sender of a content-script message, as the browser describes it. */
export interface TabSender {
  url?: string;
  tab?: { id?: number };
  frameId?: number;
  documentId?: string;
}

/** The answers each kind of nudge offers. */
const ANSWERS: Record<PolicyAction, readonly NudgeAnswer[]> = {
  allow: [],
  block: [],
  inform: ["dismissed"],
  acknowledge: ["acknowledged", "left"],
  justify: ["justified", "left"],
  redirect: ["redirected", "dismissed"],
};

/** What a nudge says, as far as its cooldown is concerned: the action, the rule and its message. */
function decisionKey(decision: Decision): string {
  return JSON.stringify([decision.action, decision.ruleId, decision.message, decision.alternatives]);
}

/** Where a nudge is shown: a tab's top frame, and the document in it. */
export interface Place {
  tabId: number;
  document: string;
}

/** The sender's tab and document, when it is a tab's top frame. */
export function place(sender: TabSender): Place | null {
  const tabId = sender.tab?.id;
  if (tabId === undefined || sender.frameId !== 0) return null;
  // Firefox names no document: the top frame of the tab stands for it.
  return { tabId, document: sender.documentId ?? `tab-${tabId}` };
}

/**
 * Decides whether a page gets a nudge, and serves it with a fresh ticket. `served` is known
 * as soon as the decision is; `recorded` once the ticket and the tab's decision are in
 * storage. The record is queued before `served` resolves, so an answer to the nudge (which
 * is queued after it) always finds its ticket.
 */
export async function decideNudge(
  where: Place,
  url: string,
  now = Date.now(),
): Promise<{ served: ServedNudge | null; recorded: Promise<unknown> }> {
  // Read together: after a service-worker start each is a read of storage.
  const [inForce, { response }, memory, lessonMemory] = await Promise.all([
    catalogReady(),
    policyInForce(),
    local.nudges.getValue(),
    local.lessons.getValue(),
  ]);
  const tool = inForce.matcher.classify(url);
  if (!tool) return { served: null, recorded: Promise.resolve() };
  const decision = decide(response, tool);
  const remembered = memory[tool.id];
  // A decision that changed (a new policy version that says something else of this tool) is
  // shown at once: the earlier nudge's cooldown was for what it said.
  const changed = remembered?.decision !== undefined && remembered.decision !== decisionKey(decision);
  const lesson = lessonPlanFor(response.policy, decision, tool, lessonMemory, now);
  // An allowed tool gets no nudge, only the lesson when the policy requires it there.
  const due =
    nudgeDue(decision, changed ? undefined : remembered, now) ||
    (decision.action === "allow" && lesson?.view.required === true);
  const ticket: NudgeTicket | null = due
    ? {
        id: crypto.randomUUID(),
        tool: tool.id,
        ...where,
        action: decision.action,
        decision: decisionKey(decision),
        day: dayOf(now),
        policyVersion: decision.policyVersion,
        reasons: response.policy.reasons.map((reason) => reason.id),
        servedAt: now,
        shown: false,
        answered: false,
        tampered: false,
        ...(lesson ? { lesson: lesson.ticket } : {}),
      }
    : null;
  const recorded = Promise.all([
    update(session.tickets, (tickets) => {
      // One nudge per tab: a new page (or a new decision) replaces the tab's earlier ticket.
      const kept = Object.fromEntries(Object.entries(tickets).filter(([, t]) => t.tabId !== where.tabId));
      return ticket ? { ...kept, [ticket.id]: ticket } : kept;
    }),
    update(session.decisions, (decisions) => ({
      ...decisions,
      [where.tabId]: { tool: tool.id, ticket: ticket?.id ?? null, at: now },
    })),
  ]);
  if (!ticket) return { served: null, recorded };
  const view = nudgeView(response, tool, decision);
  return { served: { ticket: ticket.id, view: lesson ? { ...view, lesson: lesson.view } : view }, recorded };
}

/**
 * Changes the sender's ticket if it is one the background served to this tab and document
 * and `accept` allows the change; returns the ticket as changed, or null.
 */
export async function claim(
  id: string,
  sender: TabSender,
  accept: (ticket: NudgeTicket) => boolean,
  change: Partial<NudgeTicket> | ((ticket: NudgeTicket) => Partial<NudgeTicket>),
): Promise<NudgeTicket | null> {
  const where = place(sender);
  if (!where) return null;
  let claimed: NudgeTicket | null = null;
  await update(session.tickets, (tickets) => {
    const ticket = tickets[id];
    if (!ticket || ticket.tabId !== where.tabId || ticket.document !== where.document || !accept(ticket)) {
      return tickets;
    }
    const changed: NudgeTicket = { ...ticket, ...(typeof change === "function" ? change(ticket) : change) };
    claimed = changed;
    return { ...tickets, [id]: changed };
  });
  return claimed;
}

/** The nudge is on screen: counted once per ticket. */
export async function nudgeShown(
  request: RequestOf<"nudge:shown">,
  sender: TabSender,
  now = Date.now(),
): Promise<boolean> {
  const ticket = await claim(request.ticket, sender, (t) => !t.shown, { shown: true });
  if (!ticket) return false;
  await update(local.nudges, (memory) => ({
    ...memory,
    [ticket.tool]: { ...memory[ticket.tool], shownAt: now, decision: ticket.decision },
  }));
  // A lesson shown on its own for an allowed tool is no nudge of the policy: only the lesson counts.
  if (ticket.action !== "allow")
    await countOn(ticket.day, eventCount(ticket.tool, "nudge_shown", ticket.policyVersion));
  return true;
}

/** A person answered the nudge: counted once per ticket, and only with an answer it offered. */
export async function nudgeAnswered(
  request: RequestOf<"nudge:answer">,
  sender: TabSender,
  now = Date.now(),
): Promise<boolean> {
  const { answer, reason } = request;
  const ticket = await claim(
    request.ticket,
    sender,
    (t) =>
      t.shown &&
      !t.answered &&
      ANSWERS[t.action].includes(answer) &&
      // A required lesson holds back every answer but leaving until it is completed.
      (answer === "left" || !t.lesson?.required || t.lesson.completed) &&
      // Only a reason from the policy's own list is kept: no free text leaves the device.
      (answer === "justified" ? reason !== undefined && t.reasons.includes(reason) : reason === undefined),
    { answered: true },
  );
  if (!ticket) return false;
  if (answer === "acknowledged" || answer === "justified") {
    await update(local.nudges, (memory) => ({
      ...memory,
      [ticket.tool]: { ...memory[ticket.tool], answeredVersion: ticket.policyVersion, answeredAt: now },
    }));
  }
  await countOn(ticket.day, eventCount(ticket.tool, answer, ticket.policyVersion));
  if (answer === "justified" && reason) {
    await countOn(ticket.day, {
      kind: "justification",
      tool: ticket.tool,
      reason,
      policyVersion: ticket.policyVersion,
    });
  }
  return true;
}

/** The page removed or hid the nudge: counted once per ticket, never as an answer. */
export async function nudgeTampered(request: RequestOf<"nudge:tampered">, sender: TabSender): Promise<boolean> {
  const ticket = await claim(request.ticket, sender, (t) => !t.tampered && !t.answered, { tampered: true });
  if (!ticket) return false;
  await countOn(ticket.day, eventCount(ticket.tool, "nudge_tampered", ticket.policyVersion));
  return true;
}

/** A closed tab's nudge and decision are forgotten. */
export async function forgetTab(tabId: number): Promise<void> {
  await update(session.tickets, (tickets) =>
    Object.fromEntries(Object.entries(tickets).filter(([, t]) => t.tabId !== tabId)),
  );
  await update(session.decisions, (decisions) => {
    const { [tabId]: _closed, ...rest } = decisions;
    return rest;
  });
}
