import { addDays, dayOf } from "../../shared/day";
import { LIMITS } from "../../shared/limits";
import type { DeviceReviewRequestsResponse } from "../../shared/protocol";
import { catalog } from "../lib/catalog";
import { enrolledFor, tokenDigest } from "../lib/enrollment";
import type { ReviewRequestView } from "../lib/messages";
import { resolveSettings } from "../lib/settings";
import { local, type ReviewRequestRecord } from "../lib/state";
import { wire } from "../lib/wire";

/*
 * The reviews this device asked for from the blocked page, for the popup: remembered on the
 * device (the tool and the day), and where each stands asked of the server only when the popup
 * opens (a person's click, so rare), and only for the tools this device asked about.
 */
/** The most requests one question to the server names (the server's own limit). */
const ASK_AT_MOST = 50;

/** Remembers that this device asked for a review of `tool` today; asking again starts afresh. */
export async function rememberReviewRequest(tool: string, now = Date.now()): Promise<void> {
  const all = await local.reviewRequests.getValue();
  await local.reviewRequests.setValue({ ...all, [tool]: { day: dayOf(now) } });
}

/** The server's answer for `tools`, or null when there is no server to ask or it did not answer. */
async function askServer(tools: string[]): Promise<DeviceReviewRequestsResponse | null> {
  const [{ settings }, device] = await Promise.all([resolveSettings(), local.device.getValue()]);
  if (!settings.reporting || !enrolledFor(device, settings, await tokenDigest(settings.enrollmentToken))) return null;
  const query = tools.map((tool) => `tool=${encodeURIComponent(tool)}`).join("&");
  try {
    const response = await fetch(`${device.serverUrl}/api/v1/review-requests?${query}`, {
      headers: { Authorization: `Bearer ${device.deviceToken}` },
      cache: "no-store",
    });
    if (!response.ok) return null;
    const parsed = (await wire()).deviceReviewRequestsResponse.safeParse(await response.json());
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** This device's review requests within the retention window, newest first, with where each stands. */
export async function reviewRequests(now = Date.now()): Promise<ReviewRequestView[]> {
  const cutoff = addDays(dayOf(now), -LIMITS.retentionDays);
  const kept: Record<string, ReviewRequestRecord> = {};
  for (const [tool, record] of Object.entries(await local.reviewRequests.getValue())) {
    if (record.day >= cutoff) kept[tool] = record;
  }
  const newestFirst = Object.keys(kept).sort((a, b) => (kept[b]?.day ?? "").localeCompare(kept[a]?.day ?? ""));
  const due = newestFirst.slice(0, ASK_AT_MOST);
  const answer = due.length ? await askServer(due) : null;
  if (answer) {
    for (const tool of due) {
      const record = kept[tool] as ReviewRequestRecord;
      const known = answer.requests[tool];
      if (known) kept[tool] = { ...record, state: known.state, review: known.review };
    }
  }
  await local.reviewRequests.setValue(kept);
  const { toolsById } = catalog();
  return newestFirst.map((tool) => {
    const record = kept[tool] as ReviewRequestRecord;
    return {
      tool,
      name: toolsById.get(tool)?.name ?? tool,
      day: record.day,
      state: record.state ?? "waiting",
      review: record.review ?? null,
    };
  });
}
