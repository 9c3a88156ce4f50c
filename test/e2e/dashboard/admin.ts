/**
 * What admins alone manage: devices (revoke, re-admit), the outlier review, enrollment tokens
 * (group, cap, jump flag), and the records: the audit log and the evidence pack.
 */
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import type {
  AuditResponse,
  AwarenessResponse,
  DevicesResponse,
  EnrollmentTokensResponse,
  EvidencePack,
} from "../../../shared/admin";
import { ARTIFACTS, adminGet } from "../harness";
import { enroll, HOSTILE } from "../seed";
import { api, ctx, expectPrivate, n, open, shot, shown, text, visible, watch } from "./context";

const activeDevices = async () =>
  (await adminGet<AwarenessResponse>(ctx.stack, "/awareness?version=1")).versions[0]?.active ?? null;

export function adminTests(): void {
  it("devices: weeks not days, small groups withheld, revoke and re-admit through the UI", async () => {
    const devices = await adminGet<DevicesResponse>(ctx.stack, "/devices");
    const page = await open(ctx.admin, "devices", "Devices");
    const stat = (label: string) =>
      page
        .getByTestId("device-stats")
        .locator(".stat")
        .filter({ has: page.getByText(label, { exact: true }) });
    expect(await text(stat("Enrolled").locator(".stat-value"))).toBe(n(devices.enrolled));
    expect(await text(stat("Revoked").locator(".stat-value"))).toBe(n(devices.revoked));
    expect(await text(stat("Flagged to review").locator(".stat-value"))).toBe("2");
    const list = page.locator("table.devices tbody tr");
    expect(await list.count()).toBe(devices.devices.filter((d) => !d.revoked).length);
    // Pseudonyms in full; weeks as "week of"; a small group's label withheld.
    const first = devices.devices.find((device) => !device.revoked);
    expect(await text(page.locator(`tr[data-device="${first?.id}"] th`))).toBe(first?.id);
    expect(await text(page.locator(`tr[data-device="${first?.id}"] td`).nth(4))).toMatch(/^week of /);
    const legal = ctx.seeded.devices.find((d) => d.group === "Legal");
    expect(await text(page.locator(`tr[data-device="${legal?.deviceId}"] td`).first())).toBe(
      "withheld (group under 5 devices)",
    );

    // The seeded revoked device is re-admitted: its token works again.
    const { revoked } = ctx.seeded;
    expect((await api("/api/v1/policy", revoked.deviceToken)).status).toBe(403);
    await page.getByLabel("Show revoked devices").check();
    const revokedRow = page.locator(`tr.revoked[data-device="${revoked.deviceId}"]`);
    await revokedRow.getByRole("button", { name: `Re-admit device ${revoked.deviceId}` }).click();
    await page.locator(`tr[data-device="${revoked.deviceId}"]:not(.revoked)`).waitFor();
    expect((await api("/api/v1/policy", revoked.deviceToken)).status).toBe(200);

    // Another is revoked: two steps, then its token is refused with a distinct answer.
    const victim = ctx.seeded.devices.at(-1);
    if (!victim) throw new Error("no seeded device");
    const victimRow = page.locator(`tr[data-device="${victim.deviceId}"]`);
    await victimRow.getByRole("button", { name: `Revoke device ${victim.deviceId}` }).click();
    await victimRow.getByRole("button", { name: "Revoke this device" }).click();
    await page.locator(`tr.revoked[data-device="${victim.deviceId}"]`).waitFor();
    const refused = await api<{ code: string }>("/api/v1/policy", victim.deviceToken);
    expect([refused.status, refused.body.code]).toEqual([403, "device_revoked"]);
    await expectPrivate(page);
    await shot(page, "devices");
    await page.close();
  });

  it("outlier review: flagged devices with the reason, kept or excluded, the figures follow", async () => {
    const { outliers } = ctx.seeded;
    const page = await open(ctx.admin, "devices?flagged=true", "Devices");
    expect(await text(page.getByTestId("flagged-count"))).toBe("2 flagged devices waiting for review.");
    const visits = page.locator(`tr[data-flagged="${outliers.visits.deviceId}"]`);
    const answers = page.locator(`tr[data-flagged="${outliers.answers.deviceId}"]`);
    expect(await text(visits.locator("td").nth(1))).toMatch(
      /^Visits far above the fleet[\d,]+ visits in one day; the fleet's median was \d+$/,
    );
    expect(await text(answers.locator("td").nth(1))).toMatch(
      /^Nudge answers far above the fleet60 answers to nudges in/,
    );
    expect(await text(visits.locator("td").nth(3))).toBe("Waiting for review");
    await shot(page, "outliers");

    // Kept: its counts join awareness again. Excluded: they stay out.
    const before = await activeDevices();
    await visits.getByRole("button", { name: `Keep device ${outliers.visits.deviceId} in the figures` }).click();
    await page.waitForFunction(
      (id) =>
        document.querySelector(`tr[data-flagged="${id}"] td:nth-of-type(4)`)?.textContent === "Kept in the figures",
      outliers.visits.deviceId,
    );
    expect(await activeDevices()).toBe((before ?? 0) + 1);
    await answers.getByRole("button", { name: `Exclude device ${outliers.answers.deviceId} from the figures` }).click();
    await page.waitForFunction(
      (id) =>
        document.querySelector(`tr[data-flagged="${id}"] td:nth-of-type(4)`)?.textContent ===
        "Excluded from the figures",
      outliers.answers.deviceId,
    );
    expect(await activeDevices()).toBe((before ?? 0) + 1);
    await page.getByTestId("flagged-count").filter({ hasText: "No flagged device is waiting" }).waitFor();
    const flagged = await adminGet<DevicesResponse>(ctx.stack, "/devices?flagged=true");
    expect(flagged.devices.map((d) => [d.id, d.flag?.state]).sort()).toEqual(
      [
        [outliers.visits.deviceId, "kept"],
        [outliers.answers.deviceId, "excluded"],
      ].sort(),
    );
    await page.close();
  });

  it("enrollment tokens: group, cap, devices of cap, a jump flagged, cap changed and revoked", async () => {
    const page = await open(ctx.admin, "devices", "Devices");
    const { tokens } = await adminGet<EnrollmentTokensResponse>(ctx.stack, "/enrollment-tokens");
    for (const token of tokens) {
      const row = page.locator(`tr[data-token="${token.id}"]`);
      expect(await text(row.getByTestId("devices-of-cap"))).toBe(`${n(token.devices)} of ${n(token.maxDevices)}`);
      expect(await visible(row.locator("td").nth(0))).toBe(token.group ?? "no group");
    }
    expect(await text(page.locator('tr[data-token="bootstrap"] th'))).toContain("the worker's ENROLLMENT_TOKEN secret");
    expect(await page.locator('tr[data-token="bootstrap"]').getByRole("button").count()).toBe(0);
    const support = tokens.find((t) => t.group === "Support");
    expect(await text(page.locator(`tr[data-token="${support?.id}"] th`))).toBe(ctx.seeded.tokenLabel);
    expect(await page.locator("main img").count()).toBe(0);

    // Created with a group and a cap, shown once.
    await page.getByLabel("Label", { exact: true }).fill("Contractors, spring");
    await page.getByLabel("Group", { exact: true }).fill("Contractors");
    await page.getByLabel("Device cap", { exact: true }).fill("36");
    await page.getByRole("button", { name: "Create token" }).click();
    const created = page.getByTestId("new-token");
    await created.waitFor();
    expect(await text(created)).toContain("(group Contractors), for at most 36 devices");
    const token = await text(created.locator("code"));
    // Ten enrollments in a day, more than a quarter of the cap: the token is flagged as jumped.
    const enrolled = [];
    for (let i = 0; i < 10; i++) enrolled.push(await enroll(ctx.stack, token));
    expect(enrolled.every((device) => device.group === "Contractors")).toBe(true);
    await page.reload();
    const listed = (await adminGet<EnrollmentTokensResponse>(ctx.stack, "/enrollment-tokens")).tokens;
    const contractors = listed.find((t) => t.group === "Contractors");
    if (!contractors) throw new Error("the new token is not listed");
    expect(contractors).toMatchObject({ devices: 10, enrolledLast24h: 10, enrollmentJump: true });
    const row = page.locator(`tr[data-token="${contractors.id}"]`);
    await row.getByTestId("jump").waitFor();
    expect(await visible(row.locator("td").nth(2))).toBe("10Jumped");

    // The cap comes down to the headcount: the next enrollment past it is refused.
    await row.getByRole("button", { name: "Change the device cap of Contractors, spring" }).click();
    await row.getByLabel("New device cap for Contractors, spring").fill("11");
    await row.getByRole("button", { name: "Save cap" }).click();
    await row.getByTestId("devices-of-cap").filter({ hasText: "10 of 11" }).waitFor();
    await enroll(ctx.stack, token);
    await expect(enroll(ctx.stack, token)).rejects.toThrow(/enrollment_full/);

    await row.getByRole("button", { name: "Revoke token Contractors, spring" }).click();
    await row.getByRole("button", { name: "Revoke this token" }).click();
    await row.filter({ hasText: "revoked" }).waitFor();
    await expect(enroll(ctx.stack, token)).rejects.toThrow(/enrollment_token_invalid/);
    await shot(page, "tokens");
    await page.close();
  });

  it("audit log: every change above in words, dates and names, small groups masked", async () => {
    const { entries } = await adminGet<AuditResponse>(ctx.stack, "/audit?limit=50");
    const page = await open(ctx.admin, "audit", "Audit log");
    const rows = page.locator("table.audit tbody tr");
    expect(await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute("data-audit"))))).toEqual(
      entries.map((entry) => entry.id),
    );
    const actions = await rows.locator("th").allTextContents();
    for (const name of ["Device re-admitted", "Outlier flag reviewed", "Device cap changed", "Policy published"]) {
      expect(actions).toContain(name);
    }
    const all = await text(page.locator("table.audit"));
    // No epoch milliseconds, no internal ids of statuses or actions.
    expect(all).not.toMatch(/\b1\d{12}\b/);
    expect(all).not.toMatch(/approved_with_conditions|enrollment-token\.|device\.revoke|\bexcluded\b/);
    expect(all).toContain("Status: Banned");
    expect(all).toContain("Decision: Pending → Denied");
    expect(all).toContain("Device cap: 36 → 11");
    expect(all).toContain("State: Excluded from the figures");
    expect(all).toContain("State: To triage → Dismissed");
    expect(all).toContain("(a group of fewer than k devices)");
    expect(all).toContain(HOSTILE);
    expect(await page.locator("main img").count()).toBe(0);
    await expectPrivate(page);
    await shot(page, "audit");
    await page.close();
  });

  it("evidence: the figures, the merged groups, the JSON and CSV downloads and the printable page", async () => {
    const page = await open(ctx.admin, "evidence", "Evidence");
    const [json] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download JSON" }).click(),
    ]);
    const pack = JSON.parse(readFileSync((await json.path()) as string, "utf8")) as EvidencePack;
    expect(pack.period.to).toBe(ctx.seeded.today);
    const figures = page.getByTestId("evidence-figures").locator("tbody tr");
    expect(await figures.count()).toBe(pack.figures.length);
    for (const [i, figure] of pack.figures.entries()) {
      expect(await text(figures.nth(i).locator("th"))).toContain(figure.statement);
    }
    // Each figure says where it comes from and what would prove it wrong; counts stay counts.
    for (const figure of pack.figures) {
      expect(await text(page.locator(`tr[data-figure="${figure.id}"] .trust`))).toBe(figure.trust);
    }
    for (const item of pack.counts) {
      const row = page.getByTestId("evidence-counts").locator(`tr[data-count="${item.id}"]`);
      expect(await text(row.locator("td.num"))).toBe(n(item.value));
    }
    const inventory = page.getByTestId("evidence-inventory").locator("tbody tr");
    expect(await inventory.evaluateAll((rows) => rows.map((row) => row.getAttribute("data-tool")))).toEqual(
      pack.inventory.map((tool) => tool.id),
    );
    for (const tool of pack.inventory) {
      const row = page.getByTestId("evidence-inventory").locator(`tr[data-tool="${tool.id}"]`);
      expect(await visible(row.locator("td.num"))).toBe(shown(tool.devices));
    }
    expect(await text(page.getByTestId("signature"))).toContain(pack.signature.publicKey);
    expect(await text(page.getByTestId("key-check"))).toBe("the key this server publishes");
    const other = pack.byGroup.find((g) => g.other);
    expect(other?.group).toBeNull();
    expect(await text(page.getByTestId("groups").locator('tr[data-group="(other)"] th > .muted'))).toBe("Other groups");
    const [csv] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download CSV" }).click(),
    ]);
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);
    expect(readFileSync((await csv.path()) as string, "utf8")).not.toMatch(/Legal|Finance/);
    await page.getByRole("status").filter({ hasText: "Downloaded" }).waitFor();

    const [printable] = await Promise.all([
      page.waitForEvent("popup"),
      page.getByRole("button", { name: "Open the printable page" }).click(),
    ]);
    watch(printable);
    await printable.waitForLoadState();
    await printable.waitForFunction(() => (document.body?.textContent ?? "").includes(" of "));
    expect(await text(printable.locator("body"))).toContain(pack.figures[0]?.statement ?? "no statement");
    await printable.screenshot({ path: `${ARTIFACTS}/dashboard-evidence-printable.png`, fullPage: true });
    await expectPrivate(page);
    await shot(page, "evidence");
    await printable.close();
    await page.close();
  });
}
