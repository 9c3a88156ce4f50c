import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PolicyInput } from "../../shared/policy/schema";
import {
  ARTIFACTS,
  type Browser,
  deviceCounts,
  extensionStorage,
  lastSentReport,
  openSession,
  PAGE_SECRETS,
  type Stack,
  sendNow,
  sessionStorage,
} from "./harness";
import { hookShadowRoots, pageListens } from "./page-hooks";
import { find, gone, pressNamed, query, textOf } from "./screen";

/*
 * The sensitive-data guard in real Chromium, with real clipboard pastes (the keyboard's
 * Ctrl+V, so the browser fires a trusted paste event) into the fake AI tools: a card number
 * gets the warning, "paste anyway" hands it on and counts, "don't paste" keeps it out, a
 * blocking policy refuses it, a harmless text goes through untouched, and the page's own
 * scripts can neither fire a warning with a synthetic paste nor answer one. Every request the
 * browser makes and everything the extension stores is searched for the pasted text, its
 * masked form and hashes of them.
 */
const CARD = "4242 4242 4242 4242";
const PASTED = `Please refund the customer, card ${CARD}, order 7731.`;
const HARMLESS = "Summarize the meeting notes from Tuesday in three bullet points.";

const POLICY: PolicyInput = {
  version: 1,
  name: "Guard policy",
  reasons: [{ id: "evaluating", label: "I am evaluating this tool for my team" }],
  rules: [],
  fallback: "allow",
  guard: {
    rules: [
      { id: "no-claude", when: { tools: ["claude"] }, action: "block", message: "Claude gets no customer data." },
      {
        id: "cards",
        when: { detectors: ["payment-card"] },
        action: "warn",
        message: "Card numbers belong in the payment system.",
      },
    ],
    fallback: "allow",
  },
};
const HOSTS = ["chatgpt.com", "claude.ai"];
const FILE_NAME = "refunds-for-finance.csv";
/** A page of the tool with something to drag and a file picker, as its own scripts would build it. */
const UPLOAD_PAGE = `<!doctype html><html><body>
<div id="source" draggable="true" data-text="DRAGGED">Customer note</div>
<textarea></textarea><input type="file" id="file">
<script>
window.chosen = [];
document.getElementById("source").addEventListener("dragstart", (event) => {
  event.dataTransfer.setData("text/plain", event.target.dataset.text);
});
document.getElementById("file").addEventListener("change", (event) => {
  for (const file of event.target.files) window.chosen.push(file.name);
});
</script></body></html>`;
const WARNING = "Check before you share this with ChatGPT";

/** Hashes a value the way a leaky client might send it: SHA-1 and SHA-256, hex and base64. */
function hashesOf(value: string): string[] {
  return ["sha1", "sha256"].flatMap((algorithm) => {
    const digest = createHash(algorithm).update(value).digest();
    return [digest.toString("hex"), digest.toString("base64"), digest.toString("base64url")];
  });
}

describe("the sensitive-data guard in real Chromium", () => {
  let stack: Stack;
  let browser: Browser;
  let version = 0;
  const requests: string[] = [];
  const secrets = new Set<string>([
    PASTED,
    CARD,
    FILE_NAME,
    CARD.replaceAll(" ", ""),
    ...hashesOf(PASTED),
    ...hashesOf(CARD),
  ]);

  beforeAll(async () => {
    ({ stack, browser, version } = await openSession({
      vars: { K_ANONYMITY: "1" },
      policy: POLICY,
      hosts: HOSTS,
      // Every request of the browser, to any host, with its body: the privacy capture.
      watch: (opened) =>
        opened.context.on("request", (request) => {
          requests.push(`${request.url()}\n${request.postData() ?? ""}\n${JSON.stringify(request.headers())}`);
        }),
    }));
    for (const host of HOSTS) {
      await browser.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: `https://${host}` });
    }
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  const counts = () => deviceCounts(browser);
  const guardCounts = async () =>
    Object.fromEntries(Object.entries(await counts()).filter(([name]) => name.includes(" guard:")));
  const named = (tool: string, outcome: string) => `${tool} guard:payment-card:${outcome} v${version}`;

  async function open(url: string): Promise<Page> {
    const page = await browser.context.newPage();
    await page.addInitScript(pageListens);
    await page.addInitScript(hookShadowRoots);
    await page.goto(url);
    await page.locator("textarea").fill("");
    return page;
  }

  /** The person copies `text` and presses Ctrl+V in the tool's prompt box. */
  async function paste(page: Page, text: string): Promise<void> {
    await page.locator("textarea").click();
    await page.evaluate((value) => navigator.clipboard.writeText(value), text);
    await page.keyboard.press("Control+V");
  }

  const prompt = (page: Page) => page.locator("textarea").inputValue();

  it("warns about a card number, shows it masked, and 'paste anyway' hands it on and counts", async () => {
    const page = await open("https://chatgpt.com/c/1");
    await paste(page, PASTED);
    await find(page, "dialog", WARNING);
    // The masked preview, on the person's screen only: never the number itself.
    const items = await query(page, "listitem");
    const shown = (await Promise.all(items.map((item) => textOf(page, item)))).join(" | ");
    expect(shown).toContain("Payment card number");
    expect(shown).toContain("4242");
    expect(shown).not.toContain(CARD);
    for (const item of items) secrets.add(((await textOf(page, item)) ?? "").replace(/^Payment card number\s*/, ""));
    await page.screenshot({ path: `${ARTIFACTS}/guard-warning.png` });
    expect(await prompt(page)).toBe("");
    await expect.poll(guardCounts).toEqual({ [named("chatgpt", "warned")]: 1 });

    await pressNamed(page, "button", "Paste anyway");
    await gone(page, "dialog", WARNING);
    await expect.poll(() => prompt(page)).toBe(PASTED);
    await expect.poll(guardCounts).toEqual({
      [named("chatgpt", "warned")]: 1,
      [named("chatgpt", "pasted_anyway")]: 1,
    });
    await page.close();
  });

  it("'don't paste' keeps it out, and a harmless text goes through without a word", async () => {
    const page = await open("https://chatgpt.com/c/2");
    await paste(page, PASTED);
    await pressNamed(page, "button", "Don't paste");
    await gone(page, "dialog", WARNING);
    await expect.poll(guardCounts).toMatchObject({ [named("chatgpt", "removed")]: 1 });
    expect(await prompt(page)).toBe("");

    const before = await guardCounts();
    await paste(page, HARMLESS);
    // The positive sign that the guard decided: the paste arrived, as the person made it.
    await expect.poll(() => prompt(page)).toBe(HARMLESS);
    const pastes = await page.evaluate(() => (window as unknown as { pastesSeen: unknown[] }).pastesSeen);
    expect(pastes).toContainEqual({ trusted: true, text: HARMLESS });
    expect(await query(page, "dialog")).toEqual([]);
    expect(await guardCounts()).toEqual(before);
    await page.close();
  });

  it("a blocking policy refuses the paste", async () => {
    const page = await open("https://claude.ai/new");
    await paste(page, PASTED);
    await find(page, "dialog", "This can't be shared with Claude");
    expect(await query(page, "button", "Paste anyway")).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/guard-blocked.png` });
    await pressNamed(page, "button", "OK");
    await gone(page, "dialog", "This can't be shared with Claude");
    await expect.poll(guardCounts).toMatchObject({ [named("claude", "blocked")]: 1 });
    expect(await prompt(page)).toBe("");
    await page.close();
  });

  it("the page's own scripts can neither fire a warning nor answer one", async () => {
    const page = await open("https://chatgpt.com/c/3");
    const before = await guardCounts();
    // A synthetic paste carrying a card number: the page's own listener gets it (the guard
    // has let it by, in the capture phase), and nothing is shown or counted.
    const received = await page.evaluate((text) => {
      const data = new DataTransfer();
      data.setData("text/plain", text);
      const textarea = document.querySelector("textarea");
      textarea?.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
      return (window as unknown as { pastesSeen: Array<{ trusted: boolean }> }).pastesSeen;
    }, PASTED);
    expect(received).toEqual([{ trusted: false, text: PASTED }]);
    expect(await query(page, "dialog")).toEqual([]);
    expect(await guardCounts()).toEqual(before);

    // The person's real paste gets the warning; the page then tries everything to answer it.
    await paste(page, PASTED);
    await find(page, "dialog", WARNING);
    await expect
      .poll(guardCounts)
      .toMatchObject({ [named("chatgpt", "warned")]: (before[named("chatgpt", "warned")] ?? 0) + 1 });
    const reached = await page.evaluate(() => {
      const host = document.querySelector("shadowlight-guard");
      const stolen = (window as unknown as { stolenRoots: ShadowRoot[] }).stolenRoots;
      const targets = new Set<Element>();
      for (let x = 5; x < innerWidth; x += 30) {
        for (let y = 5; y < innerHeight; y += 30) {
          const found = document.elementFromPoint(x, y);
          if (found) targets.add(found);
        }
      }
      if (host) targets.add(host);
      for (const target of targets) {
        (target as HTMLElement).click?.();
        for (const type of ["pointerdown", "mousedown", "pointerup", "mouseup", "click"]) {
          target.dispatchEvent(new MouseEvent(type, { bubbles: true, composed: true, cancelable: true }));
        }
        for (const key of ["Enter", " ", "Escape", "Tab"]) {
          for (const type of ["keydown", "keyup"]) {
            target.dispatchEvent(new KeyboardEvent(type, { key, bubbles: true, composed: true, cancelable: true }));
          }
        }
      }
      return { host: host !== null, shadowRoot: host?.shadowRoot != null, stolen: stolen.length };
    });
    expect(reached).toEqual({ host: true, shadowRoot: false, stolen: 0 });
    // Still waiting for the person, nothing pasted, no answer counted; then the person's own
    // press counts, which shows the checks above could fail.
    await find(page, "dialog", WARNING);
    expect(await prompt(page)).toBe("");
    const answered = await guardCounts();
    expect(answered[named("chatgpt", "pasted_anyway")]).toBe(before[named("chatgpt", "pasted_anyway")]);
    expect(answered[named("chatgpt", "removed")]).toBe(before[named("chatgpt", "removed")]);
    await pressNamed(page, "button", "Paste anyway");
    await expect.poll(() => prompt(page)).toBe(PASTED);
    await expect
      .poll(guardCounts)
      .toMatchObject({ [named("chatgpt", "pasted_anyway")]: (before[named("chatgpt", "pasted_anyway")] ?? 0) + 1 });
    await page.close();
  });

  it("a page's first paste waits for the guard's detectors and arrives intact; a page announcing a newer guard cannot stop it", async () => {
    // The framework's content scripts stop an earlier copy of themselves when a DOM event named
    // after the extension's id announces a newer one; a page that knows the id can dispatch it.
    const page = await browser.context.newPage();
    await page.addInitScript(pageListens);
    await page.addInitScript((id: string) => {
      const announce = () =>
        document.dispatchEvent(
          new CustomEvent(`${id}:guard:wxt:content-script-started`, {
            detail: { contentScriptName: "guard", messageId: "forged" },
          }),
        );
      announce();
      document.addEventListener("DOMContentLoaded", announce);
      window.addEventListener("paste", announce, true);
    }, browser.extensionId);
    await page.goto("https://chatgpt.com/c/4");
    await page.locator("textarea").fill("");
    // The first paste of the page brings the detectors: held until they decided, then handed on.
    await paste(page, HARMLESS);
    await expect.poll(() => prompt(page)).toBe(HARMLESS);
    expect(await page.evaluate(() => (window as unknown as { pastesSeen: unknown[] }).pastesSeen)).toEqual([
      { trusted: false, text: HARMLESS },
    ]);
    expect(await query(page, "dialog")).toEqual([]);
    await page.locator("textarea").fill("");
    await paste(page, PASTED);
    await find(page, "dialog", WARNING);
    await pressNamed(page, "button", "Don't paste");
    await gone(page, "dialog", WARNING);
    expect(await prompt(page)).toBe("");
    await page.close();
  });

  it("a dropped text and a chosen file get the same checks; a file no detector can read passes", async () => {
    const page = await browser.context.newPage();
    await page.route("https://chatgpt.com/upload", (route) =>
      route.fulfill({ contentType: "text/html", body: UPLOAD_PAGE.replace("DRAGGED", PASTED) }),
    );
    await page.goto("https://chatgpt.com/upload");
    const chosen = () => page.evaluate(() => (window as unknown as { chosen: string[] }).chosen);

    // A real drag and drop (the browser's own drag events) of text holding a card number.
    await page.locator("#source").dragTo(page.locator("textarea"));
    await find(page, "dialog", WARNING);
    expect(await prompt(page)).toBe("");
    await pressNamed(page, "button", "Drop anyway");
    await expect.poll(() => prompt(page)).toBe(PASTED);

    // A text file chosen in the tool's file picker: read on the device, its name never sent.
    // Files on disk, set by the browser itself as from its file chooser.
    const folder = mkdtempSync(join(tmpdir(), "shadowlight-guard-files-"));
    const csv = join(folder, FILE_NAME);
    const png = join(folder, "scan.png");
    writeFileSync(csv, `order,card\n7731,${CARD}\n`);
    writeFileSync(png, CARD);
    await page.locator("#file").setInputFiles(csv);
    await find(page, "dialog", WARNING);
    await pressNamed(page, "button", "Don't attach");
    await gone(page, "dialog", WARNING);
    expect(await page.locator("#file").evaluate((input: HTMLInputElement) => input.files?.length ?? 0)).toBe(0);
    await page.locator("#file").setInputFiles(csv);
    await pressNamed(page, "button", "Attach anyway");
    await expect.poll(chosen).toEqual([FILE_NAME]);
    // The extension stores the answers a moment after the page has the file: wait for every
    // answer of this file's tests so far (the last test checks the same totals in the report).
    await expect.poll(guardCounts).toMatchObject({
      [named("chatgpt", "pasted_anyway")]: 4,
      [named("chatgpt", "removed")]: 3,
    });

    // An image is never opened: it goes through as chosen (the page's own listener is the sign).
    const before = await guardCounts();
    await page.locator("#file").setInputFiles(png);
    await expect.poll(chosen).toEqual([FILE_NAME, "scan.png"]);
    expect(await query(page, "dialog")).toEqual([]);
    expect(await guardCounts()).toEqual(before);
    await page.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it("the worker receives the counts and nothing of what was pasted reaches any request or storage", async () => {
    const { result, popup } = await sendNow(browser);
    expect(result).toMatch(/^Sent/);
    // The popup names the kind of count and shows it as it went over the wire.
    expect(await popup.getByTestId("sent-kinds").textContent()).toContain("sensitive-data guard");
    expect(await popup.getByTestId("last-sent").textContent()).toContain('"outcome": "pasted_anyway"');
    await popup.close();
    const sent = ((await lastSentReport(browser)).guard ?? [])
      .map((g) => `${g.tool} ${g.detector} ${g.outcome} ${g.n}`)
      .sort();
    expect(sent).toEqual([
      "chatgpt payment-card pasted_anyway 4",
      "chatgpt payment-card removed 3",
      "chatgpt payment-card warned 7",
      "claude payment-card blocked 1",
    ]);
    const awareness = await fetch(`${stack.serverUrl}/api/admin/awareness`, {
      headers: { Authorization: `Bearer ${stack.tokens.admin}` },
    }).then((response) => response.json() as Promise<{ guard?: unknown }>);
    expect(JSON.stringify(awareness.guard)).toContain("pasted_anyway");

    const stored = JSON.stringify([await extensionStorage(browser), await sessionStorage(browser)]);
    const everything = `${requests.join("\n")}\n${stored}`;
    expect(requests.some((request) => request.includes("/api/v1/reports"))).toBe(true);
    for (const secret of [...secrets, ...PAGE_SECRETS].filter((value) => value.length >= 8)) {
      expect(everything, secret).not.toContain(secret);
    }
  });
});
