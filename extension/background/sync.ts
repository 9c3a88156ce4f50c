import { browser } from "wxt/browser";
import { refreshCatalog } from "../lib/catalog-cache";
import { clearRevocation, ensureEnrolled, forgetDevice, markRevoked, revokedFor } from "../lib/enrollment";
import { followPolicy, policyInForce, refreshPolicy } from "../lib/policy-cache";
import { type FlushResult, flush } from "../lib/reporter";
import { resolveSettings } from "../lib/settings";
import { type DeviceRecord, local } from "../lib/state";
import { scheduleRetry } from "./alarms";
import { syncBlockRules } from "./blocking";
import { reportingChanged } from "./counting";

/*
 * Synchronization with the organization's server: enroll, fetch the policy and the catalog,
 * apply the block rules, send what is pending. On the periodic alarm, on start-up, when the
 * settings change, and on "Send now".
 */

const version = () => browser.runtime.getManifest().version;

/** Sends what is pending now; a failure that time can fix schedules the next attempt. */
export async function flushNow(): Promise<FlushResult> {
  const { settings } = await resolveSettings();
  const result = await flush(settings, version());
  if (result.ok && result.policyEtag) await followServerPolicy(settings.serverUrl, result.policyEtag);
  if (!result.ok && result.retryAt) await scheduleRetry(result.retryAt);
  if (!result.ok && result.code === "device_revoked") reportingChanged();
  return result;
}

/** A new policy named by the server's answer to a report takes effect now, block rules included. */
async function followServerPolicy(serverUrl: string, etag: string): Promise<void> {
  const device = await local.device.getValue();
  if (!device || device.serverUrl !== serverUrl) return;
  if (!(await followPolicy(serverUrl, device.deviceToken, etag))) return;
  reportingChanged();
  await syncBlockRules((await policyInForce()).response).catch((error: Error) =>
    console.error("Shadowlight: block rules not applied:", error.message),
  );
}

/** The device to ask the server with: a revoked one only asks whether it was re-admitted. */
async function deviceFor(): Promise<DeviceRecord | null> {
  const { settings } = await resolveSettings();
  if (!settings.serverUrl || !settings.enrollmentToken) return null;
  if (await revokedFor(settings)) return local.device.getValue();
  return ensureEnrolled(settings, version()).catch((error: Error) => {
    console.warn("Shadowlight: could not enroll:", error.message);
    return null;
  });
}

/** Enrolls, refreshes the policy, the catalog and the block rules, then sends what is pending. */
export async function synchronize(): Promise<FlushResult> {
  const { settings } = await resolveSettings();
  const device = await deviceFor();
  if (device && device.serverUrl === settings.serverUrl) {
    const revoked = await revokedFor(settings);
    const policy = await refreshPolicy(settings.serverUrl, device.deviceToken, { conditional: !revoked });
    if (policy.code === "device_revoked") await markRevoked(settings);
    else if (policy.code === "device_unknown") await forgetDevice();
    // The server answers this device again: an admin re-admitted it.
    else if (policy.code === undefined) await clearRevocation();
    if (policy.code === "unreachable") console.warn("Shadowlight: could not reach the server:", policy.error);
    if (!(await revokedFor(settings))) await refreshCatalog(settings.serverUrl, device.deviceToken);
    reportingChanged();
  }
  await syncBlockRules((await policyInForce()).response).catch((error: Error) =>
    console.error("Shadowlight: block rules not applied:", error.message),
  );
  return flushNow();
}
