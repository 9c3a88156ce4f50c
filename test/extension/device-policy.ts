import { vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { reportingChanged } from "../../extension/background/counting";
import { bundledPolicy } from "../../extension/lib/policy-cache";
import { local } from "../../extension/lib/state";
import { type PolicyInput, policySchema } from "../../shared/policy/schema";

/** Puts `policy` in force on the (fake) device, as if the server had just delivered it. */
export async function usePolicy(policy: PolicyInput): Promise<void> {
  await local.policy.setValue({
    etag: null,
    response: { ...bundledPolicy, policy: policySchema.parse(policy) },
    fetchedAt: Date.now(),
  });
  reportingChanged();
}

/** A fresh fake device at noon UTC on 2026-11-20 (only Date is faked) with `policy` in force. */
export async function freshDevice(policy: PolicyInput): Promise<void> {
  fakeBrowser.reset();
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(new Date("2026-11-20T12:00:00Z"));
  await usePolicy(policy);
}
