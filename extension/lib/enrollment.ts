import { rebase } from "./counters";
import { refusalFrom, ServerRefusal } from "./server";
import type { Settings } from "./settings";
import { type DeviceRecord, local, serialized } from "./state";
import { wire } from "./wire";

/*
 * The device's pseudonym. It is issued by the organization's server for an enrollment token
 * (and, at most, a group the server knows); the server decides the group. A new server, a
 * new token or a new group asked for in the settings means a new enrollment. A revoked device
 * never enrolls again with the token it was revoked under.
 */

function browserName(): "chrome" | "edge" | "firefox" | "other" {
  const agent = navigator.userAgent;
  if (agent.includes("Firefox/")) return "firefox";
  if (agent.includes("Edg/")) return "edge";
  return agent.includes("Chrome/") ? "chrome" : "other";
}

/** A digest of the enrollment token, to recognize it again without keeping a second copy. */
export async function tokenDigest(token: string): Promise<string> {
  const bytes = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Whether the device in storage was enrolled for these settings. */
export function enrolledFor(device: DeviceRecord | null, settings: Settings, digest: string): device is DeviceRecord {
  if (!device || device.serverUrl !== settings.serverUrl) return false;
  // Enrolled by an earlier version that did not record it: taken as enrolled for these settings.
  if (!device.enrolledWith) return true;
  return device.enrolledWith.tokenDigest === digest && device.enrolledWith.group === settings.group;
}

/** Whether the server revoked this device under the configured server and token. */
export async function revokedFor(settings: Settings): Promise<boolean> {
  const revoked = await local.revoked.getValue();
  return (
    revoked !== null &&
    revoked.serverUrl === settings.serverUrl &&
    revoked.tokenDigest === (await tokenDigest(settings.enrollmentToken))
  );
}

let enrolling: Promise<DeviceRecord> | null = null;

/**
 * The device's pseudonym for the configured server, enrolling first when there is none (or
 * the settings changed). Concurrent callers share one enrollment, so a device never registers
 * twice. Throws a `ServerRefusal` with the server's code when it cannot enroll.
 */
export function ensureEnrolled(settings: Settings, version: string, now = Date.now()): Promise<DeviceRecord> {
  enrolling ??= enroll(settings, version, now).finally(() => {
    enrolling = null;
  });
  return enrolling;
}

async function enroll(settings: Settings, version: string, now: number): Promise<DeviceRecord> {
  if (!settings.serverUrl) throw new ServerRefusal("no_server", "no server is configured");
  const digest = await tokenDigest(settings.enrollmentToken);
  const device = await local.device.getValue();
  if (await revokedFor(settings)) {
    throw new ServerRefusal("device_revoked", "this device was revoked by the organization's administrator");
  }
  if (enrolledFor(device, settings, digest)) {
    // Back to settings the device is enrolled for: an earlier refusal no longer applies.
    if (await local.enrollment.getValue()) await local.enrollment.setValue(null);
    if (!device.enrolledWith) {
      const adopted = { ...device, enrolledWith: { tokenDigest: digest, group: settings.group } };
      await local.device.setValue(adopted);
      return adopted;
    }
    return device;
  }
  if (!settings.enrollmentToken) throw new ServerRefusal("no_token", "no enrollment token is configured");
  const previous = await local.enrollment.getValue();
  if (previous?.retryAt && previous.retryAt > now) {
    throw new ServerRefusal(previous.code, "the server asked to wait before enrolling again", previous.retryAt);
  }
  let response: Response;
  try {
    response = await fetch(`${settings.serverUrl}/api/v1/enroll`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        token: settings.enrollmentToken,
        ...(settings.group ? { group: settings.group } : {}),
        browser: browserName(),
        extensionVersion: version,
      }),
    });
  } catch (error) {
    throw new ServerRefusal("unreachable", (error as Error).message || "server unreachable");
  }
  if (!response.ok) {
    const refusal = await refusalFrom(response, now);
    await local.enrollment.setValue({
      code: refusal.code,
      at: now,
      retryAt: refusal.retryAt,
      ...(refusal.code === "group_unknown" ? { group: settings.group } : {}),
    });
    throw refusal;
  }
  const parsed = (await wire()).enrollResponse.safeParse(await response.json().catch(() => null));
  if (!parsed.success) throw new ServerRefusal("invalid_response", "the enrollment response failed validation");
  const issued: DeviceRecord = {
    serverUrl: settings.serverUrl,
    deviceId: parsed.data.deviceId,
    deviceToken: parsed.data.deviceToken,
    group: parsed.data.group,
    enrolledWith: { tokenDigest: digest, group: settings.group },
  };
  await serialized(async () => {
    // Counts delivered under an earlier pseudonym stay there: the new one sends only the rest.
    const sent = await local.sent.getValue();
    if (Object.keys(sent).length > 0) {
      await local.counters.setValue(rebase(await local.counters.getValue(), sent));
      await local.sent.setValue({});
    }
    await local.device.setValue(issued);
    await local.enrollment.setValue(null);
    await local.revoked.setValue(null);
  });
  return issued;
}

/** The server said this device is revoked: remember it (with the token it applies to). */
export async function markRevoked(settings: Settings, now = Date.now()): Promise<void> {
  await local.revoked.setValue({
    at: now,
    serverUrl: settings.serverUrl,
    tokenDigest: await tokenDigest(settings.enrollmentToken),
  });
}

/** The server answers this device again (an admin re-admitted it): reporting resumes. */
export async function clearRevocation(): Promise<void> {
  if (await local.revoked.getValue()) await local.revoked.setValue(null);
}

/** The server no longer knows this device token: a new pseudonym is needed. */
export async function forgetDevice(): Promise<void> {
  await local.device.setValue(null);
}
