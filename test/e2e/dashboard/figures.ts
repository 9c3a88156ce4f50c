/**
 * The views that read figures: each compared with what the admin API holds, withheld figures
 * shown as "fewer than k" (never a 0), withheld tools and domains still listed with the reason.
 */
import { expect, it } from "vitest";
import type {
  AwarenessResponse,
  CandidatesResponse,
  InventoryResponse,
  OverviewResponse,
  ToolDetailResponse,
} from "../../../shared/admin";
import { shortDay } from "../../../worker/dashboard/src/format";
import { adminGet } from "../harness";
import { ctx, expectPrivate, n, number, open, shot, shown, text, visible, WIDE } from "./context";

export function figureTests(): void {
  it("overview: fleet figures, top tools, the trend, the database's size and the flagged devices", async () => {
    const overview = await adminGet<OverviewResponse>(ctx.stack, "/overview");
    expect(overview.enrolledDevices).toBe(ctx.seeded.devices.length - 1);
    expect(overview.toolsNewThisWeek).toBeGreaterThanOrEqual(1);
    const page = await open(ctx.admin, "overview", "Overview");
    await page.setViewportSize(WIDE);
    const stats = page.getByTestId("overview-stats");
    const stat = async (label: string) => {
      const card = stats.locator(".stat").filter({ has: page.locator("dt").getByText(label, { exact: true }) });
      return { value: await visible(card.locator(".stat-value")), detail: await visible(card.locator(".stat-detail")) };
    };
    expect(await stat("AI tools discovered")).toEqual({
      value: n(overview.toolsTotal),
      detail: `${n(overview.toolsNewThisWeek)} new this week`,
    });
    expect(await stat("Active devices (7 days)")).toEqual({
      value: shown(overview.activeDevices7),
      detail: `used an AI tool, of ${shown(overview.enrolledDevices)} enrolled`,
    });
    const ack = overview.ackCoverage;
    expect((await stat(`Acknowledged policy v${ack.policyVersion}`)).detail).toBe(
      `${n(ack.acknowledged ?? -1)} of ${n(ack.active ?? -1)} active devices`,
    );
    // Two devices stand out: the overview says so and leads to the review.
    expect((await stat("Flagged devices to review")).value).toBe("2");

    const topRows = page.getByTestId("top-tools").locator("tbody tr");
    expect(await topRows.evaluateAll((rows) => rows.map((row) => row.getAttribute("data-tool")))).toEqual(
      overview.topTools.map((tool) => tool.id),
    );
    // Tools used by fewer than k devices are not ranked at all.
    expect(overview.topTools.every((tool) => tool.devices7 >= 5)).toBe(true);

    // uPlot drew the trend; its data table holds the API's numbers, withheld days included.
    await page.locator(".chart .uplot canvas").first().waitFor();
    const dataRows = page.locator("section", { hasText: "Usage, last 30 days" }).locator(".chart-data tbody tr");
    expect(await dataRows.count()).toBe(overview.trend.length);
    for (const [i, point] of overview.trend.entries()) {
      expect(await visible(dataRows.nth(i).locator("td").first())).toBe(shown(point.visits));
    }

    // The database: its size against D1's cap, and the growth over the week the daily job recorded.
    const storage = page.getByTestId("storage");
    expect(overview.storage.history.length).toBe(2);
    expect(await text(storage)).toContain("of D1's 10 GB cap");
    expect(await text(storage.locator(".stat").filter({ hasText: "Counter rows" }).locator(".stat-value"))).toBe(
      n(overview.storage.counterRows),
    );
    expect(await text(storage.locator(".stat").filter({ hasText: "Growth" }).locator(".stat-detail"))).toBe(
      "over the last 7 days",
    );
    expect(await text(page.getByTestId("storage-outlook"))).toMatch(/^At this pace the database/);
    await storage.locator(".uplot canvas").waitFor();
    await expectPrivate(page);
    await shot(page, "overview");

    await stats.getByRole("link", { name: /kept out of evidence/ }).click();
    await page.getByRole("heading", { name: "Outlier review" }).waitFor();
    await page.close();
  });

  it("inventory: every tool, withheld ones listed with the reason, sortable and filterable", async () => {
    const { tools } = await adminGet<InventoryResponse>(ctx.stack, "/inventory");
    const withheld = tools.filter((tool) => tool.withheld);
    expect(withheld.map((tool) => tool.id)).toEqual(expect.arrayContaining(["deepseek", "character-ai"]));
    for (const tool of tools.filter((t) => !t.withheld)) {
      expect(tool.visits).toBe(ctx.seeded.visits.get(tool.id));
      expect(tool.devices30).toBe(ctx.seeded.devicesByTool.get(tool.id)?.size);
    }
    const page = await open(ctx.admin, "inventory", "Inventory");
    const rows = page.locator("table.inventory tbody tr");
    await rows.first().waitFor();
    const table = async () =>
      rows.evaluateAll((trs) =>
        trs.map((tr) => {
          const cells = Array.from(tr.querySelectorAll("td")).map((td) => {
            const copy = td.cloneNode(true) as HTMLElement;
            for (const hidden of Array.from(copy.querySelectorAll(".sr-only"))) hidden.remove();
            return (copy.textContent ?? "").replace(/\s+/g, " ").trim();
          });
          return { id: tr.getAttribute("data-tool") ?? "", name: tr.querySelector("th a")?.textContent ?? "", cells };
        }),
      );
    const listed = await table();
    expect(listed.map((row) => row.id).sort()).toEqual(tools.map((tool) => tool.id).sort());
    for (const tool of tools) {
      const row = listed.find((r) => r.id === tool.id);
      expect(row?.cells[0]).toBe(tool.categoryName);
      if (tool.withheld) {
        // Listed, with one cell saying why its figures are missing; its days are weeks.
        expect(row?.cells.slice(3)).toEqual([
          "fewer than 5 devices: figures withheld",
          `week of ${shortDay(tool.firstSeen)}`,
          `week of ${shortDay(tool.lastSeen)}`,
          "withheld",
        ]);
      } else {
        // Columns: category, status, risk, devices 7, devices 30, visits, first, last, sparkline.
        expect(row?.cells.slice(3, 6)).toEqual([shown(tool.devices7), shown(tool.devices30), shown(tool.visits)]);
      }
    }
    expect(listed.find((r) => r.id === ctx.seeded.reviewedTool)?.cells[1]).toBe("Approved with conditions");
    expect(await text(page.getByTestId("inventory-count"))).toBe(
      `${tools.length} tools, ${withheld.length} used by fewer than 5 devices (figures withheld)`,
    );
    expect(await page.locator(".withheld-note").count()).toBe(1);
    // At laptop width the whole table fits its frame: no column, sparklines included, is cut off.
    expect(await page.locator(".table-scroll").evaluate((frame) => frame.scrollWidth - frame.clientWidth)).toBe(0);

    // Sorting by visits: largest first, withheld last, then smallest first, withheld still last.
    const visitsOrder = async () =>
      (await table()).map((row) => (row.cells.length === 9 ? number(row.cells[5] ?? "") : null));
    const numeric = (list: Array<number | null>) => list.filter((v) => v !== null);
    await page.getByRole("button", { name: "Visits", exact: true }).click();
    let visits = await visitsOrder();
    expect(numeric(visits)).toEqual([...numeric(visits)].sort((a, b) => b - a));
    expect(visits.slice(-withheld.length)).toEqual(withheld.map(() => null));
    await page.getByRole("button", { name: "Visits", exact: true }).click();
    visits = await visitsOrder();
    expect(numeric(visits)).toEqual([...numeric(visits)].sort((a, b) => a - b));
    expect(visits.slice(-withheld.length)).toEqual(withheld.map(() => null));

    // By keyboard: focus the "Tool" header and press Enter, names A to Z.
    await page.getByRole("button", { name: "Tool", exact: true }).focus();
    await page.keyboard.press("Enter");
    const names = (await table()).map((row) => row.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    expect(page.url()).toContain("sort=name");

    await page.getByLabel("Search", { exact: true }).fill("deep");
    const matching = tools.filter((t) => `${t.name} ${t.vendor} ${t.id}`.toLowerCase().includes("deep"));
    await page.waitForFunction(
      (count) => document.querySelectorAll("table.inventory tbody tr").length === count,
      matching.length,
    );
    expect(await text(page.getByTestId("inventory-count"))).toMatch(
      new RegExp(`^${matching.length} of ${tools.length} tools match`),
    );
    await page.getByLabel("Search", { exact: true }).fill("");
    await page.getByLabel("Status").selectOption("approved_with_conditions");
    await page.waitForFunction(() => document.querySelectorAll("table.inventory tbody tr").length === 1);
    await page.getByLabel("Status").selectOption("");
    await page.getByRole("button", { name: "Devices 30 d", exact: true }).click();
    await expectPrivate(page);
    await shot(page, "inventory");
    await page.close();
  });

  it("tool detail: a tool in use with its figures, and a withheld tool that says why", async () => {
    const detail = await adminGet<ToolDetailResponse>(ctx.stack, "/tools/chatgpt");
    const page = await open(ctx.admin, "tools/chatgpt", "ChatGPT");
    expect(await text(page.locator(".lead"))).toBe(detail.tool.description);
    for (const [event, count] of Object.entries(detail.usage.events)) {
      if (event === "visit") continue;
      const row = page.getByTestId("outcomes").locator(`tr[data-event="${event}"]`);
      expect(await text(row.locator("td"))).toBe(n(count ?? 0));
    }
    expect(await text(page.getByTestId("outcomes").locator('tr[data-event="nudge_tampered"] th'))).toBe(
      "Nudge hidden by the page",
    );
    await page.locator(".chart .uplot canvas").first().waitFor();
    await shot(page, "tool");
    await page.close();

    const hidden = await adminGet<ToolDetailResponse>(ctx.stack, "/tools/deepseek");
    expect(hidden.usage).toMatchObject({ withheld: true, devices30: null, events: {} });
    const withheld = await open(ctx.admin, "tools/deepseek", "DeepSeek Chat");
    expect(await text(withheld.getByTestId("tool-withheld"))).toContain("Fewer than 5 devices have used DeepSeek Chat");
    const usage = withheld.getByRole("region", { name: "Usage" });
    expect(await visible(usage.locator(".stat").filter({ hasText: "Devices, 30 days" }).locator(".stat-value"))).toBe(
      "fewer than 5",
    );
    expect(await text(usage.locator(".stat").filter({ hasText: "First seen" }).locator(".stat-value"))).toMatch(
      /^week of /,
    );
    expect(await text(withheld.getByTestId("trend-withheld"))).toContain("the daily figures are withheld");
    expect(await withheld.locator(".uplot").count()).toBe(0);
    expect(await text(withheld.getByRole("region", { name: "Nudge outcomes" }))).toContain("Withheld");
    await expectPrivate(withheld);
    await shot(withheld, "tool-withheld");
    await withheld.close();
  });

  it("candidates: signals shown, figures of a domain few devices saw withheld, triage and promotion through the UI", async () => {
    const { candidates } = await adminGet<CandidatesResponse>(ctx.stack, "/candidates");
    expect(candidates.map((c) => c.domain).sort()).toEqual([...ctx.seeded.candidates].sort());
    const page = await open(ctx.admin, "candidates", "Candidates");
    await page.locator("tbody tr").first().waitFor();
    for (const candidate of candidates) {
      const row = page.locator(`tr[data-domain="${candidate.domain}"]`);
      // The seeded devices report no signals, as extensions older than signals: hostname words.
      expect(await text(row.getByTestId("signals"))).toBe("AI words in the hostname");
      expect(await visible(row.locator("td").nth(1))).toBe(shown(candidate.devices));
      expect(await visible(row.locator("td").nth(2))).toBe(shown(candidate.visits));
    }
    const quiet = page.locator('tr[data-domain="quietprompt.net"]');
    expect(await text(quiet.locator("th"))).toContain("seen by fewer than 5 devices");
    expect(await text(quiet.locator("td").nth(3))).toMatch(/^week of .+ – week of /);
    // Withheld domains sort last: they have no size.
    expect(await page.locator("tbody tr").last().getAttribute("data-domain")).toBe("quietprompt.net");
    await shot(page, "candidates");
    await page.getByRole("button", { name: "Dismiss: aiwriter-pro.com" }).click();
    await page.locator('tr[data-domain="aiwriter-pro.com"]').waitFor({ state: "detached" });
    await page.getByRole("button", { name: /Dismissed \(1\)/ }).click();
    await page.locator('tr[data-domain="aiwriter-pro.com"]').waitFor();
    // One click makes a candidate an organization catalog entry.
    await page.getByRole("button", { name: /To triage/ }).click();
    await page.getByRole("button", { name: "Add to the catalog: promptforge.io" }).click();
    await page.locator('tr[data-domain="promptforge.io"]').waitFor({ state: "detached" });
    await page.close();
    const updated = await adminGet<CandidatesResponse>(ctx.stack, "/candidates");
    expect(updated.candidates.find((c) => c.domain === "aiwriter-pro.com")?.state).toBe("dismissed");
    expect(updated.candidates.find((c) => c.domain === "promptforge.io")?.state).toBe("added");
    const { entries } = await adminGet<{ entries: Array<{ entry: { id: string; hosts: string[] } }> }>(
      ctx.stack,
      "/organization",
    );
    expect(entries.find((e) => e.entry.id === "org-promptforge-io")?.entry.hosts).toEqual(["promptforge.io"]);
  });

  it("awareness: distinct devices by version and group, small groups merged, funnel and trend", async () => {
    const awareness = await adminGet<AwarenessResponse>(ctx.stack, "/awareness");
    const page = await open(ctx.admin, "awareness", "Awareness");
    for (const version of awareness.versions) {
      const row = page.getByTestId("versions").locator(`tr[data-version="${version.version}"]`);
      expect(await visible(row.locator("td.running"))).toBe(shown(version.running));
      expect(await visible(row.locator("td.num:not(.running)"))).toBe(
        `${n(version.acknowledged ?? -1)} of ${n(version.active ?? -1)}`,
      );
    }
    // Legal (2) and Finance (3) are merged into one row of 5 devices, never named.
    const other = awareness.byGroup.find((g) => g.other);
    expect(other).toMatchObject({ group: null, suppressed: false, active: 5 });
    expect(awareness.byGroup.some((g) => g.group === "Legal" || g.group === "Finance")).toBe(false);
    const groups = page.getByTestId("groups");
    const otherRow = groups.locator('tr[data-group="(other)"]');
    expect(await text(otherRow.locator("th > .muted"))).toBe("Other groups");
    expect(await text(otherRow.locator("th > .vendor"))).toContain("groups under 5 devices");
    expect(await visible(otherRow.locator("td.num"))).toBe(`${n(other?.acknowledged ?? -1)} of 5`);
    expect(await text(groups.locator('tr[data-group=""] th'))).toBe("No group");
    for (const group of awareness.byGroup.filter((g) => !g.other && g.group)) {
      const row = groups.locator(`tr[data-group="${group.group}"]`);
      expect(await visible(row.locator("td.num"))).toBe(`${n(group.acknowledged ?? -1)} of ${n(group.active ?? -1)}`);
    }
    for (const [event, count] of Object.entries(awareness.funnel)) {
      const row = page.getByTestId("funnel").locator(`tr[data-event="${event}"]`);
      expect(await visible(row.locator("td").first())).toBe(shown(count));
    }
    expect(await page.locator(".uplot canvas").count()).toBeGreaterThanOrEqual(2);
    await expectPrivate(page);
    await shot(page, "awareness");
    await page.close();
  });
}
