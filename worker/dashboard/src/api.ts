/** The dashboard's client for the admin API. */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { ErrorCode, ErrorResponse } from "../../../shared/protocol";

const TOKEN_KEY = "shadowlight.adminToken";
/** Fired on every 401 so the shell can ask for a token, wherever the request came from. */
export const UNAUTHORIZED_EVENT = "shadowlight:unauthorized";

/** Takes a token handed over in the URL fragment (`#token=...`), then removes it from the URL. */
export function adoptTokenFromUrl(): void {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, "", location.pathname + location.search);
  }
}

export function setToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

/** Whether a local bearer token is in use (rather than a Cloudflare Access session). */
export function hasStoredToken(): boolean {
  return Boolean(sessionStorage.getItem(TOKEN_KEY));
}

/**
 * A refusal as the worker sends it (`errorResponse` in shared/protocol.ts): the status and the
 * stable `code` are what the dashboard acts on; `message` is the server's English, only shown.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: string[] = [],
    readonly code: ErrorCode | null = null,
  ) {
    super(message);
  }
}

/** Any failure as an ApiError, so every view shows one kind of problem. */
function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, String(error));
}

function authHeaders(init: RequestInit): Headers {
  const headers = new Headers(init.headers);
  const token = sessionStorage.getItem(TOKEN_KEY);
  // Behind Cloudflare Access no token is stored: the Access cookie authenticates instead.
  if (token) headers.set("Authorization", `Bearer ${token}`);
  if (init.body) headers.set("Content-Type", "application/json");
  return headers;
}

/** A fetch of `/api/admin{path}` that throws an ApiError carrying the server's message. */
export async function request(path: string, init: RequestInit = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(`/api/admin${path}`, { ...init, headers: authHeaders(init) });
  } catch (error) {
    throw new ApiError(0, `the server did not answer (${(error as Error).message})`);
  }
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`.trim();
    let issues: string[] = [];
    let code: ErrorCode | null = null;
    try {
      const body = (await response.json()) as Partial<Record<keyof ErrorResponse, unknown>>;
      if (typeof body.error === "string") message = body.error;
      if (typeof body.code === "string") code = body.code as ErrorCode;
      if (Array.isArray(body.issues)) issues = body.issues.map(String);
    } catch {
      // Not JSON: keep the status line.
    }
    if (response.status === 401) window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
    throw new ApiError(response.status, message, issues, code);
  }
  return response;
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  return (await (await request(path, init)).json()) as T;
}

/** A JSON body sent with POST, PUT or PATCH. */
export function send<T>(method: "POST" | "PUT" | "PATCH", path: string, body?: unknown): Promise<T> {
  return api<T>(path, { method, body: JSON.stringify(body ?? {}) });
}

/**
 * A change made from a view: `run` marks it busy, keeps the refusal to show next to the
 * control, and calls `onDone` after a success (typically the view's reload).
 */
export function useAction(onDone: () => void = () => {}) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const run = async <T>(action: () => Promise<T>, what = "action"): Promise<T | null> => {
    setBusy(what);
    setError(null);
    try {
      const result = await action();
      onDone();
      return result;
    } catch (caught) {
      setError(asApiError(caught));
      return null;
    } finally {
      setBusy(null);
    }
  };
  return { busy, error, run, clearError: () => setError(null) };
}

export type Resource<T> =
  | { kind: "loading" }
  | { kind: "error"; error: ApiError }
  | { kind: "ready"; data: T; refreshing: boolean };

/**
 * GETs a path and keeps its state; `reload` fetches again without blanking what is shown.
 * A late answer for a path no longer wanted is dropped.
 */
export function useResource<T>(path: string | null): [Resource<T>, () => void] {
  const [state, setState] = useState<Resource<T>>({ kind: "loading" });
  const [generation, setGeneration] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    if (path === null) return;
    const ticket = ++latest.current;
    setState((previous) => (previous.kind === "ready" ? { ...previous, refreshing: true } : { kind: "loading" }));
    api<T>(path).then(
      (data) => ticket === latest.current && setState({ kind: "ready", data, refreshing: false }),
      (error: unknown) => ticket === latest.current && setState({ kind: "error", error: asApiError(error) }),
    );
  }, [path, generation]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return [state, reload];
}

/** Downloads an authenticated API response as a file (links cannot carry the bearer token). */
export async function download(path: string, fallbackName: string): Promise<string> {
  const response = await request(path);
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
