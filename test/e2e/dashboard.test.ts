import { mkdirSync } from "node:fs";
import { chromium } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { adminTests } from "./dashboard/admin";
import { changeTests } from "./dashboard/changes";
import { ctx, open, shot, signedIn, text } from "./dashboard/context";
import { figureTests } from "./dashboard/figures";
import { lessonTests } from "./dashboard/lessons";
import { roleTests, signInTest } from "./dashboard/roles";
import { ARTIFACTS, CHROMIUM, startStack } from "./harness";
import { seed } from "./seed";

/*
 * The dashboard in real Chromium against the real worker on local D1, seeded through the
 * device API. Every view is compared with what the admin API holds, k-anonymity included
 * (withheld figures, merged small groups, groups never named); every control is exercised
 * through the UI and its effect checked through the API (and the device API where devices
 * would notice). Any dialog, page error or console error (a CSP violation is one) fails the
 * test that caused it. The tests run in order on one seeded database: later ones see what
 * earlier ones changed.
 */

describe("the dashboard", () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // The seed's figures are checked as soon as it is sent, so reports are written before the
    // answer; the queued path has its own end-to-end tests (pipeline, faults, nudges).
    ctx.stack = await startStack({ vars: { INGEST_MODE: "direct" } });
    ctx.browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--lang=en-US"],
    });
    ctx.admin = await signedIn(ctx.stack.tokens.admin);
    ctx.viewer = await signedIn(ctx.stack.tokens.viewer);
  });

  afterAll(async () => {
    await ctx.browser?.close();
    await ctx.stack?.close();
  });

  afterEach(() => {
    const seen = ctx.problems;
    ctx.problems = [];
    expect(seen).toEqual([]);
  });

  it("tells a new installation what to do next", async () => {
    const page = await open(ctx.admin, "overview", "Overview");
    const empty = page.getByRole("region", { name: "No reports yet" });
    await empty.waitFor();
    expect(await text(empty)).toContain("Create an enrollment token for each group of people");
    expect(await empty.getByRole("link", { name: "Devices" }).getAttribute("href")).toBe("#/devices");
    await shot(page, "empty");
    await page.close();
    // Seeding happens here, after the empty state was seen, through the real APIs.
    ctx.seeded = await seed(ctx.stack);
  });

  signInTest();
  figureTests();
  changeTests();
  adminTests();
  roleTests();
  lessonTests();
});
