import { describe, expect, it } from "vitest";
import {
  policyListResponse,
  policyPublishResponse,
  policyValidateResponse,
  policyVersionResponse,
} from "../../shared/admin";
import { policyResponse } from "../../shared/protocol";
import { admin, adminJson, call, countRows, enrollDevice, expectJson, query, VIEWER } from "./helpers";

/* Validating and publishing the acceptable-use policy from the dashboard. */

async function current() {
  return (await expectJson(await admin("/policy"), 200, policyListResponse)).current;
}

describe("POST /api/admin/policy/validate", () => {
  it("accepts the policy in force and names every problem by field otherwise", async () => {
    const policy = await current();
    expect(
      await expectJson(await adminJson("/policy/validate", "POST", { policy }), 200, policyValidateResponse),
    ).toEqual({ ok: true, issues: [] });
    const broken = {
      ...policy,
      name: "",
      rules: [
        { id: "a", when: { tools: ["chatgpt", "not-a-tool"] }, action: "block" },
        { id: "b", when: { categories: ["chat", "astrology"] }, action: "inform", alternatives: ["nope"] },
      ],
    };
    const schemaProblems = await expectJson(
      await adminJson("/policy/validate", "POST", { policy: broken }),
      200,
      policyValidateResponse,
    );
    expect(schemaProblems.ok).toBe(false);
    expect(schemaProblems.issues.join("\n")).toMatch(/^name: /m);

    const catalogProblems = await expectJson(
      await adminJson("/policy/validate", "POST", { policy: { ...broken, name: "ok" } }),
      200,
      policyValidateResponse,
    );
    expect(catalogProblems).toEqual({
      ok: false,
      issues: [
        'rules.0.when.tools.1: unknown tool "not-a-tool"',
        'rules.1.when.categories.1: unknown category "astrology"',
        'rules.1.alternatives.0: unknown tool "nope"',
      ],
    });
    const wrongAction = { ...policy, rules: [{ id: "x", when: {}, action: "explode" }] };
    const actionProblems = await expectJson(
      await adminJson("/policy/validate", "POST", { policy: wrongAction }),
      200,
      policyValidateResponse,
    );
    expect(actionProblems.issues.join("\n")).toMatch(/^rules\.0\.action: /m);
    expect((await adminJson("/policy/validate", "POST", { policy: "text" })).status).toBe(200);
    expect((await adminJson("/policy/validate", "POST", {})).status).toBe(400);
  });
});

describe("POST /api/admin/policy", () => {
  it("publishes as the next version, which devices then receive", async () => {
    const device = await enrollDevice();
    const headers = { Authorization: `Bearer ${device.deviceToken}` };
    const before = await call("/api/v1/policy", { headers });
    const etag = before.headers.get("etag") ?? "";
    const policy = await current();

    const published = await expectJson(
      await adminJson("/policy", "POST", { policy: { ...policy, version: 77, name: "Second edition" } }),
      201,
      policyPublishResponse,
    );
    expect(published).toMatchObject({ version: policy.version + 1, publishedBy: "local-admin" });
    expect(published.policy.version).toBe(policy.version + 1);

    const after = await call("/api/v1/policy", { headers: { ...headers, "If-None-Match": etag } });
    expect(after.status).toBe(200);
    expect(policyResponse.parse(await after.json()).policy).toMatchObject({
      version: policy.version + 1,
      name: "Second edition",
    });

    const list = await expectJson(await admin("/policy"), 200, policyListResponse);
    expect(list.versions.map((v) => v.version)).toEqual([policy.version + 1, policy.version]);
    const old = await expectJson(await admin(`/policy/${policy.version}`), 200, policyVersionResponse);
    expect(old.policy.name).toBe(policy.name);
    expect((await admin("/policy/999")).status).toBe(404);
    expect(await query("select action, target from audit_log where action = 'policy.publish'")).toEqual([
      { action: "policy.publish", target: `v${policy.version + 1}` },
    ]);
  });

  it("gives concurrent publications consecutive versions", async () => {
    const policy = await current();
    const results = await Promise.all(
      [1, 2, 3].map((i) => adminJson("/policy", "POST", { policy: { ...policy, name: `Concurrent ${i}` } })),
    );
    const versions = await Promise.all(results.map((r) => expectJson(r, 201, policyPublishResponse)));
    expect(versions.map((v) => v.version).sort()).toEqual([1, 2, 3].map((i) => policy.version + i));
  });

  it("refuses an invalid policy or a viewer, publishing nothing", async () => {
    const policy = await current();
    const versions = await countRows("policy_versions");
    const audits = await countRows("audit_log");
    const refused = await expectJson<{ error: string; issues: string[] }>(
      await adminJson("/policy", "POST", {
        policy: { ...policy, rules: [{ id: "r", when: { tools: ["nope"] }, action: "block" }] },
      }),
      400,
    );
    expect(refused.issues).toEqual(['rules.0.when.tools.0: unknown tool "nope"']);
    expect((await adminJson("/policy", "POST", { policy }, VIEWER)).status).toBe(403);
    expect(await countRows("policy_versions")).toBe(versions);
    expect(await countRows("audit_log")).toBe(audits);
  });
});
