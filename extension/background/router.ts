import * as z from "zod";
import { slug } from "../../shared/catalog/schema";
import { ANSWER_EVENTS } from "../../shared/events";
import { GUARD_OUTCOMES, GUARD_SUBJECTS } from "../../shared/guard/outcomes";
import type { MessageType, Origin, Protocol, RequestOf, ResponseOf } from "../lib/messages";

/*
 * Message routing: every message to the background is checked against its one definition
 * (lib/messages.ts) before a handler sees it: the sender must be of the kind the message
 * allows, and the request must match its schema exactly. Anything else is refused.
 */

/** The sender of a message, as the browser describes it. */
export interface Sender {
  id?: string;
  url?: string;
  tab?: { id?: number };
  frameId?: number;
  documentId?: string;
}

const ticket = z.string().regex(/^[0-9a-f-]{36}$/, "must be a ticket the background issued");
const empty = z.strictObject({});

/** The schema of each request, typed from its definition so the two cannot drift apart. */
const REQUESTS: { [K in MessageType]: { from: Protocol[K]["from"]; request: z.ZodType<RequestOf<K>> } } = {
  "nudge:get": { from: "content", request: empty },
  "nudge:shown": { from: "content", request: z.strictObject({ ticket }) },
  "nudge:answer": {
    from: "content",
    request: z.strictObject({ ticket, answer: z.enum(ANSWER_EVENTS), reason: slug.optional() }),
  },
  "nudge:tampered": { from: "content", request: z.strictObject({ ticket }) },
  "guard:get": { from: "content", request: empty },
  "guard:outcome": {
    from: "content",
    request: z.strictObject({
      session: ticket,
      check: ticket,
      detectors: z.array(z.enum(GUARD_SUBJECTS)).min(1).max(GUARD_SUBJECTS.length),
      outcome: z.enum(GUARD_OUTCOMES),
    }),
  },
  "guard:engine": { from: "content", request: empty },
  "lesson:opened": { from: "content", request: z.strictObject({ ticket }) },
  "lesson:answer": {
    from: "content",
    request: z.strictObject({
      ticket,
      question: z.number().int().min(0).max(9),
      option: z.number().int().min(0).max(9),
    }),
  },
  "blocked:get": { from: "blocked", request: z.strictObject({ tool: slug }) },
  "blocked:event": {
    from: "blocked",
    request: z.strictObject({ tool: slug, event: z.enum(["blocked", "review_requested"]) }),
  },
  "status:get": { from: "extension", request: z.strictObject({ url: z.string().max(4096).optional() }) },
  "report:flush": { from: "extension", request: empty },
  "reviews:get": { from: "extension", request: empty },
  "browser:notice": { from: "extension", request: empty },
};

export type Handlers = {
  [K in MessageType]: (request: RequestOf<K>, sender: Sender) => Promise<ResponseOf<K>>;
};

export class RefusedMessage extends Error {}

function isMessageType(value: unknown): value is MessageType {
  return typeof value === "string" && Object.hasOwn(REQUESTS, value);
}

/** Whether a sender is of the kind a message allows. */
function senderIs(origin: Origin, sender: Sender, extension: { id: string; baseUrl: string }): boolean {
  if (sender.id !== extension.id) return false;
  const url = sender.url ?? "";
  switch (origin) {
    case "content":
      return sender.tab?.id !== undefined && sender.frameId === 0 && /^https?:/.test(url);
    case "blocked":
      return url.startsWith(`${extension.baseUrl}blocked.html`);
    case "extension":
      return url.startsWith(extension.baseUrl);
  }
}

/** The background's one message listener: validates, then calls the message's handler. */
export function createRouter(handlers: Handlers, extension: { id: string; baseUrl: string }) {
  return async function route(message: unknown, sender: Sender): Promise<unknown> {
    if (typeof message !== "object" || message === null) throw new RefusedMessage("a message must be an object");
    const { type, ...fields } = message as { type?: unknown };
    if (!isMessageType(type)) throw new RefusedMessage(`unknown message ${JSON.stringify(type)?.slice(0, 40)}`);
    const definition = REQUESTS[type];
    if (!senderIs(definition.from, sender, extension))
      throw new RefusedMessage(`${type} is not accepted from this sender`);
    const parsed = definition.request.safeParse(fields);
    if (!parsed.success) throw new RefusedMessage(`${type}: ${parsed.error.issues[0]?.message ?? "invalid request"}`);
    const handler = handlers[type] as (request: unknown, sender: Sender) => Promise<unknown>;
    return handler(parsed.data, sender);
  };
}
