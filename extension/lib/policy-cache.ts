import defaultPolicyJson from "../../policies/dist/default-policy.json";
import type { Policy } from "../../shared/policy/schema";
import type { PolicyResponse } from "../../shared/protocol";
import { type CacheOutcome, refreshCached } from "./server";
import { local } from "./state";
import { wire } from "./wire";

export const bundledPolicy: PolicyResponse = {
  policy: defaultPolicyJson as unknown as Policy,
  reviews: {},
  reporting: true,
};

/** The policy in force on this device: the last good one from the server, else the bundled default. */
export async function policyInForce(): Promise<{ response: PolicyResponse; source: "server" | "bundled" }> {
  const cached = await local.policy.getValue();
  return cached ? { response: cached.response, source: "server" } : { response: bundledPolicy, source: "bundled" };
}

/**
 * Fetches the published policy; only a valid new one replaces the last good policy.
 * `conditional: false` asks for the full answer (no If-None-Match): a revoked device asks so
 * whether it was re-admitted, and must see the answer itself, not a 304.
 */
export async function refreshPolicy(
  serverUrl: string,
  deviceToken: string,
  { conditional = true } = {},
): Promise<CacheOutcome> {
  return refreshCached({
    url: `${serverUrl}/api/v1/policy`,
    deviceToken,
    etag: conditional ? (await local.policy.getValue())?.etag : null,
    schema: (await wire()).policyResponse,
    store: (response, etag) => local.policy.setValue({ etag, response, fetchedAt: Date.now() }),
  });
}

/**
 * The server named the policy in force by its ETag (in its answer to a report): fetch the
 * policy at once when the one held here has another ETag. Returns whether a new one was taken.
 */
export async function followPolicy(serverUrl: string, deviceToken: string, etag: string): Promise<boolean> {
  if ((await local.policy.getValue())?.etag === etag) return false;
  return (await refreshPolicy(serverUrl, deviceToken)).changed;
}
