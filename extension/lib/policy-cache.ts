import defaultPolicyJson from "../../policies/dist/default-policy.json";
import type { Policy } from "../../shared/policy/schema";
import { type PolicyResponse, policyResponse } from "../../shared/protocol";
import { read, write } from "./state";

export const bundledPolicy: PolicyResponse = {
  policy: defaultPolicyJson as unknown as Policy,
  reviews: {},
  reporting: true,
};

/** The policy in force on this device: the last good one from the server, else the bundled default. */
export async function policyInForce(): Promise<{ response: PolicyResponse; source: "server" | "bundled" }> {
  const cached = await read("policy");
  return cached ? { response: cached.response, source: "server" } : { response: bundledPolicy, source: "bundled" };
}

/**
 * Fetches the published policy with If-None-Match. A 304 keeps the cached copy; a response
 * that fails validation, an error status or an unreachable server never replaces the last
 * good policy.
 */
export async function refreshPolicy(
  serverUrl: string,
  deviceToken: string,
): Promise<{ changed: boolean; status: number | "unreachable"; error?: string }> {
  const cached = await read("policy");
  const headers: Record<string, string> = { Authorization: `Bearer ${deviceToken}` };
  if (cached?.etag) headers["If-None-Match"] = cached.etag;
  let response: Response;
  try {
    response = await fetch(`${serverUrl}/api/v1/policy`, { headers, cache: "no-store" });
  } catch (error) {
    return { changed: false, status: "unreachable", error: (error as Error).message };
  }
  if (response.status === 304) return { changed: false, status: 304 };
  if (!response.ok) return { changed: false, status: response.status };
  let parsed: ReturnType<typeof policyResponse.safeParse>;
  try {
    parsed = policyResponse.safeParse(await response.json());
  } catch {
    return { changed: false, status: response.status, error: "policy response is not JSON" };
  }
  if (!parsed.success) return { changed: false, status: response.status, error: "policy response failed validation" };
  await write("policy", { etag: response.headers.get("ETag"), response: parsed.data, fetchedAt: Date.now() });
  return { changed: true, status: response.status };
}
