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
