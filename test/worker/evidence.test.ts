import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type EvidencePack, evidencePack } from "../../shared/admin";
import { addDays } from "../../shared/day";
import { LIMITS } from "../../shared/limits";
import { toolsById } from "../../worker/catalog";
import { sha256Hex } from "../../worker/crypto";
import { csvCell, escapeHtml } from "../../worker/evidence/render";
import { canonicalJson, verifyPackText } from "../../worker/evidence/signature";
import { admin, adminJson, counters, enrollInGroup, expectJson, report, today } from "./helpers";

/*
 * The evidence pack on a known population (storage is per test file):
 *   Finance 6 devices: today chatgpt visit 1 + nudge_shown 2; 5 acknowledged policy v1
 *   Sales   5 devices: today claude visit 1 + nudge_shown 1; 2 acknowledged
 *   Ops     1 device: 3 days ago perplexity visit 1 + acknowledged
 *   one device enrolled that never reported
 * Reviews: chatgpt approved (owner, review due in a year), claude restricted (review overdue).
 * Exceptions: two (tool, reason) requests, one decided. Candidates: two domains, one triaged.
 */

const day = today();
const HOSTILE_NAME = `<script>alert("x")</script> & 'policy'`;

beforeAll(async () => {
  const send = async (token: string, body: Parameters<typeof report>[1]) => {
    const response = await report(token, body);
    if (response.status !== 200) throw new Error(await response.text());
  };
  for (let i = 0; i < 6; i++) {
    const { deviceToken } = await enrollInGroup("Finance");
    const entries: Array<[string, string, number]> = [
      ["chatgpt", "visit", 1],
      ["chatgpt", "nudge_shown", 2],
    ];
    if (i < 5) entries.push(["chatgpt", "acknowledged", 1]);
    await send(deviceToken, counters(day, entries));
  }
  for (let i = 0; i < 5; i++) {
    const { deviceToken } = await enrollInGroup("Sales");
    const entries: Array<[string, string, number]> = [
      ["claude", "visit", 1],
      ["claude", "nudge_shown", 1],
    ];
    if (i < 2) entries.push(["claude", "acknowledged", 1]);
    if (i === 0) entries.push(["otter", "nudge_shown", 3], ["otter", "justified", 3]);
    await send(deviceToken, {
      ...counters(day, entries),
      ...(i === 0
        ? {
            justifications: [
              { day, tool: "otter", reason: "evaluating", policyVersion: 1, n: 1 },
              { day, tool: "otter", reason: "customer-requirement", policyVersion: 1, n: 2 },
            ],
            candidates: [
              { day, domain: "mystery.ai", n: 1 },
              { day, domain: "another-gpt.com", n: 1 },
            ],
          }
        : {}),
    });
  }
  const ops = await enrollInGroup("Ops");
  await send(
    ops.deviceToken,
    counters(addDays(day, -3), [
      ["perplexity", "visit", 1],
      ["perplexity", "nudge_shown", 1],
      ["perplexity", "acknowledged", 1],
    ]),
  );
  await enrollInGroup("Finance");
  // The fleet enrolled a month ago, so every period below finds it enrolled.
  await env.DB.prepare("update devices set enrolled_at = enrolled_at - ?")
    .bind(30 * 86_400_000)
    .run();

  await adminJson("/tools/chatgpt/review", "PUT", {
    status: "approved",
    owner: "it@example.com",
    nextReview: addDays(day, 365),
  });
  await adminJson("/tools/claude/review", "PUT", { status: "restricted", nextReview: addDays(day, -1) });
  await adminJson("/exceptions/otter/evaluating", "PUT", { decision: "denied" });
  await adminJson("/candidates/mystery.ai", "POST", { state: "dismissed" });
});

function figure(pack: EvidencePack, id: string) {
  const found = pack.figures.find((entry) => entry.id === id);
  if (!found) throw new Error(`no figure ${id}`);
  return found;
}

describe("GET /api/admin/evidence (JSON)", () => {
  it("states every figure with its denominator and period, mapped to controls", async () => {
    const pack = await expectJson(await admin("/evidence"), 200, evidencePack);
    const from = addDays(day, -(LIMITS.retentionDays - 1));
    expect(pack.period).toEqual({ from, to: day, days: LIMITS.retentionDays });
    expect(pack.policy.version).toBe(1);
    const figures = Object.fromEntries(pack.figures.map((f) => [f.id, [f.numerator, f.denominator]]));
    const used = ["chatgpt", "claude", "perplexity"];
    const highRisk = used.filter((tool) => toolsById.get(tool)?.level === "high");
    const highRiskControlled = highRisk.filter((tool) => tool === "claude");
    expect(figures).toEqual({
      "devices-reporting": [12, 13],
      "policy-acknowledged": [8, 12],
      "nudges-acknowledged": [8, 12],
      "exceptions-decided": [1, 2],
      "tools-reviewed": [2, 3],
      "tools-owned": [1, 3],
      "high-risk-tools-controlled": [highRiskControlled.length, highRisk.length],
      "reviews-current": [1, 2],
      "candidates-triaged": [1, 2],
      // Sales' claude (restricted) and Ops' perplexity have lessons; Finance's chatgpt is approved.
      "literacy-coverage": [0, 6],
    });
    expect(figure(pack, "policy-acknowledged").statement).toBe(
      `8 of 12 active devices acknowledged policy v1 ("Acceptable use of AI tools") (${from} to ${day})`,
    );
    expect(pack.counts).toEqual([
      expect.objectContaining({
        id: "policy-versions-published",
        value: 0,
        basis: "admin-records",
        statement: expect.stringMatching(
          new RegExp(`^0 policy versions published from ${from} to ${day}; v1 in force since \\d{4}-\\d{2}-\\d{2}$`),
        ),
      }),
      expect.objectContaining({ id: "lessons-in-force", value: 7, basis: "admin-records" }),
    ]);
    for (const entry of pack.figures) {
      expect(entry.statement).toContain(`${entry.numerator} of ${entry.denominator.toLocaleString("en-US")}`);
      expect(entry.from).toBe(from);
      expect(entry.to).toBe(day);
      for (const control of entry.controls) expect(pack.controls.map((c) => c.id)).toContain(control);
    }
    // Every control the issue names is covered by at least one figure.
    const covered = new Set(pack.figures.flatMap((entry) => entry.controls));
    expect([...covered].sort()).toEqual(
      [
        "eu-ai-act-art4",
        "iso42001-7.2",
        "iso42001-7.3",
        "iso42001-A.10",
        "iso42001-A.2.2",
        "iso42001-A.2.4",
        "iso42001-A.3.2",
        "iso42001-A.4",
      ].sort(),
    );
    // Ops (1 device) is merged with Sales: otherwise Ops = total - Finance - Sales.
    expect(pack.byGroup).toEqual([
      { group: "Finance", other: false, active: 6, acknowledged: 5, suppressed: false },
      { group: null, other: true, active: 6, acknowledged: 3, suppressed: false },
    ]);
  });

  it("says beside every figure whether devices reported it and what it cannot prove", async () => {
    const pack = await expectJson(await admin("/evidence"), 200, evidencePack);
    const basis = Object.fromEntries(pack.figures.map((f) => [f.id, f.basis]));
    expect(basis["policy-acknowledged"]).toBe("device-reports");
    expect(basis["devices-reporting"]).toBe("device-reports");
    expect(basis["tools-reviewed"]).toBe("admin-records");
    for (const entry of pack.figures) {
      expect(entry.trust.length, entry.id).toBeGreaterThan(40);
      expect(entry.numerator, entry.id).toBeLessThanOrEqual(entry.denominator);
    }
    expect(pack.trustModel.join(" ")).toMatch(/under-report/);
    expect(pack.excludedDevices).toBe(0);
    const audit = await expectJson<{ entries: Array<{ action: string }> }>(await admin("/audit?limit=1"), 200);
    expect(audit.entries[0]?.action).toBe("evidence.generate");
  });

  it("covers exactly the period asked for", async () => {
    const past = addDays(day, -3);
    const pack = await expectJson(await admin(`/evidence?from=${past}&to=${past}`), 200, evidencePack);
    expect(pack.period).toEqual({ from: past, to: past, days: 1 });
    expect(figure(pack, "devices-reporting")).toMatchObject({ numerator: 1, denominator: 13 });
    expect(figure(pack, "policy-acknowledged")).toMatchObject({ numerator: 1, denominator: 1 });
    expect(figure(pack, "tools-reviewed")).toMatchObject({ numerator: 0, denominator: 1 });
    expect(pack.byGroup).toEqual([{ group: null, other: true, active: null, acknowledged: null, suppressed: true }]);
  });

  it("refuses periods it cannot measure", async () => {
    const cases = [
      `from=${addDays(day, -LIMITS.retentionDays - 1)}`,
      `from=${day}&to=${addDays(day, -1)}`,
      `to=${addDays(day, 1)}`,
      "from=2026-02-30",
      "format=xml",
    ];
    for (const query of cases) {
      const refused = await expectJson<{ error: string; issues: string[] }>(await admin(`/evidence?${query}`), 400);
      expect(refused.issues.length, query).toBeGreaterThan(0);
    }
  });
});

describe("the pack's content and integrity", () => {
  it("holds the inventory with reviews, the exceptions register and the policy versions", async () => {
    const pack = await expectJson(await admin("/evidence"), 200, evidencePack);
    expect(pack.inventory.map((tool) => tool.id).sort()).toEqual(["chatgpt", "claude", "perplexity"]);
    expect(pack.inventory.find((tool) => tool.id === "chatgpt")).toMatchObject({
      status: "approved",
      owner: "it@example.com",
      nextReview: addDays(day, 365),
      devices: 6,
      agreement: false,
      // The catalog's facts were all read within the year.
      staleFacts: [],
    });
    // One device used perplexity: listed, without a figure.
    expect(pack.inventory.find((tool) => tool.id === "perplexity")).toMatchObject({ devices: null });
    expect(pack.exceptions.map((entry) => [entry.tool, entry.reason, entry.decision])).toEqual([
      ["otter", "customer-requirement", "pending"],
      ["otter", "evaluating", "denied"],
    ]);
    expect(pack.exceptions.every((entry) => entry.requests === null && entry.devices === null)).toBe(true);
    expect(pack.policyVersions.map((entry) => entry.version)).toEqual([1]);
    expect(pack.notes.join(" ")).toMatch(/overview counts every tool/);
  });

  it("is delivered exactly as signed, chained to the previous pack, and any changed byte shows", async () => {
    const first = await (await admin("/evidence")).text();
    const response = await admin("/evidence");
    const text = await response.text();
    const key = await expectJson<{ publicKey: string }>(await admin("/evidence/key"), 200);
    const result = await verifyPackText(text, key.publicKey);
    expect(result).toMatchObject({ ok: true, publicKey: key.publicKey, previousHash: await sha256Hex(first) });
    expect(response.headers.get("x-evidence-sha256")).toBe(await sha256Hex(text));
    // Every kind of change is caught: a figure, a letter, whitespace, a reordered key, the key itself.
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const tampered = [
      text.replace('"numerator":8', '"numerator":9'),
      text.replace("Acknowledgement", "Acknowledgment"),
      text.replace(",", ", "),
      `${text}\n`,
      JSON.stringify({ k: parsed.k, ...parsed }),
      canonicalJson({ ...parsed, k: 1 }),
    ];
    for (const changed of tampered) {
      expect(changed).not.toBe(text);
      expect((await verifyPackText(changed)).ok, changed.slice(0, 80)).toBe(false);
    }
    expect((await verifyPackText(text, "AAAA")).ok).toBe(false);
  });

  it("refuses to produce a pack without a signing key", async () => {
    const { default: worker } = await import("../../worker/index");
    const response = await worker.fetch(
      new Request("http://localhost/api/admin/evidence", { headers: { Authorization: "Bearer test-admin-token" } }),
      { ...env, EVIDENCE_SIGNING_KEY: undefined },
      createExecutionContext(),
    );
    expect(response.status).toBe(503);
    expect(((await response.json()) as { code: string }).code).toBe("not_configured");
  });
});

describe("GET /api/admin/evidence (CSV and HTML)", () => {
  it("writes one CSV row per figure and control, plus the groups", async () => {
    const response = await admin("/evidence?format=csv");
    expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(response.headers.get("content-disposition")).toMatch(/attachment; filename="shadowlight-evidence-/);
    const sha256 = response.headers.get("x-evidence-sha256");
    const lines = (await response.text()).trimEnd().split("\r\n");
    const pack = await expectJson(await admin("/evidence"), 200, evidencePack);
    expect(lines[0]).toBe(
      "framework,reference,control,figure,statement,numerator,denominator,denominator_label,from,to,basis",
    );
    const mappings = [...pack.figures, ...pack.counts].reduce((sum, entry) => sum + entry.controls.length, 0);
    const literacyRows = pack.literacy.byGroup.length + pack.literacy.lessons.length;
    expect(lines).toHaveLength(1 + mappings + pack.byGroup.length + literacyRows + 1);
    expect(lines).toContain(
      `ISO/IEC 42001:2023,Clause 7.3,Awareness,policy-acknowledged,"8 of 12 active devices acknowledged policy v1 (""Acceptable use of AI tools"") (${pack.period.from} to ${pack.period.to})",8,12,active devices,${pack.period.from},${pack.period.to},device-reports`,
    );
    // The last row names the signed JSON the CSV was made from.
    expect(lines.at(-1)).toContain(`pack-sha256,SHA-256 of the signed JSON pack`);
    expect(lines.at(-1)).toContain(String(sha256));
    expect(lines.some((line) => line.includes("Other groups (each fewer than 5 devices): 3 of 6"))).toBe(true);
    expect(lines.join("\n")).not.toMatch(/Ops|Sales/);
  });

  it("prints an HTML page that escapes everything it shows", async () => {
    const current = (await expectJson<{ current: Record<string, unknown> }>(await admin("/policy"), 200)).current;
    await adminJson("/policy", "POST", { policy: { ...current, name: HOSTILE_NAME } });
    const response = await admin("/evidence?format=html");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
    const html = await response.text();
    expect(html).not.toContain("<script>");
    expect(html).toContain(escapeHtml(HOSTILE_NAME));
    expect(html).toContain("Clause 7.3: Awareness");
    expect(html).toContain("Article 4: AI literacy");
    expect(html).toMatch(/0 of 12 active devices acknowledged policy v2/);
    expect(html).toContain("Other groups (each fewer than 5 devices)");
    expect(html).not.toContain("Ops");
  });

  it("neutralizes spreadsheet formulas and quotes CSV cells", () => {
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell(null)).toBe("");
    expect(csvCell(412)).toBe("412");
  });
});
