import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReportRequest } from "../../shared/protocol";
import {
  adminGet,
  type Browser,
  deviceCounts,
  expectOnlyCounts,
  extensionStorage,
  openSession,
  type Stack,
  sendNow,
  type Traffic,
} from "./harness";

/*
 * Unknown AI candidates from signals other than hostname words, in real Chromium: a page of a
 * site outside the catalog (no AI words in its name) calling a catalogued AI API host, a
 * sign-in through Google for that site, a lone sign-in for another site, and a new host under
 * a catalogued AI vendor's domain. Only registrable domains and the signal enum may leave.
 * The worker runs with k = 1 so one device's candidates show with figures; the k rules have
 * their own worker tests (test/worker/candidate-signals.test.ts).
 */

const SHOP = "www.northwind-retail.com";
const LONELY = "lonely-bookshop.com";
const VENDOR_HOST = "labs-preview.anthropic.com";
const API_URL = "https://api.openai.com/v1/chat/completions?key=sk-secret-cand-0815";
const CLIENT_ID = "1234567890-secretclient.apps.googleusercontent.com";
const signInUrl = (redirect: string) =>
  `https://accounts.google.com/o/oauth2/v2/auth?client_id=${CLIENT_ID}&response_type=code&scope=${encodeURIComponent(
    "openid email https://www.googleapis.com/auth/drive.readonly",
  )}&state=secret-state-42&redirect_uri=${encodeURIComponent(redirect)}`;

describe("unknown AI candidates from API calls, sign-ins and vendor domains", () => {
  let stack: Stack;
  let browser: Browser;
  let traffic: Traffic[];

  beforeAll(async () => {
    ({ stack, browser, traffic } = await openSession({
      vars: { K_ANONYMITY: "1" },
      hosts: [SHOP, "api.openai.com", "accounts.google.com", VENDOR_HOST],
      recordTraffic: true,
    }));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it("makes a site outside the catalog that calls an AI API a candidate with the aiApi signal", async () => {
    const page = await browser.context.newPage();
    await page.goto(`https://${SHOP}/checkout/order-7781`);
    await page.evaluate(async (url) => {
      await fetch(url, { method: "POST", mode: "no-cors", body: "secret prompt about the customer" });
    }, API_URL);
    await page.close();
    await expect
      .poll(async () => (await deviceCounts(browser))["northwind-retail.com signal:aiApi"], { timeout: 15_000 })
      .toBe(1);
    expect((await deviceCounts(browser))["northwind-retail.com"]).toBe(1);
  });

  it("adds a sign-in for that site, and keeps a lone sign-in for another site on the device", async () => {
    const page = await browser.context.newPage();
    await page.goto(signInUrl(`https://${SHOP}/auth/google/callback`));
    await page.goto(signInUrl(`https://app.${LONELY}/oauth/return`));
    await page.close();
    await expect
      .poll(async () => (await deviceCounts(browser))["northwind-retail.com signal:oauth"], { timeout: 15_000 })
      .toBe(1);
    // The positive sign that the extension decided about the lone one: it keeps it, unsent.
    await expect
      .poll(async () => ((await extensionStorage(browser)).signIns as { domains?: string[] })?.domains, {
        timeout: 15_000,
      })
      .toEqual([LONELY]);
    expect(Object.keys(await deviceCounts(browser)).some((name) => name.includes(LONELY))).toBe(false);
  });

  it("tags a new host under a catalogued AI vendor's domain as a known AI vendor", async () => {
    const page = await browser.context.newPage();
    await page.goto(`https://${VENDOR_HOST}/secret-roadmap?draft=1`);
    await page.close();
    await expect
      .poll(async () => (await deviceCounts(browser))["anthropic.com signal:aiVendor"], { timeout: 15_000 })
      .toBe(1);
  });

  it("sends them, and the triage list shows each with its signals; one call promotes one", async () => {
    const { result, popup } = await sendNow(browser);
    expect(result).toMatch(/^Sent/);
    expect(await popup.getByTestId("sent-kinds").textContent()).toContain("a sign-in with your work account");
    await popup.close();
    type Candidates = { candidates: Array<{ domain: string; signals: string[]; devices: number | null }> };
    const listed = async () => (await adminGet<Candidates>(stack, "/candidates")).candidates;
    await expect
      .poll(async () => (await listed()).map((c) => c.domain).sort(), { timeout: 20_000 })
      .toEqual(["anthropic.com", "northwind-retail.com"]);
    const candidates = await listed();
    expect(candidates.find((c) => c.domain === "northwind-retail.com")).toMatchObject({
      signals: ["aiApi", "oauth"],
      devices: 1,
    });
    expect(candidates.find((c) => c.domain === "anthropic.com")?.signals).toEqual(["aiVendor"]);
    const promoted = await fetch(`${stack.serverUrl}/api/admin/candidates/northwind-retail.com/promote`, {
      method: "POST",
      headers: { Authorization: `Bearer ${stack.tokens.admin}`, "Content-Type": "application/json" },
      body: "{}",
    });
    expect(promoted.status, await promoted.text()).toBe(201);
  });

  it("sent nothing but registrable domains and the signal enum: no host, path, query, client id or scope", () => {
    expectOnlyCounts(traffic, [
      SHOP,
      LONELY,
      VENDOR_HOST,
      "labs-preview",
      "checkout",
      "order-7781",
      "callback",
      "oauth/return",
      "secret-roadmap",
      "secretclient",
      "drive.readonly",
      "secret-state",
      "chat/completions",
      "sk-secret-cand",
      "accounts.google.com",
    ]);
    const reports = traffic.filter((request) => request.url.endsWith("/api/v1/reports"));
    const sent = reports.flatMap((request) => (JSON.parse(request.body) as ReportRequest).candidates ?? []);
    expect(sent.length).toBeGreaterThan(0);
    for (const candidate of sent) {
      expect(Object.keys(candidate).sort()).toEqual(["day", "domain", "n", "signals"]);
      expect(["northwind-retail.com", "anthropic.com"]).toContain(candidate.domain);
    }
  });
});
