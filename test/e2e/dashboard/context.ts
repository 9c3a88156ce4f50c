/**
 * What the dashboard's browser tests share: one stack (worker, local D1, seeded data), one
 * Chromium with an admin and a viewer session, and helpers that open a view, read it as a
 * person would, and fail the test on any dialog, page error or console error (a CSP violation
 * is one).
 */
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { expect } from "vitest";
import { ARTIFACTS, type Stack } from "../harness";
import { type Seeded, SMALL_GROUPS } from "../seed";

export const LAPTOP = { width: 1440, height: 900 };
export const WIDE = { width: 1920, height: 1080 };

export interface Shared {
  stack: Stack;
  browser: Browser;
  admin: BrowserContext;
  viewer: BrowserContext;
  seeded: Seeded;
  problems: string[];
}

/** Filled by the test file's hooks; every test reads it when it runs. */
export const ctx = { problems: [] } as unknown as Shared;

export function watch(page: Page): Page {
  page.on("dialog", (dialog) => {
    ctx.problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on("pageerror", (error) => ctx.problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") ctx.problems.push(`console (${page.url()}): ${message.text()}`);
  });
  return page;
}

/** A context signed in with a token the way the login link does it (session storage). */
export async function signedIn(token: string): Promise<BrowserContext> {
  const context = await ctx.browser.newContext({ viewport: LAPTOP });
  await context.addInitScript((value) => sessionStorage.setItem("shadowlight.adminToken", value), token);
  return context;
}

/** Opens a route and waits for its heading and for every loading indicator to go. */
export async function open(context: BrowserContext, route: string, heading?: string): Promise<Page> {
  const page = watch(await context.newPage());
  await page.goto(`${ctx.stack.serverUrl}/#/${route}`);
  await settle(page, heading);
  return page;
}

export async function settle(page: Page, heading?: string): Promise<void> {
  await page.locator("main h2").first().waitFor();
  if (heading) await page.locator("main h2", { hasText: heading }).first().waitFor();
  await page.waitForFunction(() => document.querySelectorAll('[role="status"].loading').length === 0);
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${ARTIFACTS}/dashboard-${name}.png`, fullPage: true });
}

export const text = async (locator: Locator) => ((await locator.textContent()) ?? "").replace(/\s+/g, " ").trim();
export const number = (value: string) => Number(value.replace(/[^\d.-]/g, ""));
export const n = (value: number) => value.toLocaleString("en");

/** What a figure reads as on screen: the number, or "fewer than k" when the API withheld it. */
export const shown = (value: number | null | undefined, k = 5) =>
  value === null || value === undefined ? `fewer than ${k}` : n(value);

/** The text of a cell that may hold a withheld figure, without its screen-reader explanation. */
export async function visible(locator: Locator): Promise<string> {
  const raw = await locator.evaluate((element) => {
    const copy = element.cloneNode(true) as HTMLElement;
    for (const hidden of Array.from(copy.querySelectorAll(".sr-only"))) hidden.remove();
    return copy.textContent ?? "";
  });
  return raw.replace(/\s+/g, " ").trim();
}

export async function api<T>(
  path: string,
  token: string,
  init: RequestInit = {},
): Promise<{ status: number; body: T }> {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${token}`);
  if (init.body) headers.set("Content-Type", "application/json");
  const response = await fetch(`${ctx.stack.serverUrl}${path}`, { ...init, headers });
  return { status: response.status, body: (await response.json()) as T };
}

/** Whether an element cannot be used, by its own attribute or by a disabled fieldset. */
export const isDisabled = (locator: Locator) => locator.evaluate((element) => element.matches(":disabled"));

/**
 * Groups below k are never named on a view, and every withheld figure explains itself. The
 * enrollment tokens' table, where an admin created the groups, is the one place a name shows.
 */
export async function expectPrivate(page: Page): Promise<void> {
  const content = await page.locator("main").evaluate((main) => {
    const copy = main.cloneNode(true) as HTMLElement;
    for (const tokens of Array.from(copy.querySelectorAll("table.tokens, datalist"))) tokens.remove();
    for (const field of Array.from(copy.querySelectorAll("input, textarea"))) field.remove();
    return copy.textContent ?? "";
  });
  for (const group of SMALL_GROUPS) expect(content, `"${group}" named on ${page.url()}`).not.toContain(group);
  const unexplained = await page
    .locator(".withheld")
    .evaluateAll((cells) => cells.filter((cell) => !cell.getAttribute("title")?.startsWith("Withheld")).length);
  expect(unexplained).toBe(0);
}
