/**
 * The views that change something: the review form, the policy editor, the exceptions
 * register and the review queue, each exercised through the UI and its effect checked through the admin API and,
 * where devices would notice, the device API.
 */
import { expect, it } from "vitest";
import type {
  ExceptionsResponse,
  PolicyListResponse,
  ReviewQueueResponse,
  ToolDetailResponse,
} from "../../../shared/admin";
import type { PolicyResponse } from "../../../shared/protocol";
import { ARTIFACTS, adminGet } from "../harness";
import { HOSTILE } from "../seed";
import { api, ctx, expectPrivate, isDisabled, open, settle, shot, shown, text, visible } from "./context";

export function changeTests(): void {
  it("review form: a ban reaches the device's next policy fetch, and hostile text stays text", async () => {
    const device = ctx.seeded.devices[0];
    if (!device) throw new Error("no seeded device");
    const before = await api<PolicyResponse>("/api/v1/policy", device.deviceToken);
    expect(before.body.reviews.claude?.status ?? "unreviewed").toBe("unreviewed");

    const reviewed = await open(ctx.admin, `tools/${ctx.seeded.reviewedTool}`, "Perplexity");
    expect(await reviewed.getByLabel("Owner").inputValue()).toBe(`Search team ${HOSTILE}`);
    expect(await reviewed.getByLabel("Notes").inputValue()).toBe(`Reviewed the terms. ${HOSTILE}`);
    expect(await reviewed.locator("main img").count()).toBe(0);
    await reviewed.close();

    const page = await open(ctx.admin, "tools/claude", "Claude");
    // Status names, never ids, in the form.
    expect(await page.getByLabel("Status").locator("option").allTextContents()).toContain("Approved with conditions");
    await page.getByLabel("Status").selectOption("banned");
    await page.getByLabel("Owner").fill(`SecOps ${HOSTILE}`);
    await page.getByLabel("Notes").fill("Trains on free-tier input; use ChatGPT Enterprise.");
    await page.getByLabel("Next review").fill(ctx.seeded.today);
    await page.getByLabel("Approved alternative").selectOption("chatgpt");
    await page.getByRole("button", { name: "Save review" }).click();
    await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    await page.locator(".tool-head .badge", { hasText: "Banned" }).waitFor();
    expect(await text(page.locator(".review-form .muted.small"))).toContain("by local-admin");
    await shot(page, "review");
    await page.close();

    const detail = await adminGet<ToolDetailResponse>(ctx.stack, "/tools/claude");
    expect(detail.review).toMatchObject({ status: "banned", owner: `SecOps ${HOSTILE}`, alternative: "chatgpt" });
    const after = await api<PolicyResponse>("/api/v1/policy", device.deviceToken);
    expect(after.body.reviews.claude).toEqual({ status: "banned", alternative: "chatgpt" });
  });

  it("policy editor: a new rule goes where it takes effect, shadowed rules say so and move", async () => {
    const page = await open(ctx.admin, "policy", "Policy");
    const rules = page.locator("ol.rules > li.rule");
    const ids = () => rules.evaluateAll((items) => items.map((item) => item.getAttribute("data-rule")));
    const before = await ids();
    expect(before.at(-1)).toBe("unreviewed");
    // The review statuses together decide every tool, so the last rule closes the list.
    expect(await text(page.locator("#add-rule-where"))).toBe(
      `It goes before rule ${before.length} “unreviewed”: from there on every tool is already decided, so a rule further down would never apply.`,
    );
    await page.getByRole("button", { name: "Add a rule" }).click();
    const added = `rule-${before.length + 1}`;
    expect(await ids()).toEqual([...before.slice(0, -1), added, "unreviewed"]);
    const fresh = page.locator(`li.rule[data-rule="${added}"]`);
    expect(await fresh.getByLabel("Rule id").evaluate((input) => input === document.activeElement)).toBe(true);
    // Without conditions it takes every tool the last rule had: that rule now says so.
    const last = page.locator('li.rule[data-rule="unreviewed"]');
    await last.getByTestId("rule-shadowed").waitFor();
    expect(await text(last.getByTestId("rule-shadowed"))).toContain(`rule ${before.length} “${added}”`);
    await shot(page, "policy-shadowed");
    await fresh.locator("fieldset.checks", { hasText: "Categories" }).getByLabel("coding", { exact: true }).check();
    await last.getByTestId("rule-shadowed").waitFor({ state: "detached" });
    await fresh.getByRole("button", { name: `Remove rule ${added}` }).click();
    expect(await ids()).toEqual(before);

    // Moved below the rule that takes all it matches, a rule is dead; the warning moves it back.
    const highRisk = page.locator('li.rule[data-rule="high-risk"]');
    await highRisk.getByRole("button", { name: "Move rule high-risk down" }).click();
    const warning = highRisk.getByTestId("rule-shadowed");
    await warning.waitFor();
    expect(await text(warning)).toContain("“unreviewed” already decides every tool this rule matches");
    await warning.getByRole("button", { name: /^Move above rule \d+$/ }).click();
    await warning.waitFor({ state: "detached" });
    expect(await ids()).toEqual(before);
    expect(await page.locator('[data-testid="rule-shadowed"], [data-testid="rule-dead"]').count()).toBe(0);
    expect(await text(page.getByRole("heading", { name: /^Edit/ }))).toBe("Edit");

    // Previews show tools people know: the most used tool in use, never the alphabet's first.
    const picker = page.getByLabel("Preview the draft for");
    expect(await picker.inputValue()).toBe("chatgpt");
    const examples = await page
      .locator("li.preview-item select")
      .evaluateAll((selects) => selects.map((select) => (select as HTMLSelectElement).value));
    expect(examples.length).toBe(before.length);
    expect(examples).not.toContain("10web");
    await picker.selectOption("claude");
    const approved = page.locator('li.preview-item[data-rule="approved"]');
    await approved.getByLabel("Example for rule approved").selectOption("deepl");
    expect(await text(approved.locator(".nudge-preview"))).toContain("DeepL");
    await page.reload();
    await settle(page, "Policy");
    expect(await page.getByLabel("Preview the draft for").inputValue()).toBe("claude");
    await page.close();
  });

  it("policy editor: clear validation errors, a preview of each nudge, publish, diff", async () => {
    const device = ctx.seeded.devices[2];
    if (!device) throw new Error("no seeded device");
    const page = await open(ctx.admin, "policy", "Policy");
    const rule = page.locator('li.rule[data-rule="unreviewed"]');
    expect(await text(rule.locator(".rule-summary"))).toBe("when statuses: Unreviewed");
    expect(await rule.getByLabel("Message shown to people").count()).toBe(0);
    await rule.locator(".rule-toggle").click();
    expect(await rule.locator(".rule-toggle").getAttribute("aria-expanded")).toBe("true");
    const message = `Do not paste customer data. ${HOSTILE}`;
    await rule.getByLabel("Message shown to people").fill(message);

    // The preview is the extension's own nudge (in a shadow root), showing the message as text.
    const preview = page.locator('li.preview-item[data-rule="unreviewed"] .message');
    await page.waitForFunction(
      (expected) =>
        document
          .querySelector('li.preview-item[data-rule="unreviewed"] .nudge-preview-host')
          ?.shadowRoot?.querySelector(".message")?.textContent === expected,
      message,
    );
    expect(await preview.locator("img").count()).toBe(0);
    expect(await text(page.locator('li.preview-item[data-rule="unreviewed"] .heading'))).toMatch(/^Before you use /);
    expect(await page.locator('li.preview-item[data-rule="sensitive-categories"] fieldset label').count()).toBe(4);

    // An unknown tool id is named in the server's issues, next to the rule it belongs to.
    await rule.getByLabel("Tools (catalog ids)").fill("no-such-tool");
    await page.getByRole("button", { name: "Validate" }).click();
    const validation = page.getByTestId("validation");
    await validation.filter({ hasText: "problem" }).waitFor();
    expect(await text(validation)).toMatch(/The policy has \d+ problems?:/);
    expect(await text(validation)).toContain("no-such-tool");
    expect(await text(rule.locator(".issues"))).toContain("no-such-tool");
    // A tool id no catalog tool has: the rule never applies, and says so before any validation.
    expect(await text(rule.getByTestId("rule-dead"))).toContain("no catalog tool meets these conditions");
    await shot(page, "policy-invalid");
    await page.locator("section", { has: page.getByRole("heading", { name: "Preview: what people see" }) }).screenshot({
      path: `${ARTIFACTS}/dashboard-policy-preview.png`,
    });
    await rule.getByLabel("Tools (catalog ids)").fill("");
    await page.getByRole("button", { name: "Validate" }).click();
    await validation.filter({ hasText: "The policy is valid." }).waitFor();

    await page.getByRole("button", { name: "JSON", exact: true }).click();
    const editor = page.getByLabel(/Policy as JSON/);
    const json = await editor.inputValue();
    expect(JSON.parse(json).rules.find((r: { id: string }) => r.id === "unreviewed").message).toBe(message);
    // Typed back on one line: Chromium inserts typed text line by line, and the editor's
    // 35 KB of indented JSON (1,500 lines) took over 30 s to type on a busy machine.
    const oneLine = JSON.stringify(JSON.parse(json));
    await editor.fill(oneLine.slice(0, -2));
    await page.getByRole("alert").filter({ hasText: "Not valid JSON" }).waitFor();
    expect(await isDisabled(page.getByRole("button", { name: /^Publish as v/ }))).toBe(true);
    await editor.fill(oneLine);
    await page.getByRole("button", { name: "Form", exact: true }).click();

    await page.getByRole("button", { name: "Publish as v2" }).click();
    await page.getByRole("status").filter({ hasText: "Published version v2" }).waitFor();
    const policies = await adminGet<PolicyListResponse>(ctx.stack, "/policy");
    expect(policies.current.version).toBe(2);
    expect(policies.current.rules.find((r) => r.id === "unreviewed")?.message).toBe(message);
    const fetched = await api<PolicyResponse>("/api/v1/policy", device.deviceToken);
    expect(fetched.body.policy.version).toBe(2);

    await page.getByTestId("policy-versions").locator('tr[data-version="2"]').waitFor();
    const diff = page
      .locator("section", { has: page.getByRole("heading", { name: "Published versions" }) })
      .getByTestId("diff");
    await diff.waitFor();
    expect(await text(diff.locator(".diff-added"))).toContain("Do not paste customer data.");
    expect(await text(diff.locator(".diff-removed"))).toContain("This AI tool has not been reviewed yet.");
    expect(await text(diff.locator("p.muted"))).toMatch(/^\d+ lines? added, \d+ removed\.$/);
    await shot(page, "policy");
    await page.close();
  });

  it("exceptions register: withheld counts, the seeded decision, a decision made in the UI", async () => {
    const { exceptions } = await adminGet<ExceptionsResponse>(ctx.stack, "/exceptions");
    expect(exceptions.length).toBe(ctx.seeded.justifications.size);
    expect(exceptions.some((e) => e.requests === null)).toBe(true);
    expect(exceptions.some((e) => e.requests !== null)).toBe(true);
    const page = await open(ctx.admin, "exceptions", "Exceptions");
    const pending = exceptions.filter((e) => e.decision === "pending").length;
    expect(await text(page.getByTestId("exceptions-count"))).toBe(
      `${exceptions.length} exception requests (a tool and a reason each), ${pending} pending a decision.`,
    );
    for (const entry of exceptions) {
      const row = page.locator(`tr[data-exception="${entry.tool}/${entry.reason}"]`);
      expect(await text(row.locator("th"))).toBe(entry.toolName);
      expect(await visible(row.locator("td").nth(1))).toBe(shown(entry.requests));
      expect(await visible(row.locator("td").nth(2))).toBe(shown(entry.devices));
      expect(await row.locator("select").inputValue()).toBe(entry.decision);
      if (entry.devices === null) expect(await text(row.locator("td").nth(3))).toMatch(/^week of /);
    }
    const decided = ctx.seeded.decidedException;
    const decidedRow = page.locator(`tr[data-exception="${decided.tool}/${decided.reason}"]`);
    expect(await text(decidedRow.locator(".owner"))).toBe(`Owner: Compliance ${HOSTILE}`);
    expect(await decidedRow.locator("select option:checked").textContent()).toBe("Granted");
    expect(await page.locator("main img").count()).toBe(0);

    const open_ = exceptions.find((e) => e.decision === "pending");
    if (!open_) throw new Error("the seed left no pending exception");
    const row = page.locator(`tr[data-exception="${open_.tool}/${open_.reason}"]`);
    await row.locator("select").selectOption("denied");
    await row.getByPlaceholder("Owner").fill("Governance board");
    await row.getByRole("button", { name: "Save" }).click();
    await page.waitForFunction(
      (key) => document.querySelector(`tr[data-exception="${key}"] .owner`)?.textContent === "Owner: Governance board",
      `${open_.tool}/${open_.reason}`,
    );
    await expectPrivate(page);
    await shot(page, "exceptions");
    await page.close();
    const updated = await adminGet<ExceptionsResponse>(ctx.stack, "/exceptions");
    expect(updated.exceptions.find((e) => e.tool === open_.tool && e.reason === open_.reason)).toMatchObject({
      decision: "denied",
      owner: "Governance board",
    });
  });

  it("review queue: the requests from blocked pages, withheld below k, taken up in the UI", async () => {
    const { requests } = await adminGet<ReviewQueueResponse>(ctx.stack, "/review-requests");
    expect(requests.length).toBeGreaterThan(0);
    const page = await open(ctx.admin, "reviews", "Review requests");
    const waiting = requests.filter((r) => r.state === "open").length;
    expect(await text(page.getByTestId("review-requests-count"))).toMatch(
      new RegExp(`^${requests.length} tools? asked about, ${waiting} waiting`),
    );
    for (const entry of requests) {
      const row = page.locator(`tr[data-review-request="${entry.tool}"]`);
      expect(await visible(row.locator("td").nth(0))).toBe(shown(entry.requests));
      expect(await visible(row.locator("td").nth(1))).toBe(shown(entry.devices));
      expect(await row.locator("select").inputValue()).toBe(entry.state);
      if (entry.devices === null) expect(await text(row.locator("td").nth(2))).toMatch(/^week of /);
    }
    const first = requests.find((r) => r.state === "open");
    if (!first) throw new Error("the seed left no open review request");
    const row = page.locator(`tr[data-review-request="${first.tool}"]`);
    await row.locator("select").selectOption("in_review");
    await row.getByPlaceholder("Owner").fill(`Security team ${HOSTILE}`);
    await row.getByPlaceholder("Note").fill("Asked the vendor for its DPA.");
    await row.getByRole("button", { name: "Save" }).click();
    await page.waitForFunction(
      (tool) =>
        (document.querySelector(`tr[data-review-request="${tool}"] select`) as HTMLSelectElement | null)?.value ===
          "in_review" &&
        document.querySelector(`tr[data-review-request="${tool}"] button[type=submit]`)?.hasAttribute("disabled"),
      first.tool,
    );
    expect(await page.locator("main img").count()).toBe(0);
    await expectPrivate(page);
    await shot(page, "review-requests");
    await page.close();
    const updated = await adminGet<ReviewQueueResponse>(ctx.stack, "/review-requests");
    expect(updated.requests.find((r) => r.tool === first.tool)).toMatchObject({
      state: "in_review",
      owner: `Security team ${HOSTILE}`,
      note: "Asked the vendor for its DPA.",
    });
  });
}
