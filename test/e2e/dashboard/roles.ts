/**
 * Who may see and do what: signing in, the viewer role (no devices or tokens, every change
 * disabled and refused by the API too), and the layout at laptop width without any markup from
 * the network.
 */
import { expect, it } from "vitest";
import type { ToolDetailResponse } from "../../../shared/admin";
import { adminGet } from "../harness";
import { api, ctx, LAPTOP, open, settle, shot, text, watch } from "./context";

export function signInTest(): void {
  it("asks for a token when there is none, and refuses a wrong one", async () => {
    const context = await ctx.browser.newContext({ viewport: LAPTOP });
    const page = watch(await context.newPage());
    // The worker answers 401 twice here by design; the console reports those loads.
    page.removeAllListeners("console");
    await page.goto(`${ctx.stack.serverUrl}/#/inventory`);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await page.getByLabel("Admin or viewer token").fill("not-the-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "not valid" }).waitFor();
    await page.getByLabel("Admin or viewer token").fill(ctx.stack.tokens.admin);
    await page.getByRole("button", { name: "Sign in" }).click();
    await settle(page, "Inventory");
    expect(await page.locator("tbody tr").count()).toBeGreaterThan(5);
    await context.close();
  });
}

export function roleTests(): void {
  it("a viewer sees the figures but no devices or tokens, cannot change anything, and the API refuses too", async () => {
    // Controls that change nothing; every other enabled button on a view would be a bug.
    const harmless = [
      /^(Tool|Category|Status|Risk|Devices 7\sd|Devices 30\sd|Visits|First seen|Last seen)$/,
      /^(To triage|Added to the catalog|Dismissed) \(\d+\)$/,
      /^(Form|Lessons|JSON)$/,
      /^Show changes in v\d+$/,
      /^(Download JSON|Download CSV|Open the printable page)$/,
      /^(Load older entries|Show more.*)$/,
      /^Skip to content$/,
    ];
    const views: Array<[string, string, string | null]> = [
      ["overview", "Overview", null],
      ["inventory", "Inventory", null],
      ["tools/chatgpt", "ChatGPT", "change a review"],
      ["candidates", "Candidates", "triage candidates"],
      ["awareness", "Awareness", null],
      ["policy", "Policy", "edit, validate or publish the policy"],
      ["exceptions", "Exceptions", "decide exception requests"],
      ["audit", "Audit log", null],
      ["evidence", "Evidence", null],
    ];
    for (const [route, heading, note] of views) {
      const page = await open(ctx.viewer, route, heading);
      expect(await text(page.locator(".whoami"))).toContain("viewer");
      const nav = await page.locator("nav.side a").allTextContents();
      expect(nav).not.toContain("Devices");
      expect(nav).toContain("Audit log");
      if (note) expect(await text(page.getByTestId("read-only").first())).toContain(note);
      const enabled = await page
        .locator("body button")
        .evaluateAll((buttons) =>
          buttons
            .filter((b) => !(b as HTMLButtonElement).matches(":disabled"))
            .map((b) => (b.getAttribute("aria-label") ?? b.textContent ?? "").replace(/[▲▼]/g, "").trim()),
        );
      for (const label of enabled) {
        expect(
          harmless.some((pattern) => pattern.test(label)),
          `"${label}" is enabled for a viewer on #/${route}`,
        ).toBe(true);
      }
      const editable = await page
        .locator("main form input, main form select, main form textarea, main .policy-form input")
        .evaluateAll((fields) => fields.filter((f) => !f.matches(":disabled")).map((f) => f.outerHTML.slice(0, 80)));
      if (route !== "inventory") expect(editable, `editable fields on #/${route}`).toEqual([]);
      if (route === "overview") expect(await page.locator(".stat", { hasText: "Flagged devices" }).count()).toBe(0);
      if (route === "tools/chatgpt") await shot(page, "viewer-tool");
      await page.close();
    }

    // Opened by its address, the devices view says it is for admins, and loads nothing.
    const page = await open(ctx.viewer, "devices", "Devices");
    expect(await text(page.getByTestId("admins-only"))).toContain("Devices and enrollment tokens are for admins only");
    expect(await page.locator("table").count()).toBe(0);
    await shot(page, "viewer-devices");
    await page.close();

    const token = ctx.stack.tokens.viewer;
    const refusals = await Promise.all([
      api("/api/admin/tools/chatgpt/review", token, { method: "PUT", body: JSON.stringify({ status: "banned" }) }),
      api("/api/admin/candidates/tinyllm.dev", token, { method: "POST", body: JSON.stringify({ state: "added" }) }),
      api("/api/admin/policy", token, { method: "POST", body: JSON.stringify({ policy: {} }) }),
      api("/api/admin/enrollment-tokens", token, { method: "GET" }),
      api("/api/admin/devices", token, { method: "GET" }),
      api(`/api/admin/devices/${ctx.seeded.devices[0]?.deviceId}/revoke`, token, { method: "POST" }),
    ]);
    expect(refusals.map((r) => r.status)).toEqual([403, 403, 403, 403, 403, 403]);
    expect((await adminGet<ToolDetailResponse>(ctx.stack, "/tools/chatgpt")).review).toBeNull();
  });

  it("keeps working at laptop width and renders no network string as markup anywhere", async () => {
    const page = await open(ctx.admin, "inventory", "Inventory");
    await page.setViewportSize({ width: 1280, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // Tab from the top of the page reaches the skip button, then the navigation.
    await page.evaluate(() => {
      document.body.tabIndex = -1;
      document.body.focus();
      document.body.removeAttribute("tabindex");
    });
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("href"))).toBe("#/overview");
    await page.close();
    for (const route of ["audit", "devices", "exceptions", `tools/${ctx.seeded.reviewedTool}`, "policy"]) {
      const view = await open(ctx.admin, route);
      expect(await view.evaluate(() => document.querySelectorAll("img, script:not([src])").length)).toBe(0);
      await view.close();
    }
  });
}
