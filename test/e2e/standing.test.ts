import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ARTIFACTS,
  type Browser,
  decided,
  deviceCounts,
  enrolledDeviceId,
  openSession,
  sendNow as pressSendNow,
  type Stack,
  type Traffic,
} from "./harness";

/*
 * The device's standing with its organization's server, in the real browser against the real
 * worker: the group the server decides, a revocation (reporting stops, the popup says so, the
 * device never enrolls again with the same token), the admin re-admitting it, a group the
 * server does not know, and a new token that brings a new enrollment in the token's group.
 */
describe("the device's standing with its server", () => {
  let stack: Stack;
  let browser: Browser;
  let traffic: Traffic[] = [];

  beforeAll(async () => {
    ({ stack, browser, traffic } = await openSession({ hosts: ["chatgpt.com"], recordTraffic: true }));
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const deviceId = () => enrolledDeviceId(browser);

  async function admin(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${stack.tokens.admin}`);
    if (init.body) headers.set("Content-Type", "application/json");
    return fetch(`${stack.serverUrl}/api/admin${path}`, { ...init, headers });
  }

  /** Presses "Send now" and returns the popup's result and the device's standing line. */
  async function sendNow(): Promise<{ result: string; standing: string }> {
    const { result: text, popup } = await pressSendNow(browser);
    // The popup reloads its status after sending.
    await popup.getByTestId("standing").waitFor();
    const standing = (await popup.getByTestId("standing").textContent()) ?? "";
    await popup.screenshot({ path: `${ARTIFACTS}/popup-standing.png`, fullPage: true });
    await popup.close();
    return { result: text, standing };
  }

  async function visitChatGpt(): Promise<void> {
    const page = await browser.context.newPage();
    const since = Date.now();
    await page.goto("https://chatgpt.com/");
    // The positive sign that the extension saw the page: it decided on a nudge for it.
    await decided(browser, "chatgpt", since);
    await page.close();
  }

  async function options(): Promise<Page> {
    const page = await browser.context.newPage();
    await page.goto(`chrome-extension://${browser.extensionId}/options.html`);
    await page.getByRole("button", { name: "Save" }).waitFor();
    return page;
  }

  it("revoked: reporting stops, the popup says so, and the same token never enrolls it again", async () => {
    await expect.poll(deviceId, { timeout: 20_000 }).toBeTruthy();
    const id = await deviceId();
    // Whatever the first synchronization queued is delivered first.
    expect((await sendNow()).result).toContain("Sent");
    await visitChatGpt();
    expect(await deviceCounts(browser)).toMatchObject({ "chatgpt visit v1": 1 });
    expect((await admin(`/devices/${id}/revoke`, { method: "POST" })).status).toBe(200);

    const revoked = await sendNow();
    expect(revoked.result).toContain("Not sent");
    expect(revoked.standing).toContain("removed this device from reporting");
    // Nothing is counted any more.
    await visitChatGpt();
    expect((await deviceCounts(browser))["chatgpt visit v1"]).toBe(1);
    // And no new pseudonym: Send now again asks the server only whether it was re-admitted.
    const enrollmentsBefore = traffic.filter((request) => request.url.endsWith("/api/v1/enroll")).length;
    expect((await sendNow()).standing).toContain("removed this device from reporting");
    expect(traffic.filter((request) => request.url.endsWith("/api/v1/enroll")).length).toBe(enrollmentsBefore);
    expect(await deviceId()).toBe(id);
  });

  it("re-admitted: the next synchronization resumes reporting under the same pseudonym", async () => {
    const id = await deviceId();
    expect((await admin(`/devices/${id}/readmit`, { method: "POST" })).status).toBe(200);
    const readmitted = await sendNow();
    expect(readmitted.standing).not.toContain("removed");
    await visitChatGpt();
    await expect.poll(async () => (await deviceCounts(browser))["chatgpt visit v1"]).toBe(2);
    expect((await sendNow()).result).toContain("Sent");
    expect(await deviceId()).toBe(id);
  });

  it("a group the server does not know is named as the problem, and the device keeps its pseudonym", async () => {
    const id = await deviceId();
    const page = await options();
    await page.getByLabel("Group (optional)").fill("Nowhere");
    await page.getByRole("button", { name: "Save" }).click();
    const standing = page.getByTestId("standing").filter({ hasText: "does not know the group" });
    await standing.waitFor({ timeout: 20_000 });
    expect(await standing.textContent()).toContain("“Nowhere”");
    await page.screenshot({ path: `${ARTIFACTS}/options-group-unknown.png`, fullPage: true });
    // Back to no group: the earlier enrollment stands again.
    await page.getByLabel("Group (optional)").fill("");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByTestId("standing").filter({ hasText: "No group" }).waitFor({ timeout: 20_000 });
    expect(await deviceId()).toBe(id);
    await page.close();
  });

  it("a new token enrolls anew, in the group the server gives that token", async () => {
    const id = await deviceId();
    const created = await admin("/enrollment-tokens", {
      method: "POST",
      body: JSON.stringify({ label: "Legal laptops", group: "Legal", maxDevices: 10 }),
    });
    expect(created.status).toBe(201);
    const { token } = (await created.json()) as { token: string };
    const page = await options();
    await page.getByLabel("Enrollment token").fill(token);
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByTestId("standing").filter({ hasText: "Group: Legal" }).waitFor({ timeout: 20_000 });
    await page.screenshot({ path: `${ARTIFACTS}/options-server-group.png`, fullPage: true });
    await page.close();
    expect(await deviceId()).not.toBe(id);
  });
});
