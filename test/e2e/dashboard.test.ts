import { mkdirSync, readFileSync } from "node:fs";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type {
  AuditResponse,
  AwarenessResponse,
  CandidatesResponse,
  DevicesResponse,
  EnrollmentTokensResponse,
  ExceptionsResponse,
  InventoryResponse,
  OverviewResponse,
  PolicyListResponse,
  ToolDetailResponse,
} from "../../shared/admin";
import type { PolicyResponse } from "../../shared/protocol";
import { ARTIFACTS, adminGet, CHROMIUM, type Stack, startStack } from "./harness";
import { HOSTILE, type Seeded, seed } from "./seed";

/*
 * The dashboard in real Chromium against the real worker on local D1, seeded through the
 * device API. Every view is compared with what the admin API holds; the review form, the
 * policy editor, triage, exceptions and tokens are exercised through the UI and their effect
 * checked through the API (and the device API where devices would notice). Any dialog, page
 * error or console error (a CSP violation is one) fails the test that caused it.
 */

const LAPTOP = { width: 1440, height: 900 };
const WIDE = { width: 1920, height: 1080 };

let stack: Stack;
let browser: Browser;
let admin: BrowserContext;
let viewer: BrowserContext;
let seeded: Seeded;
let problems: string[] = [];

/** A context signed in with a token the way the login link does it (session storage). */
async function signedIn(token: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: LAPTOP });
  await context.addInitScript((value) => sessionStorage.setItem("shadowlight.adminToken", value), token);
  return context;
}

function watch(page: Page): Page {
  page.on("dialog", (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console (${page.url()}): ${message.text()}`);
  });
  return page;
}

/** Opens a route and waits for its heading and for every loading indicator to go. */
async function open(context: BrowserContext, route: string, heading?: string): Promise<Page> {
  const page = watch(await context.newPage());
  await page.goto(`${stack.serverUrl}/#/${route}`);
  await settle(page, heading);
  return page;
}

async function settle(page: Page, heading?: string): Promise<void> {
  const title = page.locator("main h2").first();
  await title.waitFor();
  if (heading) await page.locator("main h2", { hasText: heading }).first().waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[role="status"].loading').length === 0);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}/dashboard-${name}.png`, fullPage: true });
}

const text = async (locator: Locator) => ((await locator.textContent()) ?? "").replace(/\s+/g, " ").trim();
const number = (value: string) => Number(value.replace(/[^\d.-]/g, ""));
const n = (value: number) => value.toLocaleString("en");

async function api<T>(path: string, token: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${token}`);
  if (init.body) headers.set("Content-Type", "application/json");
  const response = await fetch(`${stack.serverUrl}${path}`, { ...init, headers });
  return { status: response.status, body: (await response.json()) as T };
}

/** Whether an element cannot be used, by its own attribute or by a disabled fieldset. */
const isDisabled = (locator: Locator) => locator.evaluate((element) => element.matches(":disabled"));

describe("the dashboard", () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    stack = await startStack();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--lang=en-US"],
    });
    admin = await signedIn(stack.tokens.admin);
    viewer = await signedIn(stack.tokens.viewer);
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  afterEach(() => {
    const seen = problems;
    problems = [];
    expect(seen).toEqual([]);
  });

  it("tells a new installation what to do next", async () => {
    const page = await open(admin, "overview", "Overview");
    const empty = page.getByRole("region", { name: "No reports yet" });
    await empty.waitFor();
    expect(await text(empty)).toContain("Create an enrollment token");
    expect(await empty.getByRole("link", { name: "Devices" }).getAttribute("href")).toBe("#/devices");
    await shot(page, "empty");
    await page.close();

    // Seeding happens here, after the empty state was seen, through the real device API.
    seeded = await seed(stack);
  });

  it("asks for a token when there is none, and refuses a wrong one", async () => {
    const context = await browser.newContext({ viewport: LAPTOP });
    const page = watch(await context.newPage());
    // The worker answers 401 twice here by design; the console reports those loads.
    page.removeAllListeners("console");
    await page.goto(`${stack.serverUrl}/#/inventory`);
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await page.getByLabel("Admin or viewer token").fill("not-the-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "not valid" }).waitFor();
    await page.getByLabel("Admin or viewer token").fill(stack.tokens.admin);
    await page.getByRole("button", { name: "Sign in" }).click();
    await settle(page, "Inventory");
    expect(await page.locator("tbody tr").count()).toBeGreaterThan(5);
    await context.close();
  });

  it("overview: the figures, top tools and categories and the trend the API reports", async () => {
    const overview = await adminGet<OverviewResponse>(stack, "/overview");
    expect(overview.enrolledDevices).toBe(seeded.devices.length);
    expect(overview.toolsTotal).toBe(seeded.visits.size);
    // Cursor was first used three days ago: new this week.
    expect(overview.toolsNewThisWeek).toBeGreaterThanOrEqual(1);

    const page = await open(admin, "overview", "Overview");
    await page.setViewportSize(WIDE);
    const stats = page.getByTestId("overview-stats");
    const stat = async (label: string) => {
      const card = stats.locator(".stat").filter({ has: page.locator("dt").getByText(label, { exact: true }) });
      return { value: await text(card.locator(".stat-value")), detail: await text(card.locator(".stat-detail")) };
    };
    expect(await stat("AI tools discovered")).toEqual({
      value: n(overview.toolsTotal),
      detail: `${n(overview.toolsNewThisWeek)} new this week`,
    });
    expect(await stat("Active devices (7 days)")).toEqual({
      value: n(overview.activeDevices7),
      detail: `used an AI tool, of ${n(overview.enrolledDevices)} enrolled`,
    });
    expect((await stat("Reporting coverage")).detail).toBe(
      `${n(overview.reportingDevices7)} of ${n(overview.enrolledDevices)} enrolled devices reported in 7 days`,
    );
    const ack = overview.ackCoverage;
    expect(await stat(`Acknowledged policy v${ack.policyVersion}`)).toEqual({
      value: `${Math.round((ack.acknowledged / ack.active) * 100)}%`,
      detail: `${n(ack.acknowledged)} of ${n(ack.active)} active devices`,
    });

    const topRows = page.locator("table.ranking").first().locator("tbody tr");
    expect(await topRows.evaluateAll((rows) => rows.map((row) => row.getAttribute("data-tool")))).toEqual(
      overview.topTools.map((tool) => tool.id),
    );
    for (const [i, tool] of overview.topTools.entries()) {
      expect(await text(topRows.nth(i).locator("td.num"))).toBe(n(tool.devices7));
    }
    const categoryRows = page.locator("table.ranking").nth(1).locator("tbody tr");
    expect(await categoryRows.evaluateAll((rows) => rows.map((row) => row.getAttribute("data-category")))).toEqual(
      overview.topCategories.map((category) => category.category),
    );

    // uPlot drew the trend; its data table holds the API's numbers, day by day.
    await page.locator(".chart .uplot canvas").first().waitFor();
    const dataRows = page.locator(".chart-data tbody tr");
    expect(await dataRows.count()).toBe(overview.trend.length);
    const last = overview.trend.at(-1);
    expect(await text(dataRows.last().locator("td").first())).toBe(n(last?.visits ?? -1));
    await shot(page, "overview");
    await page.close();
  });

  it("inventory: every tool with the API's figures, sortable by mouse and keyboard, filterable", async () => {
    const { tools } = await adminGet<InventoryResponse>(stack, "/inventory");
    // The API holds what the devices sent.
    for (const tool of tools) {
      expect(tool.visits).toBe(seeded.visits.get(tool.id));
      expect(tool.devices30).toBe(seeded.devicesByTool.get(tool.id)?.size);
    }
    const page = await open(admin, "inventory", "Inventory");
    const rows = page.locator("table.inventory tbody tr");
    await rows.first().waitFor();
    const table = async () =>
      rows.evaluateAll((trs) =>
        trs.map((tr) => ({
          id: tr.getAttribute("data-tool") ?? "",
          name: tr.querySelector("th a")?.textContent ?? "",
          cells: Array.from(tr.querySelectorAll("td")).map((td) => td.textContent?.trim() ?? ""),
        })),
      );
    const shown = await table();
    expect(shown.map((row) => row.id).sort()).toEqual(tools.map((tool) => tool.id).sort());
    for (const tool of tools) {
      const row = shown.find((r) => r.id === tool.id);
      expect(row?.name).toBe(tool.name);
      // Columns: category, status, risk, devices 7, devices 30, visits, first, last, sparkline.
      expect(number(row?.cells[3] ?? "")).toBe(tool.devices7);
      expect(number(row?.cells[4] ?? "")).toBe(tool.devices30);
      expect(number(row?.cells[5] ?? "")).toBe(tool.visits);
      expect(row?.cells[1]).toBe(tool.status.replace(/_/g, " "));
      expect(row?.cells[0]).toBe(tool.categoryName);
    }
    expect(await page.locator("table.inventory .sparkline canvas").count()).toBe(tools.length);
    // At laptop width the whole table fits its frame: no column, sparklines included, is cut off.
    expect(await page.locator(".table-scroll").evaluate((frame) => frame.scrollWidth - frame.clientWidth)).toBe(0);

    // Sorting by visits: largest first, then smallest first.
    await page.getByRole("button", { name: "Visits", exact: true }).click();
    let visits = (await table()).map((row) => number(row.cells[5] ?? ""));
    expect(visits).toEqual([...visits].sort((a, b) => b - a));
    expect(await page.locator('th[aria-sort="descending"]').textContent()).toContain("Visits");
    await page.getByRole("button", { name: "Visits", exact: true }).click();
    visits = (await table()).map((row) => number(row.cells[5] ?? ""));
    expect(visits).toEqual([...visits].sort((a, b) => a - b));

    // By keyboard: focus the "Tool" header and press Enter, names A to Z.
    await page.getByRole("button", { name: "Tool", exact: true }).focus();
    await page.keyboard.press("Enter");
    const names = (await table()).map((row) => row.name);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    expect(page.url()).toContain("sort=name");

    // Filters narrow the rows and say how many match.
    await page.getByLabel("Search", { exact: true }).fill("deep");
    const matching = tools.filter((t) => `${t.name} ${t.vendor} ${t.id}`.toLowerCase().includes("deep"));
    await page.waitForFunction(
      (count) => document.querySelectorAll("table.inventory tbody tr").length === count,
      matching.length,
    );
    expect((await table()).map((row) => row.id).sort()).toEqual(matching.map((t) => t.id).sort());
    expect(await text(page.getByTestId("inventory-count"))).toBe(`${matching.length} of ${tools.length} tools match`);
    await page.getByLabel("Search", { exact: true }).fill("");
    await page.getByLabel("Status").selectOption("approved_with_conditions");
    await page.waitForFunction(() => document.querySelectorAll("table.inventory tbody tr").length === 1);
    expect((await table()).map((row) => row.id)).toEqual([seeded.reviewedTool]);
    await page.getByLabel("Status").selectOption("");
    await page.getByLabel("Risk").selectOption("high");
    const high = tools.filter((t) => t.level === "high");
    await page.waitForFunction(
      (count) => document.querySelectorAll("table.inventory tbody tr").length === count,
      high.length,
    );
    await page.getByLabel("Risk").selectOption("");
    await page.getByRole("button", { name: "Devices 30 d", exact: true }).click();
    await shot(page, "inventory");
    await page.close();
  });

  it("tool detail: catalog facts with their sources, usage trend and nudge outcomes", async () => {
    const detail = await adminGet<ToolDetailResponse>(stack, "/tools/chatgpt");
    const page = await open(admin, "tools/chatgpt", "ChatGPT");
    expect(await text(page.locator(".lead"))).toBe(detail.tool.description);
    const facts = page.locator("table.facts tbody tr");
    const expectedFacts = Object.values(detail.tool.facts).filter(Boolean);
    expect(await facts.count()).toBe(expectedFacts.length);
    const sources = await facts.locator("a").evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
    expect(sources.sort()).toEqual(expectedFacts.map((fact) => new URL(fact.source).href).sort());
    for (const link of await facts.locator("a").all()) {
      expect(await link.getAttribute("rel")).toContain("noopener");
    }

    for (const [event, count] of Object.entries(detail.usage.events)) {
      const row = page.getByTestId("outcomes").locator(`tr[data-event="${event}"]`);
      if (event === "visit") continue;
      expect(await text(row.locator("td"))).toBe(n(count ?? 0));
    }
    const usage = page.getByRole("region", { name: "Usage" });
    expect(await text(usage.locator(".stat").filter({ hasText: "Devices, 30 days" }))).toContain(
      n(detail.usage.devices30),
    );
    await page.locator(".chart .uplot canvas").first().waitFor();
    await shot(page, "tool");
    await page.close();
  });

  it("review form: a ban reaches the device's next policy fetch, and hostile text stays text", async () => {
    const device = seeded.devices[0];
    if (!device) throw new Error("no seeded device");
    const before = await api<PolicyResponse>("/api/v1/policy", device.deviceToken);
    expect(before.body.reviews.claude?.status ?? "unreviewed").toBe("unreviewed");

    // The seeded review's owner and notes are hostile markup: shown as the characters typed.
    const reviewed = await open(admin, `tools/${seeded.reviewedTool}`, "Perplexity");
    expect(await reviewed.getByLabel("Owner").inputValue()).toBe(`Search team ${HOSTILE}`);
    expect(await reviewed.getByLabel("Notes").inputValue()).toBe(`Reviewed the terms. ${HOSTILE}`);
    expect(await reviewed.locator("main img").count()).toBe(0);
    await reviewed.close();

    const page = await open(admin, "tools/claude", "Claude");
    await page.getByLabel("Status").selectOption("banned");
    await page.getByLabel("Owner").fill(`SecOps ${HOSTILE}`);
    await page.getByLabel("Notes").fill("Trains on free-tier input; use ChatGPT Enterprise.");
    await page.getByLabel("Next review").fill(seeded.today);
    await page.getByLabel("Approved alternative").selectOption("chatgpt");
    await page.getByRole("button", { name: "Save review" }).click();
    await page.getByRole("status").filter({ hasText: "Saved" }).waitFor();
    await page.locator(".tool-head .badge", { hasText: "banned" }).waitFor();
    expect(await text(page.locator(".review-form .muted.small"))).toContain("by local-admin");
    await shot(page, "review");
    await page.close();

    const detail = await adminGet<ToolDetailResponse>(stack, "/tools/claude");
    expect(detail.review).toMatchObject({ status: "banned", owner: `SecOps ${HOSTILE}`, alternative: "chatgpt" });
    const after = await api<PolicyResponse>("/api/v1/policy", device.deviceToken);
    expect(after.body.reviews.claude).toEqual({ status: "banned", alternative: "chatgpt" });
  });

  it("candidates: unknown domains to triage, dismissed through the UI", async () => {
    const { candidates } = await adminGet<CandidatesResponse>(stack, "/candidates");
    expect(candidates.map((c) => c.domain).sort()).toEqual([...seeded.candidates].sort());
    const page = await open(admin, "candidates", "Candidates");
    const rows = page.locator("tbody tr");
    await rows.first().waitFor();
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-domain")).sort())).toEqual(
      candidates
        .filter((c) => c.state === "new")
        .map((c) => c.domain)
        .sort(),
    );
    for (const candidate of candidates) {
      const row = page.locator(`tr[data-domain="${candidate.domain}"]`);
      expect(number(await text(row.locator("td").nth(0)))).toBe(candidate.devices);
      expect(number(await text(row.locator("td").nth(1)))).toBe(candidate.visits);
    }
    await shot(page, "candidates");
    await page.getByRole("button", { name: "Dismiss: aiwriter-pro.com" }).click();
    await page.locator('tr[data-domain="aiwriter-pro.com"]').waitFor({ state: "detached" });
    await page.getByRole("button", { name: /Dismissed \(1\)/ }).click();
    await page.locator('tr[data-domain="aiwriter-pro.com"]').waitFor();
    await page.close();
    const updated = await adminGet<CandidatesResponse>(stack, "/candidates");
    expect(updated.candidates.find((c) => c.domain === "aiwriter-pro.com")?.state).toBe("dismissed");
  });

  it("awareness: coverage by version and group with small groups suppressed, funnel and trend", async () => {
    const awareness = await adminGet<AwarenessResponse>(stack, "/awareness");
    const page = await open(admin, "awareness", "Awareness");
    for (const version of awareness.versions) {
      const row = page.getByTestId("versions").locator(`tr[data-version="${version.version}"]`);
      expect(await text(row.locator("td.num"))).toBe(`${n(version.acknowledged)} of ${n(version.active)}`);
    }
    const legal = awareness.byGroup.find((g) => g.group === "Legal");
    expect(legal).toMatchObject({ suppressed: true, acknowledged: null, active: null });
    for (const group of awareness.byGroup) {
      const row = page.getByTestId("groups").locator(`tr[data-group="${group.group ?? ""}"]`);
      if (group.suppressed) {
        expect(await text(row.locator("td"))).toBe(`Suppressed: fewer than ${awareness.k} devices`);
      } else {
        expect(await text(row.locator("td.num").first())).toBe(
          `${n(group.acknowledged ?? -1)} of ${n(group.active ?? -1)}`,
        );
      }
    }
    // The suppressed group's figures appear nowhere on the page.
    expect(await text(page.getByTestId("groups").locator('tr[data-group="Legal"]'))).not.toMatch(/\d+ of \d+/);
    for (const [event, count] of Object.entries(awareness.funnel)) {
      const row = page.getByTestId("funnel").locator(`tr[data-event="${event}"]`);
      expect(await text(row.locator("td").first())).toBe(n(count));
    }
    expect(await page.locator(".uplot canvas").count()).toBeGreaterThanOrEqual(2);
    await shot(page, "awareness");
    await page.close();
  });

  it("policy editor: clear validation errors, a preview of each nudge, publish, diff", async () => {
    const device = seeded.devices[1];
    if (!device) throw new Error("no seeded device");
    const page = await open(admin, "policy", "Policy");
    const rule = page.locator('li.rule[data-rule="unreviewed"]');
    // Rules are folded to a summary line until opened.
    expect(await text(rule.locator(".rule-summary"))).toBe("when statuses: unreviewed");
    expect(await rule.getByLabel("Message shown to people").count()).toBe(0);
    await rule.locator(".rule-toggle").click();
    expect(await rule.locator(".rule-toggle").getAttribute("aria-expanded")).toBe("true");
    const message = `Do not paste customer data. ${HOSTILE}`;
    await rule.getByLabel("Message shown to people").fill(message);

    // The preview renders the message as the extension would: as text.
    const preview = page.locator('li.preview-item[data-rule="unreviewed"] .nudge-message');
    await page.waitForFunction(
      (expected) =>
        document.querySelector('li.preview-item[data-rule="unreviewed"] .nudge-message')?.textContent === expected,
      message,
    );
    expect(await preview.locator("img").count()).toBe(0);
    const previewHeading = await text(page.locator('li.preview-item[data-rule="unreviewed"] .nudge-heading'));
    expect(previewHeading).toMatch(/^Before you use /);
    expect(await text(page.locator('li.preview-item[data-rule="sensitive-categories"] .nudge-heading'))).toMatch(
      /^Why do you need .+\?$/,
    );
    expect(await page.locator('li.preview-item[data-rule="sensitive-categories"] fieldset label').count()).toBe(4);

    // An unknown tool id is named in the server's issues, next to the rule it belongs to.
    await rule.getByLabel("Tools (catalog ids)").fill("no-such-tool");
    await page.getByRole("button", { name: "Validate" }).click();
    const validation = page.getByTestId("validation");
    await validation.filter({ hasText: "problem" }).waitFor();
    expect(await text(validation)).toContain("no-such-tool");
    expect(await text(rule.locator(".issues"))).toContain("no-such-tool");
    await shot(page, "policy-invalid");
    await page.locator("section", { has: page.getByRole("heading", { name: "Preview: what people see" }) }).screenshot({
      path: `${ARTIFACTS}/dashboard-policy-preview.png`,
    });

    await rule.getByLabel("Tools (catalog ids)").fill("");
    await page.getByRole("button", { name: "Validate" }).click();
    await validation.filter({ hasText: "The policy is valid." }).waitFor();

    // JSON mode: broken JSON is reported and cannot be published.
    await page.getByRole("button", { name: "JSON", exact: true }).click();
    const editor = page.getByLabel(/Policy as JSON/);
    const json = await editor.inputValue();
    expect(JSON.parse(json).rules.find((r: { id: string }) => r.id === "unreviewed").message).toBe(message);
    await editor.fill(`${json.slice(0, -2)}`);
    await page.getByRole("alert").filter({ hasText: "Not valid JSON" }).waitFor();
    expect(await isDisabled(page.getByRole("button", { name: /^Publish as v/ }))).toBe(true);
    await editor.fill(json);
    await page.getByRole("button", { name: "Form", exact: true }).click();

    await page.getByRole("button", { name: "Publish as v2" }).click();
    await page.getByRole("status").filter({ hasText: "Published version v2" }).waitFor();
    const policies = await adminGet<PolicyListResponse>(stack, "/policy");
    expect(policies.current.version).toBe(2);
    expect(policies.current.rules.find((r) => r.id === "unreviewed")?.message).toBe(message);
    const fetched = await api<PolicyResponse>("/api/v1/policy", device.deviceToken);
    expect(fetched.body.policy.version).toBe(2);

    // The history shows what v2 changed against v1.
    await page.getByTestId("policy-versions").locator('tr[data-version="2"]').waitFor();
    const diff = page
      .locator("section", { has: page.getByRole("heading", { name: "Published versions" }) })
      .getByTestId("diff");
    await diff.waitFor();
    expect(await text(diff.locator(".diff-added"))).toContain("Do not paste customer data.");
    expect(await text(diff.locator(".diff-removed"))).toContain("This AI tool has not been reviewed yet.");
    await shot(page, "policy");
    await page.close();
  });

  it("exceptions register: the requests, the seeded decision, a decision made in the UI", async () => {
    const { exceptions } = await adminGet<ExceptionsResponse>(stack, "/exceptions");
    expect(exceptions.length).toBe(seeded.justifications.size);
    const page = await open(admin, "exceptions", "Exceptions");
    for (const entry of exceptions) {
      const row = page.locator(`tr[data-exception="${entry.tool}/${entry.reason}"]`);
      expect(await text(row.locator("th"))).toBe(entry.toolName);
      expect(await text(row.locator("td").nth(0))).toBe(entry.reasonLabel);
      expect(number(await text(row.locator("td").nth(1)))).toBe(entry.requests);
      expect(number(await text(row.locator("td").nth(2)))).toBe(entry.devices);
      expect(await row.locator("select").inputValue()).toBe(entry.decision);
    }
    const decided = seeded.decidedException;
    const decidedRow = page.locator(`tr[data-exception="${decided.tool}/${decided.reason}"]`);
    expect(await text(decidedRow.locator(".owner"))).toBe(`Owner: Legal ${HOSTILE}`);
    expect(await page.locator("main img").count()).toBe(0);

    const pending = exceptions.find((e) => e.decision === "pending");
    if (!pending) throw new Error("the seed left no pending exception");
    const row = page.locator(`tr[data-exception="${pending.tool}/${pending.reason}"]`);
    await row.locator("select").selectOption("denied");
    await row.getByPlaceholder("Owner").fill("Governance board");
    await row.getByRole("button", { name: "Save" }).click();
    await page.waitForFunction(
      (key) => document.querySelector(`tr[data-exception="${key}"] .owner`)?.textContent === "Owner: Governance board",
      `${pending.tool}/${pending.reason}`,
    );
    await shot(page, "exceptions");
    await page.close();
    const updated = await adminGet<ExceptionsResponse>(stack, "/exceptions");
    expect(updated.exceptions.find((e) => e.tool === pending.tool && e.reason === pending.reason)).toMatchObject({
      decision: "denied",
      owner: "Governance board",
    });
  });

  it("devices and enrollment tokens: listed as the API holds them, created and revoked in the UI", async () => {
    const devices = await adminGet<DevicesResponse>(stack, "/devices");
    const page = await open(admin, "devices", "Devices");
    const stat = (label: string) =>
      page
        .locator(".stat")
        .filter({ has: page.getByText(label, { exact: true }) })
        .locator(".stat-value");
    expect(await text(stat("Enrolled"))).toBe(n(devices.enrolled));
    expect(await text(stat("Reporting (7 days)"))).toBe(n(devices.reporting7));
    expect(await text(stat("Revoked"))).toBe(n(devices.revoked));
    expect(await page.locator("table.devices tbody tr").count()).toBe(devices.devices.length);
    // Legal has two devices: its label is withheld in the list too.
    const legalDevice = seeded.devices.find((d) => d.group === "Legal");
    const legalRow = page.locator(`tr[data-device="${legalDevice?.deviceId}"]`);
    expect(await text(legalRow.locator("td").first())).toContain("withheld");
    expect(await text(page.locator("table.devices"))).not.toContain("Legal");

    // The seeded token's hostile label is text.
    const tokens = page.locator("table.tokens tbody tr");
    expect(await text(tokens.filter({ hasText: "Rollout" }).locator("th"))).toBe(seeded.tokenLabel);
    expect(await page.locator("main img").count()).toBe(0);

    await page.getByLabel("Label").fill("Finance laptops");
    await page.getByRole("button", { name: "Create token" }).click();
    const created = page.getByTestId("new-token");
    await created.waitFor();
    const token = await text(created.locator("code"));
    expect(token.length).toBeGreaterThan(20);
    const enrolled = await fetch(`${stack.serverUrl}/api/v1/enroll`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token }),
    });
    expect(enrolled.status).toBe(201);

    const listed = await adminGet<EnrollmentTokensResponse>(stack, "/enrollment-tokens");
    const finance = listed.tokens.find((t) => t.label === "Finance laptops");
    if (!finance) throw new Error("the new token is not listed");
    const financeRow = page.locator(`tr[data-token="${finance.id}"]`);
    await financeRow.getByRole("button", { name: "Revoke token Finance laptops" }).click();
    await financeRow.getByRole("button", { name: "Revoke this token" }).click();
    await financeRow.filter({ hasText: "revoked" }).waitFor();
    const refused = await fetch(`${stack.serverUrl}/api/v1/enroll`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token }),
    });
    expect(refused.status).toBe(401);

    // Revoking a device stops its token at once.
    const victim = seeded.devices.at(-1);
    if (!victim) throw new Error("no seeded device");
    const victimRow = page.locator(`tr[data-device="${victim.deviceId}"]`);
    await victimRow.getByRole("button", { name: `Revoke device ${victim.deviceId}` }).click();
    await victimRow.getByRole("button", { name: "Revoke this device" }).click();
    await victimRow.waitFor({ state: "detached" });
    expect((await api("/api/v1/policy", victim.deviceToken)).status).toBe(401);
    await page.getByLabel("Show revoked devices").check();
    await page.locator(`tr.revoked[data-device="${victim.deviceId}"]`).waitFor();
    await shot(page, "devices");
    await page.close();
  });

  it("audit log: every change made above, newest first, hostile details as text", async () => {
    const { entries } = await adminGet<AuditResponse>(stack, "/audit?limit=50");
    const page = await open(admin, "audit", "Audit log");
    const rows = page.locator("table.audit tbody tr");
    expect(await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute("data-audit"))))).toEqual(
      entries.map((entry) => entry.id),
    );
    const actions = new Set(entries.map((entry) => entry.action));
    expect(actions.size).toBeGreaterThanOrEqual(5);
    for (const entry of entries) {
      const row = page.locator(`tr[data-audit="${entry.id}"]`);
      expect(await text(row.locator("th"))).toBe(entry.action.replace(/[._-]+/g, " "));
      expect(await text(row.locator("td").nth(1))).toBe(entry.actor);
    }
    expect(await text(page.locator("table.audit"))).toContain(HOSTILE);
    expect(await page.locator("main img").count()).toBe(0);
    await shot(page, "audit");
    await page.close();
  });

  it("evidence: the JSON and CSV downloads and the printable page", async () => {
    const page = await open(admin, "evidence", "Evidence");
    const [json] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download JSON" }).click(),
    ]);
    const pack = JSON.parse(readFileSync((await json.path()) as string, "utf8")) as {
      period: { from: string; to: string };
      figures: Array<{ statement: string; id: string }>;
    };
    expect(pack.period.to).toBe(seeded.today);
    expect(pack.figures.length).toBeGreaterThan(0);
    // The view states every figure of the pack, as the pack words it.
    const figures = page.getByTestId("evidence-figures").locator("tbody tr");
    expect(await figures.count()).toBe(pack.figures.length);
    for (const [i, figure] of pack.figures.entries()) {
      expect(await text(figures.nth(i).locator("th"))).toContain(figure.statement);
    }
    const [csv] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download CSV" }).click(),
    ]);
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);
    expect(readFileSync((await csv.path()) as string, "utf8").split("\n").length).toBeGreaterThan(2);
    await page.getByRole("status").filter({ hasText: "Downloaded" }).waitFor();

    const [printable] = await Promise.all([
      page.waitForEvent("popup"),
      page.getByRole("button", { name: "Open the printable page" }).click(),
    ]);
    watch(printable);
    await printable.waitForLoadState();
    await printable.waitForFunction(() => (document.body?.textContent ?? "").includes(" of "));
    const body = await text(printable.locator("body"));
    expect(body).toContain(pack.figures[0]?.statement ?? "no statement");
    await printable.screenshot({ path: `${ARTIFACTS}/dashboard-evidence-printable.png`, fullPage: true });
    await shot(page, "evidence");
    await printable.close();
    await page.close();
  });

  it("a viewer sees every view but cannot change anything, and the API refuses too", async () => {
    // Controls that change nothing; every other enabled button on a view would be a bug.
    const harmless = [
      /^(Tool|Category|Status|Risk|Devices 7\sd|Devices 30\sd|Visits|First seen|Last seen)$/,
      /^(To triage|Added to the catalog|Dismissed) \(\d+\)$/,
      /^(Form|JSON)$/,
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
      ["devices", "Devices", "revoke devices"],
      ["audit", "Audit log", null],
      ["evidence", "Evidence", null],
    ];
    for (const [route, heading, note] of views) {
      const page = await open(viewer, route, heading);
      expect(await text(page.locator(".whoami"))).toContain("viewer");
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
      // Form fields that would change something are disabled too.
      const editable = await page
        .locator("main form input, main form select, main form textarea, main .policy-form input")
        .evaluateAll((fields) => fields.filter((f) => !f.matches(":disabled")).map((f) => f.outerHTML.slice(0, 80)));
      if (route !== "inventory") expect(editable, `editable fields on #/${route}`).toEqual([]);
      if (route === "tools/chatgpt") await shot(page, "viewer-tool");
      if (route === "policy") await shot(page, "viewer-policy");
      await page.close();
    }

    const token = stack.tokens.viewer;
    const refusals = await Promise.all([
      api("/api/admin/tools/chatgpt/review", token, { method: "PUT", body: JSON.stringify({ status: "banned" }) }),
      api("/api/admin/candidates/tinyllm.dev", token, { method: "POST", body: JSON.stringify({ state: "added" }) }),
      api("/api/admin/policy", token, { method: "POST", body: JSON.stringify({ policy: {} }) }),
      api("/api/admin/enrollment-tokens", token, { method: "POST", body: JSON.stringify({ label: "viewer" }) }),
      api(`/api/admin/devices/${seeded.devices[0]?.deviceId}/revoke`, token, { method: "POST" }),
    ]);
    expect(refusals.map((r) => r.status)).toEqual([403, 403, 403, 403, 403]);
    expect((await adminGet<ToolDetailResponse>(stack, "/tools/chatgpt")).review).toBeNull();
  });

  it("keeps working at laptop width and renders no network string as markup anywhere", async () => {
    const page = await open(admin, "inventory", "Inventory");
    await page.setViewportSize({ width: 1280, height: 800 });
    // The table scrolls inside its frame rather than pushing the page sideways.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    // Tab from the top of the page reaches the skip button, then the navigation.
    await page.evaluate(() => {
      // Focusing the body moves the sequential focus starting point to the top.
      document.body.tabIndex = -1;
      document.body.focus();
      document.body.removeAttribute("tabindex");
    });
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("href"))).toBe("#/overview");
    await page.close();
    for (const route of ["audit", "devices", "exceptions", `tools/${seeded.reviewedTool}`, "policy"]) {
      const view = await open(admin, route);
      expect(await view.evaluate(() => document.querySelectorAll("img, script:not([src])").length)).toBe(0);
      await view.close();
    }
  });
});
