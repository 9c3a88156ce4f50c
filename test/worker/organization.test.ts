import { describe, expect, it } from "vitest";
import {
  candidatesResponse,
  inventoryResponse,
  organizationEntriesResponse,
  organizationEntryView,
  promoteResponse,
} from "../../shared/admin";
import { errorResponse, policyResponse } from "../../shared/protocol";
import { admin, adminJson, call, countRows, enrollDevice, expectJson, query, report, today, VIEWER } from "./helpers";

const INTERNAL = {
  id: "org-contoso-assistant",
  name: "Contoso Assistant",
  vendor: "Contoso IT",
  category: "chat",
  description: "The company's own chat assistant on Azure OpenAI.",
  hosts: ["assistant.contoso-internal.com"],
  apiHosts: ["contoso.openai.azure.com"],
};

async function devicePolicy(deviceToken: string) {
  return expectJson(
    await call("/api/v1/policy", { headers: { Authorization: `Bearer ${deviceToken}` } }),
    200,
    policyResponse,
  );
}

describe("the organization's own catalog entries", () => {
  it("are added from the admin API, audited, listed, delivered with the policy and counted like tools", async () => {
    const device = await enrollDevice();
    expect((await devicePolicy(device.deviceToken)).organization).toBeUndefined();
    const auditsBefore = await countRows("audit_log");
    const saved = await expectJson(
      await adminJson(`/organization/${INTERNAL.id}`, "PUT", INTERNAL),
      200,
      organizationEntryView,
    );
    expect(saved).toMatchObject({ kind: "web", createdBy: "local-admin" });
    expect(await countRows("audit_log")).toBe(auditsBefore + 1);
    const audit = await query<{ action: string; target: string }>(
      "select action, target from audit_log order by id desc limit 1",
    );
    expect(audit[0]).toEqual({ action: "organization.add", target: INTERNAL.id });
    const { entries } = await expectJson(await admin("/organization"), 200, organizationEntriesResponse);
    expect(entries.map((entry) => entry.entry.id)).toContain(INTERNAL.id);

    // Devices receive it with the policy, and their counts for it are accepted.
    const policy = await devicePolicy(device.deviceToken);
    expect(policy.organization?.find((entry) => entry.id === INTERNAL.id)).toMatchObject({
      hosts: INTERNAL.hosts,
      apiHosts: INTERNAL.apiHosts,
    });
    const body = {
      days: [{ day: today(), counters: [{ tool: INTERNAL.id, event: "visit", policyVersion: 1, n: 2 }] }],
    };
    expect((await report(device.deviceToken, body)).status).toBe(200);
    const { tools } = await expectJson(await admin("/inventory"), 200, inventoryResponse);
    expect(tools.find((tool) => tool.id === INTERNAL.id)).toMatchObject({ name: "Contoso Assistant", kind: "web" });
    expect((await admin(`/tools/${INTERNAL.id}`)).status).toBe(200);

    // A policy rule may name it; then it cannot be removed until the policy stops naming it.
    const current = (await (await admin("/policy")).json()) as { current: { rules: unknown[] } };
    const rule = { id: "contoso-assistant", when: { tools: [INTERNAL.id] }, action: "allow" };
    const published = await adminJson("/policy", "POST", {
      policy: { ...current.current, rules: [rule, ...current.current.rules] },
    });
    expect(published.status).toBe(201);
    const refused = await expectJson(
      await admin(`/organization/${INTERNAL.id}`, { method: "DELETE" }),
      409,
      errorResponse,
    );
    expect(refused.error).toMatch(/contoso-assistant/);
    await adminJson("/policy", "POST", { policy: current.current });
    expect((await admin(`/organization/${INTERNAL.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await devicePolicy(device.deviceToken)).organization ?? []).not.toContainEqual(
      expect.objectContaining({ id: INTERNAL.id }),
    );
  });

  it("refuses what the catalog build would refuse, and a viewer, changing nothing", async () => {
    const before = await countRows("organization_entries");
    const put = (body: unknown, id = (body as { id?: string }).id ?? "org-x", token?: string) =>
      adminJson(`/organization/${id}`, "PUT", body, token);
    const cases: Array<[unknown, number, RegExp]> = [
      [{ ...INTERNAL, id: "contoso" }, 400, /id: must be "org-"/],
      [{ ...INTERNAL, hosts: ["Assistant.Contoso.com"] }, 400, /hosts\.0: must be a canonical hostname/],
      [{ ...INTERNAL, hosts: ["b.com", "a.com"] }, 400, /hosts: must be sorted and unique/],
      [{ ...INTERNAL, extensions: { chrome: ["a".repeat(32)] } }, 400, /either hosts and paths or extensions/],
      [{ ...INTERNAL, hosts: [], apiHosts: [] }, 400, /needs a host, a path or an extension id/],
      [{ ...INTERNAL, hosts: ["chatgpt.com"] }, 422, /host "chatgpt\.com" is already "chatgpt"'s/],
      [{ ...INTERNAL, category: "nonsense" }, 422, /category "nonsense" is not in the catalog/],
      [{ ...INTERNAL, extends: "no-such-tool" }, 422, /extends "no-such-tool"/],
      [
        { ...INTERNAL, hosts: [], apiHosts: [], extensions: { chrome: ["jfgfiigpkhlkbnfnbobbkinehhfdhndo"] } },
        422,
        /already "page-assist"'s/,
      ],
      [
        { ...INTERNAL, paths: [{ host: "claude.ai", prefix: "/contoso" }] },
        422,
        /path host "claude\.ai" is a whole entry/,
      ],
      [{ ...INTERNAL, script: "<x>" }, 400, /Unrecognized key/],
    ];
    for (const [body, status, message] of cases) {
      const error = await expectJson(await put(body), status, errorResponse);
      expect([error.error, ...(error.issues ?? [])].join(" "), JSON.stringify(body)).toMatch(message);
    }
    expect((await put(INTERNAL, "org-other")).status).toBe(400);
    expect((await put(INTERNAL, INTERNAL.id, VIEWER)).status).toBe(403);
    expect(await countRows("organization_entries")).toBe(before);
  });

  it("extends a catalogued tool with the organization's own host", async () => {
    const device = await enrollDevice();
    const tenant = {
      id: "org-chatgpt-tenant",
      name: "ChatGPT Enterprise (Contoso)",
      vendor: "OpenAI",
      category: "chat",
      extends: "chatgpt",
      hosts: ["chatgpt.contoso-tenant.com"],
    };
    expect((await adminJson(`/organization/${tenant.id}`, "PUT", tenant)).status).toBe(200);
    const { entries } = await expectJson(await admin("/organization"), 200, organizationEntriesResponse);
    expect(entries.find((entry) => entry.entry.id === tenant.id)?.kind).toBe("web");
    expect((await devicePolicy(device.deviceToken)).organization?.map((entry) => entry.id)).toContain(tenant.id);
  });

  it("promotes a candidate domain to an organization entry in one call", async () => {
    const device = await enrollDevice();
    const domain = "brand-new-ai-helper.com";
    expect((await report(device.deviceToken, { days: [], candidates: [{ day: today(), domain, n: 4 }] })).status).toBe(
      200,
    );
    expect((await adminJson("/candidates/never-reported.com/promote", "POST", {})).status).toBe(404);
    const promoted = await expectJson(
      await adminJson(`/candidates/${domain}/promote`, "POST", { name: "Brand New AI Helper", category: "writing" }),
      201,
      promoteResponse,
    );
    expect(promoted.entry.entry).toMatchObject({
      id: "org-brand-new-ai-helper-com",
      hosts: [domain],
      category: "writing",
      name: "Brand New AI Helper",
    });
    const { candidates } = await expectJson(await admin("/candidates"), 200, candidatesResponse);
    expect(candidates.find((candidate) => candidate.domain === domain)?.state).toBe("added");
    const actions = await query<{ action: string; target: string }>(
      "select action, target from audit_log order by id desc limit 2",
    );
    expect(actions.map((row) => row.action).sort()).toEqual(["candidate.triage", "organization.add"]);
    // The device now reports visits to it as the new entry.
    const visit = {
      days: [{ day: today(), counters: [{ tool: promoted.entry.entry.id, event: "visit", policyVersion: 1, n: 1 }] }],
    };
    expect((await report(device.deviceToken, visit)).status).toBe(200);
    // A domain the catalog already owns cannot be promoted.
    const known = "perplexity.ai";
    expect(
      (await report(device.deviceToken, { days: [], candidates: [{ day: today(), domain: known, n: 1 }] })).status,
    ).toBe(200);
    const refused = await expectJson(await adminJson(`/candidates/${known}/promote`, "POST", {}), 422, errorResponse);
    expect(refused.issues?.join()).toMatch(/already "perplexity"'s/);
  });
});
