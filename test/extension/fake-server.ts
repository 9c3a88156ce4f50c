import { vi } from "vitest";
import type { ErrorCode, RefusedCount } from "../../shared/protocol";

/*
 * The organization's server as the extension's unit tests see it: `fetch` answered by a
 * function of the request, with every request recorded. Answers follow the wire protocol in
 * shared/protocol.ts (the worker's own tests hold the worker to it).
 */
export const SERVER = "https://shadowlight.example.com";

export interface Recorded {
  path: string;
  method: string;
  body: unknown;
  token: string | null;
}

export type Answer = (request: Recorded) => Response | Promise<Response>;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}

/** A structured refusal, as the worker sends it. */
export function refusal(
  status: number,
  code: ErrorCode,
  extra: { refused?: RefusedCount[]; unknownTools?: string[]; retryAfter?: number } = {},
): Response {
  const headers: Record<string, string> = extra.retryAfter ? { "Retry-After": String(extra.retryAfter) } : {};
  return json(status, { error: `refused: ${code}`, code, ...extra }, headers);
}

/** Enrollment that issues numbered pseudonyms in the group the server decides. */
export function enrollment(group: string | null = null): Answer {
  let issued = 0;
  return () => {
    issued++;
    return json(200, { deviceId: `device-${issued}`, deviceToken: `token-${issued}`, group });
  };
}

/** Replaces `fetch`: each request is recorded, then answered by the route for its path. */
export function serve(routes: Record<string, Answer>): Recorded[] {
  const requests: Recorded[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = new URL(String(input));
    const headers = new Headers(init?.headers);
    const recorded: Recorded = {
      path: url.pathname,
      method: init?.method ?? "GET",
      body: typeof init?.body === "string" ? JSON.parse(init.body) : null,
      token: headers.get("Authorization")?.replace(/^Bearer /, "") ?? null,
    };
    requests.push(recorded);
    const route = routes[url.pathname];
    if (!route) return refusal(404, "not_found");
    return route(recorded);
  });
  return requests;
}

/** Answers in turn; the last one repeats. */
export function inTurn(...answers: Answer[]): Answer {
  let next = 0;
  return (request) => {
    const answer = answers[Math.min(next++, answers.length - 1)];
    if (!answer) throw new Error("no answer given");
    return answer(request);
  };
}
