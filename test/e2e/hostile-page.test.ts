import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PolicyInput } from "../../shared/policy/schema";
import {
  ARTIFACTS,
  type Browser,
  decided,
  deviceCounts,
  lastSentReport,
  openSession,
  type Stack,
  sendNow,
} from "./harness";
import { hookShadowRoots } from "./page-hooks";
import { find, inExtensionWorld, pressNamed } from "./screen";

/*
 * The AI site's own JavaScript against the nudge, in real Chromium. The page hooks the DOM
 * before the extension runs, hunts for the nudge, clicks everywhere, dispatches keys, and
 * finally removes, covers or hides it. Nothing it does may count as an answer; taking the
 * nudge away counts as nudge_tampered. Each check first waits for a positive sign (the nudge
 * shown, the tampering counted), and the person's own answer afterwards shows the checks can
 * fail.
 */
const POLICY: PolicyInput = {
  version: 1,
  name: "Hostile page policy",
  reasons: [{ id: "evaluating", label: "I am evaluating this tool for my team" }],
  rules: [
    { id: "ack-chatgpt", when: { tools: ["chatgpt"] }, action: "acknowledge" },
    { id: "justify-midjourney", when: { tools: ["midjourney"] }, action: "justify" },
    { id: "inform-perplexity", when: { tools: ["perplexity"] }, action: "inform" },
  ],
  fallback: "allow",
};
const HOSTS = ["chatgpt.com", "www.midjourney.com", "www.perplexity.ai", "claude.ai"];
const ANSWERS = ["acknowledged", "dismissed", "left", "justified", "redirected"];

/** The page's own script hunting the nudge: returns what it could reach. */
async function hunt(): Promise<Record<string, unknown>> {
  const host = document.querySelector("shadowlight-nudge");
  const reached = {
    host: host !== null,
    shadowRoot: host?.shadowRoot != null,
    stolenRoots: (window as unknown as { stolenRoots?: ShadowRoot[] }).stolenRoots?.length ?? 0,
    buttons: document.querySelectorAll("shadowlight-nudge button, shadowlight-nudge input").length,
    inside: 0,
    runtime: typeof (window as unknown as { chrome?: { runtime?: { sendMessage?: unknown } } }).chrome?.runtime
      ?.sendMessage,
  };
  // Anything the page could reach inside the nudge (an open or stolen shadow root) is pressed too.
  const roots = [host?.shadowRoot, ...((window as unknown as { stolenRoots?: ShadowRoot[] }).stolenRoots ?? [])];
  const inside = roots.flatMap((root) =>
    root ? Array.from(root.querySelectorAll("button, input, [role=dialog]")) : [],
  );
  for (const control of inside) {
    if (control instanceof HTMLInputElement) control.checked = true;
  }
  const targets = new Set<Element>(inside);
  for (let x = 5; x < innerWidth; x += 40) {
    for (let y = 5; y < innerHeight; y += 40) {
      const found = document.elementFromPoint(x, y);
      if (found) targets.add(found);
    }
  }
  if (host) targets.add(host);
  if (document.activeElement) targets.add(document.activeElement);
  for (const target of targets) {
    (target as HTMLElement).click?.();
    for (const type of ["pointerdown", "mousedown", "pointerup", "mouseup", "click"]) {
      target.dispatchEvent(new MouseEvent(type, { bubbles: true, composed: true, cancelable: true }));
    }
    for (const key of ["Enter", " ", "Escape", "Tab", "ArrowDown"]) {
      for (const type of ["keydown", "keypress", "keyup"]) {
        target.dispatchEvent(new KeyboardEvent(type, { key, bubbles: true, composed: true, cancelable: true }));
      }
    }
    target.dispatchEvent(new Event("change", { bubbles: true, composed: true }));
    target.dispatchEvent(new SubmitEvent("submit", { bubbles: true, composed: true }));
  }
  for (const key of ["Enter", "Escape"]) document.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
  return { ...reached, inside: inside.length };
}

describe("a hostile page against the nudge", () => {
  let stack: Stack;
  let browser: Browser;
  let version = 0;

  beforeAll(async () => {
    ({ stack, browser, version } = await openSession({ policy: POLICY, hosts: HOSTS }));
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const counts = () => deviceCounts(browser);
  const answersOf = async (tool: string) =>
    Object.entries(await counts()).filter(([name]) =>
      ANSWERS.some((answer) => name === `${tool} ${answer} v${version}`),
    );

  async function openHostile(url: string, dialog: [string, string]): Promise<Page> {
    const page = await browser.context.newPage();
    await page.addInitScript(hookShadowRoots);
    await page.goto(url);
    await find(page, ...dialog);
    return page;
  }

  it("hunting, clicking, picking reasons and pressing keys reach nothing and count nothing", async () => {
    const pages: Array<[string, string, [string, string]]> = [
      ["chatgpt", "https://chatgpt.com/c/1", ["dialog", "Before you use ChatGPT"]],
      ["midjourney", "https://www.midjourney.com/imagine", ["dialog", "Why do you need Midjourney?"]],
      ["perplexity", "https://www.perplexity.ai/search", ["region", "A note on using Perplexity at work"]],
    ];
    for (const [tool, url, dialog] of pages) {
      const page = await openHostile(url, dialog);
      // The positive sign: the extension served the nudge and it is on screen.
      await expect.poll(counts).toMatchObject({ [`${tool} nudge_shown v${version}`]: 1 });
      const reached = await page.evaluate(hunt);
      expect(reached, tool).toEqual({
        host: true,
        shadowRoot: false,
        stolenRoots: 0,
        buttons: 0,
        inside: 0,
        runtime: "undefined",
      });
      // The nudge is still there, unanswered, and nothing was counted as an answer.
      await find(page, ...dialog);
      expect(await answersOf(tool), tool).toEqual([]);
      await page.close();
    }
  });

  it("removing the nudge counts as tampering, never as an answer, and the nudge comes back", async () => {
    const page = await openHostile("https://www.midjourney.com/imagine/2", ["dialog", "Why do you need Midjourney?"]);
    await page.evaluate(() => document.querySelector("shadowlight-nudge")?.remove());
    await expect.poll(counts).toMatchObject({ [`midjourney nudge_tampered v${version}`]: 1 });
    expect(await answersOf("midjourney")).toEqual([]);
    // Put back for the person, who can answer it: their own gesture counts.
    await pressNamed(page, "radio", "I am evaluating this tool for my team");
    await pressNamed(page, "button", "Continue");
    await expect.poll(counts).toMatchObject({
      [`midjourney justified v${version}`]: 1,
      [`midjourney reason:evaluating v${version}`]: 1,
    });
    await page.close();
  });

  it("covering or hiding the nudge counts as tampering", async () => {
    const covered = await openHostile("https://chatgpt.com/c/2", ["dialog", "Before you use ChatGPT"]);
    await covered.evaluate(() => {
      const cover = document.createElement("div");
      cover.style.cssText = "position:fixed;inset:0;z-index:2147483647;background:#fff";
      document.documentElement.append(cover);
    });
    await expect.poll(counts).toMatchObject({ [`chatgpt nudge_tampered v${version}`]: 1 });
    await covered.screenshot({ path: `${ARTIFACTS}/hostile-covered.png` });
    await covered.close();

    // Perplexity's banner is not shown again within its cooldown; ChatGPT asks until acknowledged.
    const hidden = await openHostile("https://chatgpt.com/c/4", ["dialog", "Before you use ChatGPT"]);
    // The nudge sits beside the body, so the page hides everything it can: its whole document.
    await hidden.evaluate(() => {
      document.documentElement.style.opacity = "0";
    });
    await expect.poll(counts).toMatchObject({ [`chatgpt nudge_tampered v${version}`]: 2 });
    await hidden.close();
    expect(await answersOf("chatgpt")).toEqual([]);
  });

  it("the page can neither read the nudge handed to it nor hand itself one", async () => {
    // The background pushes the nudge into the content script's world under a fixed name: the
    // page's own world never sees it.
    const shown = await browser.context.newPage();
    // Nor does the extension post anything to the page's window (it would tell the page it is there).
    await shown.addInitScript(() => {
      const heard: unknown[] = [];
      addEventListener("message", (event) => heard.push(event.data));
      (window as unknown as { heard: unknown[] }).heard = heard;
    });
    await shown.goto("https://chatgpt.com/c/5");
    await find(shown, "dialog", "Before you use ChatGPT");
    expect(await shown.evaluate(() => "shadowlightServedNudge" in window)).toBe(false);
    expect(await shown.evaluate(() => "shadowlightNudgeUi" in window)).toBe(false);
    expect(await shown.evaluate(() => (window as unknown as { heard: unknown[] }).heard)).toEqual([]);
    await shown.close();
    // A page that stands in for the nudge's UI (or for the content script's receiver) under
    // those names is never handed the nudge, and the real one shows all the same.
    const standIn = await browser.context.newPage();
    await standIn.addInitScript(() => {
      const caught: unknown[] = [];
      const scope = window as unknown as Record<string, unknown>;
      scope.caught = caught;
      scope.shadowlightNudgeUi = (served: unknown) => caught.push(served);
      scope.shadowlightServedNudge = (served: unknown) => caught.push(served);
    });
    await standIn.goto("https://chatgpt.com/c/7");
    await find(standIn, "dialog", "Before you use ChatGPT");
    expect(await standIn.evaluate(() => (window as unknown as { caught: unknown[] }).caught)).toEqual([]);
    await standIn.close();
    // A page that puts a forged nudge (or a receiver) under that name before anything runs gets
    // nothing: Claude is allowed, the extension decides so, and nothing appears.
    const forging = await browser.context.newPage();
    await forging.addInitScript(() => {
      const forged = {
        ticket: "00000000-0000-4000-8000-000000000000",
        view: {
          decision: { action: "acknowledge" },
          tool: { id: "claude", name: "Claude" },
          alternatives: [],
          reasons: [],
        },
      };
      (window as unknown as Record<string, unknown>).shadowlightServedNudge = forged;
    });
    const since = Date.now();
    await forging.goto("https://claude.ai/new");
    expect(await decided(browser, "claude", since)).toBe(false);
    expect(await forging.locator("shadowlight-nudge").count()).toBe(0);
    await forging.close();
  });

  it("a page that knows the extension's id cannot switch the nudge off as a newer copy of the script", async () => {
    // The content script framework stops an earlier copy of itself when a newer one announces
    // itself with a DOM event named after the extension's id; a page can dispatch that event.
    const page = await browser.context.newPage();
    await page.addInitScript((id: string) => {
      const announce = () =>
        document.dispatchEvent(
          new CustomEvent(`${id}:content:wxt:content-script-started`, {
            detail: { contentScriptName: "content", messageId: "forged" },
          }),
        );
      announce();
      document.addEventListener("DOMContentLoaded", announce);
      const timer = setInterval(announce, 20);
      setTimeout(() => {
        clearInterval(timer);
        (globalThis as { forgeryDone?: boolean }).forgeryDone = true;
      }, 3_000);
    }, browser.extensionId);
    await page.goto("https://chatgpt.com/c/6");
    await find(page, "dialog", "Before you use ChatGPT");
    // The page announced itself for 3 s after the nudge appeared: once it says it is done, the
    // nudge must still be there.
    await page.waitForFunction(() => (globalThis as { forgeryDone?: boolean }).forgeryDone === true, undefined, {
      timeout: 15_000,
    });
    await find(page, "dialog", "Before you use ChatGPT", 1_000);
    await page.close();
  });

  it("the page can neither load the nudge's UI nor learn from it that the extension is there", async () => {
    // The background injects the UI (nudge-ui.js, and the guard's guard-ui.js on a first paste)
    // into the page's isolated world; the files are not web-accessible, so the page's fetch and script tag fail exactly as for a missing one.
    const page = await browser.context.newPage();
    await page.goto("https://chatgpt.com/c/8");
    await find(page, "dialog", "Before you use ChatGPT");
    const tried = await page.evaluate(async (id: string) => {
      const attempt = async (path: string) => {
        const fetched = await fetch(`chrome-extension://${id}/${path}`).then(
          (response) => `status ${response.status}`,
          () => "refused",
        );
        const loaded = await new Promise<string>((resolve) => {
          const script = document.createElement("script");
          script.src = `chrome-extension://${id}/${path}`;
          script.onload = () => resolve("loaded");
          script.onerror = () => resolve("error");
          document.head.append(script);
        });
        return [fetched, loaded];
      };
      return {
        ui: await attempt("nudge-ui.js"),
        guardUi: await attempt("guard-ui.js"),
        content: await attempt("content-scripts/content.js"),
        missing: await attempt("no-such-file.js"),
      };
    }, browser.extensionId);
    expect(tried.ui).toEqual(["refused", "error"]);
    expect(tried).toEqual({
      ui: tried.missing,
      guardUi: tried.missing,
      content: tried.missing,
      missing: tried.missing,
    });
    await page.close();
  });

  it("the content script's world cannot read the extension's storage", async () => {
    const page = await browser.context.newPage();
    await page.goto("https://chatgpt.com/c/3");
    await find(page, "dialog", "Before you use ChatGPT");
    // The content script's own world: it can message the background, but storage.local is
    // closed to it, so a compromised page process cannot read the device token or the counts.
    expect(await inExtensionWorld(page, browser.extensionId, "typeof chrome.runtime.sendMessage")).toBe("function");
    expect(
      await inExtensionWorld(
        page,
        browser.extensionId,
        "chrome.storage.local.get(null).then((v) => 'read ' + Object.keys(v).length, (e) => 'refused')",
      ),
    ).toBe("refused");
    await page.close();
  });

  it("the server accepts what the device counted, and no answer the page tried", async () => {
    const { result, popup } = await sendNow(browser);
    await popup.close();
    expect(result).toMatch(/^Sent/);
    const sent = (await lastSentReport(browser)).days.flatMap((day) => day.counters.map((c) => `${c.tool} ${c.event}`));
    expect(sent.filter((name) => ANSWERS.some((answer) => name.endsWith(` ${answer}`)))).toEqual([
      "midjourney justified",
    ]);
    expect(sent).toEqual(expect.arrayContaining(["chatgpt nudge_tampered", "midjourney nudge_tampered"]));
  });
});
