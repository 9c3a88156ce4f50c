import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ErrorCode, ErrorResponse } from "../shared/protocol";

/**
 * Every refusal the worker sends: an HTTP status, a stable code clients act on, and English
 * for people. Extra fields (issues, refused counts, retryAfter) follow `errorResponse`.
 */
export function refuse(
  c: Context,
  status: ContentfulStatusCode,
  code: ErrorCode,
  error: string,
  extra: Omit<ErrorResponse, "error" | "code"> = {},
): Response {
  if (extra.retryAfter !== undefined) c.header("Retry-After", String(extra.retryAfter));
  return c.json({ error, code, ...extra } satisfies ErrorResponse, status);
}
