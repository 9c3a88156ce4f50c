import { addDays, dayOf } from "../../shared/day";
import { LIMITS } from "../../shared/limits";
import { type EnrollResponse, type ErrorResponse, enrollResponse, errorResponse } from "../../shared/protocol";
import { compact, dropTools, markSent, nextBatch, pendingEntries, toReport } from "./counters";
import type { Settings } from "./settings";
import { read, serialized, write } from "./state";

export type FlushResult =
  | { ok: true; sentDays: number; sentCounters: number }
  | { ok: false; reason: string; retryAt?: number };

const MINUTE = 60_000;

/** Exponential backoff with full jitter: 1, 2, 4 … 60 minutes, each scaled by a random factor. */
export function backoffDelay(failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(60 * MINUTE, MINUTE * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling * (0.5 + random() / 2));
}

function browserName(): "chrome" | "edge" | "firefox" | "other" {
  const agent = navigator.userAgent;
  if (agent.includes("Firefox/")) return "firefox";
  if (agent.includes("Edg/")) return "edge";
  return agent.includes("Chrome/") ? "chrome" : "other";
}

type Device = Pick<EnrollResponse, "deviceId" | "deviceToken">;

let enrolling: Promise<Device> | null = null;

/**
 * The device's pseudonym for the configured server, enrolling first when there is none.
 * Concurrent callers share one enrollment, so a device never registers twice.
 */
export function ensureEnrolled(settings: Settings, version: string): Promise<Device> {
  enrolling ??= enroll(settings, version).finally(() => {
    enrolling = null;
  });
  return enrolling;
}

async function enroll(settings: Settings, version: string): Promise<Device> {
  const device = await read("device");
  if (device && device.serverUrl === settings.serverUrl) return device;
  if (!settings.enrollmentToken) throw new Error("no enrollment token is configured");
  const response = await fetch(`${settings.serverUrl}/api/v1/enroll`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      token: settings.enrollmentToken,
      ...(settings.group ? { group: settings.group } : {}),
      browser: browserName(),
      extensionVersion: version,
    }),
  });
  if (!response.ok)
    throw new Error(`enrollment refused (${response.status}): ${describe(await refusalOf(response), response)}`);
  const issued = enrollResponse.parse(await response.json());
  await write("device", { serverUrl: settings.serverUrl, deviceId: issued.deviceId, deviceToken: issued.deviceToken });
  return issued;
}

/** The server's structured refusal, or null when the body is not one. */
async function refusalOf(response: Response): Promise<ErrorResponse | null> {
  try {
    const parsed = errorResponse.safeParse(await response.json());
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The refusal in words, for the popup and the console. */
function describe(refusal: ErrorResponse | null, response: Response): string {
  if (!refusal) return response.statusText;
  const issues = refusal.issues?.length ? ` (${refusal.issues.join("; ")})` : "";
  return `${refusal.error}${issues}`;
}

/**
 * Sends every counter the server has not acknowledged. On success the acknowledged values are
 * recorded and days past the local keep window are dropped; on failure nothing is lost and the
 * next attempt is scheduled with backoff.
 */
export async function flush(settings: Settings, version: string, now = Date.now()): Promise<FlushResult> {
  if (!settings.serverUrl) return { ok: false, reason: "no server is configured" };
  if (!settings.reporting) return { ok: false, reason: "reporting is switched off by policy" };

  const batch = nextBatch(pendingEntries(await read("counters"), await read("sent")));
  if (batch.length === 0) return { ok: true, sentDays: 0, sentCounters: 0 };
  const report = toReport(batch);

  let failure: string;
  try {
    const device = await ensureEnrolled(settings, version);
    const response = await fetch(`${settings.serverUrl}/api/v1/reports`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${device.deviceToken}` },
      body: JSON.stringify(report),
    });
    if (response.ok) {
      await serialized(async () => {
        const today = dayOf(now);
        const kept = compact(
          await read("counters"),
          markSent(await read("sent"), batch),
          addDays(today, -LIMITS.extensionKeepDays),
          addDays(today, -LIMITS.retentionDays),
        );
        await write("counters", kept.counters);
        await write("sent", kept.sent);
        if (kept.expired > 0) {
          const notKept = await read("notKept");
          await write("notKept", { ...notKept, expired: notKept.expired + kept.expired });
        }
      });
      await write("lastReport", { at: now, report });
      await write("delivery", { failures: 0, lastError: null, lastAttemptAt: now, nextAttemptAt: null });
      return { ok: true, sentDays: new Set(batch.map((e) => e.day)).size, sentCounters: batch.length };
    }
    if (response.status === 401) await write("device", null);
    const refusal = await refusalOf(response);
    const text = describe(refusal, response);
    const unknown = new Set(refusal?.unknownTools ?? []);
    if (refusal?.code === "report_refused" && unknown.size > 0) {
      // The server's catalog lacks these tools: set their counts aside and send the rest now.
      await serialized(async () => {
        const { book, dropped } = dropTools(await read("counters"), unknown);
        await write("counters", book);
        const notKept = await read("notKept");
        await write("notKept", { ...notKept, unknownTools: notKept.unknownTools + dropped });
      });
      return flush(settings, version, now);
    }
    failure = `server answered ${response.status}: ${text}`;
  } catch (error) {
    failure = (error as Error).message || "server unreachable";
  }
  const delivery = await read("delivery");
  const failures = delivery.failures + 1;
  const retryAt = now + backoffDelay(failures);
  await write("delivery", { failures, lastError: failure, lastAttemptAt: now, nextAttemptAt: retryAt });
  return { ok: false, reason: failure, retryAt };
}
