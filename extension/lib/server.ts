import type * as z from "zod";
import type { ErrorResponse } from "../../shared/protocol";
import { wire } from "./wire";

/*
 * Talking to the organization's server: every refusal is read by its stable `code` (never by
 * its English text), and the last good copy of what the server publishes is kept with its
 * ETag so an unchanged resource costs a 304.
 */

/** Why a request did not succeed: the server's code, `unreachable`, or `http_<status>` for a body that is not one. */
export class ServerRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** When the server asked to be left alone until (429), or null. */
    readonly retryAt: number | null = null,
    readonly refusal: ErrorResponse | null = null,
  ) {
    super(message);
  }
}

/** The server's structured refusal, or null when the body is not one. */
async function refusalOf(response: Response): Promise<ErrorResponse | null> {
  try {
    const parsed = (await wire()).errorResponse.safeParse(await response.json());
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A refused response as a `ServerRefusal`, with the wait a 429 asks for. */
export async function refusalFrom(response: Response, now: number): Promise<ServerRefusal> {
  const refusal = await refusalOf(response);
  const code = refusal?.code ?? `http_${response.status}`;
  const issues = refusal?.issues?.length ? ` (${refusal.issues.join("; ")})` : "";
  const detail = `${response.status} ${refusal ? `${refusal.error}${issues}` : response.statusText}`.trim();
  let retryAt: number | null = null;
  if (response.status === 429) {
    const header = Number(response.headers.get("Retry-After"));
    const seconds = refusal?.retryAfter ?? (Number.isFinite(header) && header > 0 ? header : 60);
    retryAt = now + seconds * 1000;
  }
  return new ServerRefusal(code, detail, retryAt, refusal);
}

export type CacheOutcome =
  | { changed: boolean; status: number; code?: undefined }
  | { changed: false; status: number | "unreachable"; code: string; error: string };

/**
 * Fetches a resource the server publishes with If-None-Match. A 304 keeps the stored copy; an
 * error, an unreachable server or a body that fails validation never replaces it.
 */
export async function refreshCached<T>(options: {
  url: string;
  deviceToken: string;
  etag: string | null | undefined;
  schema: z.ZodType<T>;
  store(value: T, etag: string | null): Promise<void>;
}): Promise<CacheOutcome> {
  const headers: Record<string, string> = { Authorization: `Bearer ${options.deviceToken}` };
  if (options.etag) headers["If-None-Match"] = options.etag;
  let response: Response;
  try {
    response = await fetch(options.url, { headers, cache: "no-store" });
  } catch (error) {
    return { changed: false, status: "unreachable", code: "unreachable", error: (error as Error).message };
  }
  if (response.status === 304) return { changed: false, status: 304 };
  if (!response.ok) {
    const refusal = await refusalFrom(response, Date.now());
    return { changed: false, status: response.status, code: refusal.code, error: refusal.message };
  }
  let parsed: ReturnType<typeof options.schema.safeParse>;
  try {
    parsed = options.schema.safeParse(await response.json());
  } catch {
    return { changed: false, status: response.status, code: "invalid_response", error: "the response is not JSON" };
  }
  if (!parsed.success) {
    return {
      changed: false,
      status: response.status,
      code: "invalid_response",
      error: "the response failed validation",
    };
  }
  await options.store(parsed.data, response.headers.get("ETag"));
  return { changed: true, status: response.status };
}
