import { describe, expect, it } from "vitest";
import { policyListResponse, policyPublishResponse } from "../../shared/admin";
import { reportResponse } from "../../shared/protocol";
import { admin, adminJson, call, counters, enrollDevice, expectJson, report, today } from "./helpers";

/*
 * Every accepted report names the policy in force (its version and the ETag GET /api/v1/policy
 * answers), so a device learns of a new policy, or a changed review, with its next report.
 */

async function policyEtag(deviceToken: string, ifNoneMatch?: string) {
  const headers: Record<string, string> = { Authorization: `Bearer ${deviceToken}` };
  if (ifNoneMatch) headers["If-None-Match"] = ifNoneMatch;
  const response = await call("/api/v1/policy", { headers });
  await response.body?.cancel();
  return { status: response.status, etag: response.headers.get("ETag") };
}

async function sent(deviceToken: string, n: number) {
  return expectJson(await report(deviceToken, counters(today(), [["chatgpt", "visit", n]])), 200, reportResponse);
}

describe("the policy in force, in every report's answer", () => {
  it("carries the ETag of GET /api/v1/policy, and a new one once a version is published", async () => {
    const { deviceToken } = await enrollDevice();
    const fetched = await policyEtag(deviceToken);
    expect(fetched.status).toBe(200);
    const first = await sent(deviceToken, 1);
    expect(first.policyVersion).toBe(1);
    expect(first.policyEtag).toBe(fetched.etag);
    // Unchanged: the device holds the policy the report names, a conditional fetch costs a 304.
    expect((await policyEtag(deviceToken, first.policyEtag)).status).toBe(304);

    const { current } = await expectJson(await admin("/policy"), 200, policyListResponse);
    const published = await expectJson(
      await adminJson("/policy", "POST", { policy: { ...current, name: "Second edition" } }),
      201,
      policyPublishResponse,
    );
    const second = await sent(deviceToken, 2);
    expect(second.policyVersion).toBe(published.version);
    expect(second.policyEtag).not.toBe(first.policyEtag);
    // The device's conditional fetch with its old ETag gets the new policy, under the ETag the report named.
    const refetched = await policyEtag(deviceToken, first.policyEtag);
    expect(refetched).toEqual({ status: 200, etag: second.policyEtag });
  });

  it("changes when a review changes what devices decide, without a new version", async () => {
    const { deviceToken } = await enrollDevice();
    const before = await sent(deviceToken, 1);
    const review = await adminJson("/tools/perplexity/review", "PUT", { status: "banned" });
    expect(review.status).toBe(200);
    const after = await sent(deviceToken, 2);
    expect(after.policyVersion).toBe(before.policyVersion);
    expect(after.policyEtag).not.toBe(before.policyEtag);
    expect((await policyEtag(deviceToken)).etag).toBe(after.policyEtag);
  });

  it("is not sent with a refused report", async () => {
    const { deviceToken } = await enrollDevice();
    const refused = await report(deviceToken, counters(today(), [["chatgpt", "visit", 1, 99]]));
    expect(refused.status).toBe(422);
    expect(JSON.stringify(await refused.json())).not.toContain("policyEtag");
  });
});
