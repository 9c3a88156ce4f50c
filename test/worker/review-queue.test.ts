import { describe, expect, it } from "vitest";
import { auditResponse, reviewQueueEntry, reviewQueueResponse } from "../../shared/admin";
import { addDays, weekStart } from "../../shared/day";
import { LIMITS } from "../../shared/limits";
import { deviceReviewRequestsResponse } from "../../shared/protocol";
import { admin, adminJson, call, counters, enrollDevice, expectJson, query, report, today, VIEWER } from "./helpers";

/* The review queue: people ask from the blocked page, the security team takes it up and decides. */

/** A device that was blocked on `tool` today and asked to have it reviewed. */
async function requester(tool: string, day = today()) {
  const device = await enrollDevice();
  const response = await report(
    device.deviceToken,
    counters(day, [
      [tool, "blocked", 1],
      [tool, "review_requested", 1],
    ]),
  );
  expect(response.status).toBe(200);
  return device;
}

async function queueEntry(tool: string) {
  const { requests } = await expectJson(await admin("/review-requests"), 200, reviewQueueResponse);
  return requests.find((entry) => entry.tool === tool);
}

function deviceView(deviceToken: string, ...tools: string[]) {
  const query = tools.map((tool) => `tool=${encodeURIComponent(tool)}`).join("&");
  return call(`/api/v1/review-requests?${query}`, { headers: { Authorization: `Bearer ${deviceToken}` } });
}

describe("the review queue", () => {
  it("lists a request of fewer than k devices without figures and with its days coarsened", async () => {
    const day = today();
    await requester("gamma", day);
    const entry = await queueEntry("gamma");
    expect(entry).toEqual({
      tool: "gamma",
      toolName: "Gamma",
      state: "open",
      reopened: false,
      owner: null,
      note: null,
      requests: null,
      devices: null,
      firstRequested: weekStart(day),
      lastRequested: weekStart(day),
      closedDay: null,
      review: null,
    });
    // A viewer reads the queue but cannot change it.
    expect((await admin("/review-requests", {}, VIEWER)).status).toBe(200);
    expect((await adminJson("/review-requests/gamma", "PUT", { state: "in_review" }, VIEWER)).status).toBe(403);
  });

  it("shows figures once k devices asked, and is taken up, noted and closed by a review, audited", async () => {
    const day = today();
    const fleet = [];
    for (let i = 0; i < LIMITS.kAnonymity; i++) fleet.push(await requester("tome", day));
    const [first] = fleet;
    if (!first) throw new Error("no device");
    expect(await queueEntry("tome")).toMatchObject({ state: "open", devices: 5, requests: 5, firstRequested: day });

    const taken = await expectJson(
      await adminJson("/review-requests/tome", "PUT", {
        state: "in_review",
        owner: "Security team",
        note: "DPA asked",
      }),
      200,
      reviewQueueEntry,
    );
    expect(taken).toMatchObject({ state: "in_review", owner: "Security team", note: "DPA asked" });
    expect(await queueEntry("tome")).toMatchObject({ state: "in_review", owner: "Security team" });

    // The requester sees its own request taken up; a device that never asked learns nothing.
    const mine = await expectJson(
      await deviceView(first.deviceToken, "tome", "gamma"),
      200,
      deviceReviewRequestsResponse,
    );
    expect(mine.requests).toEqual({ tome: { state: "in_review", review: null } });
    const bystander = await enrollDevice();
    const theirs = await expectJson(await deviceView(bystander.deviceToken, "tome"), 200, deviceReviewRequestsResponse);
    expect(theirs.requests).toEqual({});

    // Reviewing the tool answers the request: it closes with the review as its outcome.
    const review = await adminJson("/tools/tome/review", "PUT", {
      status: "approved_with_conditions",
      conditions: "No client data",
    });
    expect(review.status).toBe(200);
    expect(await queueEntry("tome")).toMatchObject({
      state: "closed",
      closedDay: day,
      owner: "Security team",
      review: { status: "approved_with_conditions" },
    });
    const decided = await expectJson(await deviceView(first.deviceToken, "tome"), 200, deviceReviewRequestsResponse);
    expect(decided.requests).toEqual({ tome: { state: "closed", review: "approved_with_conditions" } });

    const { entries } = await expectJson(await admin("/audit"), 200, auditResponse);
    const updates = entries.filter((entry) => entry.action === "review_request.update" && entry.target === "tome");
    expect(updates.map((entry) => (entry.detail as { after: { state: string } }).after.state)).toEqual([
      "closed",
      "in_review",
    ]);
  });

  it("opens again when someone asks after it was closed, and stays closed for those who asked before", async () => {
    const day = today();
    const early = await requester("beautiful-ai", day);
    expect(
      (await adminJson("/review-requests/beautiful-ai", "PUT", { state: "closed", note: "Not needed" })).status,
    ).toBe(200);
    // Closed the day before: today's request came after it.
    await query("UPDATE review_requests SET closed_day = ?1 WHERE tool = 'beautiful-ai'", addDays(day, -1));
    const late = await requester("beautiful-ai", day);
    expect(await queueEntry("beautiful-ai")).toMatchObject({ state: "open", reopened: true, note: "Not needed" });
    const seen = await expectJson(
      await deviceView(late.deviceToken, "beautiful-ai"),
      200,
      deviceReviewRequestsResponse,
    );
    expect(seen.requests["beautiful-ai"]?.state).toBe("open");
    await query("UPDATE review_requests SET closed_day = ?1 WHERE tool = 'beautiful-ai'", day);
    const before = await expectJson(
      await deviceView(early.deviceToken, "beautiful-ai"),
      200,
      deviceReviewRequestsResponse,
    );
    expect(before.requests["beautiful-ai"]?.state).toBe("closed");
  });

  it("refuses bad input and changes nothing", async () => {
    await requester("gamma");
    const rows = async () => JSON.stringify(await query("SELECT * FROM review_requests ORDER BY tool"));
    const audits = async () => (await query("SELECT count(*) AS n FROM audit_log"))[0];
    const [rowsBefore, auditsBefore] = [await rows(), await audits()];
    for (const [path, body, status] of [
      ["/review-requests/never-asked", { state: "in_review" }, 404],
      ["/review-requests/gamma", { state: "approved" }, 400],
      ["/review-requests/gamma", { state: "closed", owner: "x".repeat(121) }, 400],
      ["/review-requests/gamma", { state: "closed", extra: true }, 400],
      ["/review-requests/gamma", "not json", 400],
    ] as const) {
      const response = await adminJson(path, "PUT", body);
      expect(response.status, `${path} ${JSON.stringify(body)}`).toBe(status);
      expect(((await response.json()) as { code: string }).code).toMatch(/^(not_found|invalid_request)$/);
    }
    expect(await rows()).toBe(rowsBefore);
    expect(await audits()).toEqual(auditsBefore);

    const device = await enrollDevice();
    expect((await call("/api/v1/review-requests?tool=gamma")).status).toBe(401);
    expect((await deviceView(device.deviceToken)).status).toBe(400);
    expect((await deviceView(device.deviceToken, "Not A Slug")).status).toBe(400);
    const many = Array.from({ length: 51 }, (_, i) => `tool-${i}`);
    expect((await deviceView(device.deviceToken, ...many)).status).toBe(400);
  });
});
