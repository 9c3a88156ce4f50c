import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CounterBook } from "../../extension/lib/counters";
import defaultPolicy from "../../policies/dist/default-policy.json";
import type { AwarenessResponse, EvidencePack, PolicyListResponse } from "../../shared/admin";
import type { Lesson, LessonInput } from "../../shared/lessons/schema";
import type { Policy, PolicyInput } from "../../shared/policy/schema";
import type { ReportRequest } from "../../shared/protocol";
import { countsByName } from "../support/counts";
import {
  ARTIFACTS,
  adminGet,
  type Browser,
  deviceCounts,
  extensionStorage,
  launchBrowser,
  openSession,
  publishPolicy,
  type Stack,
  sendNow,
  sessionStorage,
  waitForPolicy,
} from "./harness";
import { hookShadowRoots } from "./page-hooks";
import { find, gone, inExtensionWorld, press, pressNamed, query, textOf } from "./screen";

/*
 * Lessons at the moment of use, in the real browser: the policy requires the chat lesson
 * before ChatGPT or Claude is acknowledged and offers the translation lesson on DeepL. A page
 * script cannot complete the lesson or answer its question; the person's own answers do,
 * once per lesson version; the outcomes reach the worker and appear in awareness and in the
 * evidence pack, whose denominators a second device (in German, leaving without the lesson)
 * makes visible.
 */
const LESSONS = (defaultPolicy as unknown as Policy).literacy?.lessons ?? [];
const lessonOf = (id: string): LessonInput => {
  const lesson = LESSONS.find((candidate) => candidate.id === id);
  if (!lesson) throw new Error(`the default policy has no lesson "${id}"`);
  return lesson;
};

const POLICY: PolicyInput = {
  version: 1,
  name: "Lesson test policy",
  rules: [
    { id: "ack-chat", when: { tools: ["chatgpt", "claude"] }, action: "acknowledge" },
    { id: "inform-deepl", when: { tools: ["deepl"] }, action: "inform" },
  ],
  fallback: "allow",
  literacy: {
    offer: true,
    lessons: [lessonOf("chat-assistants"), lessonOf("translation")],
    require: [{ id: "chat-first", when: { tools: ["chatgpt", "claude"] } }],
  },
};
const HOSTS = ["chatgpt.com", "claude.ai", "www.deepl.com", "deepl.com"];
const ACKNOWLEDGE = "I understand and will follow the policy";

/**
 * The page's script going for the lesson: anything it can find of it, every radio and button
 * it can reach checked and clicked, keys and clicks dispatched over the whole screen.
 */
function attackLesson(): { reached: number; runtime: string } {
  const host = document.querySelector("shadowlight-nudge");
  const roots = [host?.shadowRoot, ...((window as unknown as { stolenRoots?: ShadowRoot[] }).stolenRoots ?? [])];
  const reachable = roots.flatMap((root) => (root ? Array.from(root.querySelectorAll("input, button")) : []));
  const targets = new Set<Element>([...reachable, ...(host ? [host] : [])]);
  for (let x = 10; x < innerWidth; x += 30) {
    for (let y = 10; y < innerHeight; y += 30) {
      const found = document.elementFromPoint(x, y);
      if (found) targets.add(found);
    }
  }
  for (const target of targets) {
    if (target instanceof HTMLInputElement) target.checked = true;
    (target as HTMLElement).click?.();
    target.dispatchEvent(new Event("change", { bubbles: true, composed: true }));
    for (const key of [" ", "Enter", "ArrowDown"]) {
      target.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, composed: true }));
    }
  }
  const runtime = typeof (window as unknown as { chrome?: { runtime?: { sendMessage?: unknown } } }).chrome?.runtime
    ?.sendMessage;
  return { reached: reachable.length, runtime };
}

/** What the live regions on the page say now (a status has no name of its own: its text is read). */
async function statuses(page: Page): Promise<string[]> {
  return Promise.all((await query(page, "status")).map((node) => textOf(page, node)));
}

/** Flushes a device's reports as "Send now" does, from an extension page (any language). */
async function flush(browser: Browser): Promise<void> {
  const page = await browser.context.newPage();
  await page.goto(`chrome-extension://${browser.extensionId}/popup.html`);
  const outcome = await page.evaluate(() =>
    (
      globalThis as unknown as { chrome: { runtime: { sendMessage(m: object): Promise<{ ok: boolean }> } } }
    ).chrome.runtime.sendMessage({ type: "report:flush" }),
  );
  expect(outcome).toMatchObject({ ok: true });
  await page.close();
}

describe("lessons in the nudge", () => {
  let stack: Stack;
  let browser: Browser;
  let second: Browser | undefined;
  let version = 0;
  let lessons: Lesson[] = [];
  const counts = () => deviceCounts(browser);
  const lesson = (id: string) => {
    const found = lessons.find((candidate) => candidate.id === id);
    if (!found) throw new Error(`the published policy has no lesson "${id}"`);
    return found;
  };
  const correctOption = (id: string) =>
    lesson(id).text.en.questions[0]?.options.findIndex((option) => option.correct) ?? -1;

  beforeAll(async () => {
    ({ stack, browser, version } = await openSession({ vars: { K_ANONYMITY: "1" }, policy: POLICY, hosts: HOSTS }));
    lessons = (await adminGet<PolicyListResponse>(stack, "/policy")).current.literacy?.lessons ?? [];
  });

  afterAll(async () => {
    await second?.close();
    await browser?.close();
    await stack?.close();
  });

  async function openChat(url: string, hostile = false): Promise<Page> {
    const page = await browser.context.newPage();
    if (hostile) await page.addInitScript(hookShadowRoots);
    await page.goto(url);
    return page;
  }

  it("a required lesson holds back the acknowledgement, and a page script cannot complete it", async () => {
    const chat = lesson("chat-assistants");
    const page = await openChat("https://chatgpt.com/c/lesson", true);
    await find(page, "dialog", "Before you use ChatGPT");
    await find(page, "heading", chat.text.en.title);
    // The positive sign: the extension served the lesson with the nudge and counted it opened.
    await expect.poll(counts).toMatchObject({
      [`chatgpt nudge_shown v${version}`]: 1,
      [`lesson:chat-assistants opened v${chat.version}`]: 1,
    });
    expect((await find(page, "button", ACKNOWLEDGE)).disabled).toBe(true);

    // The page's own script: it reaches nothing inside the closed shadow root, and what it
    // dispatches is never trusted.
    expect(await page.evaluate(attackLesson)).toEqual({ reached: 0, runtime: "undefined" });
    // Even the extension's own content-script world cannot acknowledge before the lesson is
    // done: the background holds the gate, not the page.
    const { tickets } = (await sessionStorage(browser)) as { tickets: Record<string, { tool: string }> };
    const ticket = Object.entries(tickets).find(([, t]) => t.tool === "chatgpt")?.[0];
    expect(ticket).toBeDefined();
    expect(
      await inExtensionWorld(
        page,
        browser.extensionId,
        `chrome.runtime.sendMessage({ type: "nudge:answer", ticket: ${JSON.stringify(ticket)}, answer: "acknowledged" })`,
      ),
    ).toBe(false);
    expect((await find(page, "button", ACKNOWLEDGE)).disabled).toBe(true);
    const afterAttack = await counts();
    expect(afterAttack[`chatgpt acknowledged v${version}`]).toBeUndefined();
    expect(afterAttack[`lesson:chat-assistants completed v${chat.version}`]).toBeUndefined();

    // The person: a wrong answer first (its feedback, still held back), then the right one.
    const options = chat.text.en.questions[0]?.options ?? [];
    const right = correctOption("chat-assistants");
    const wrong = options.findIndex((option) => !option.correct);
    await pressNamed(page, "radio", options[wrong]?.text ?? "");
    await pressNamed(page, "button", "Check answer");
    await expect.poll(() => statuses(page)).toContain(`${options[wrong]?.feedback} Try another answer.`);
    expect((await find(page, "button", ACKNOWLEDGE)).disabled).toBe(true);
    await pressNamed(page, "radio", options[right]?.text ?? "");
    await pressNamed(page, "button", "Check answer");
    await expect.poll(() => statuses(page)).toContain("Lesson complete. Thank you.");
    await page.screenshot({ path: `${ARTIFACTS}/nudge-lesson-required.png` });
    const acknowledge = await find(page, "button", ACKNOWLEDGE);
    expect(acknowledge.disabled).toBe(false);
    await press(page, acknowledge);
    await gone(page, "dialog", "Before you use ChatGPT");
    const after = await counts();
    expect(after).toMatchObject({
      [`chatgpt acknowledged v${version}`]: 1,
      [`lesson:chat-assistants opened v${chat.version}`]: 1,
      [`lesson:chat-assistants completed v${chat.version}`]: 1,
    });
    // A wrong answer came first: not passed at the first try.
    expect(after[`lesson:chat-assistants passed_first_try v${chat.version}`]).toBeUndefined();
    await page.close();
  });

  it("a completed lesson version is remembered: the next chat tool asks for the acknowledgement only", async () => {
    const chat = lesson("chat-assistants");
    const { lessons: memory } = (await extensionStorage(browser)) as {
      lessons?: { completed?: Record<string, number> };
    };
    expect(memory?.completed).toEqual({ "chat-assistants": chat.version });
    const page = await openChat("https://claude.ai/new");
    await find(page, "dialog", "Before you use Claude");
    // Had only the once-a-day rule held it back, the lesson would still be offered here.
    expect(await query(page, "button", `Why this matters, ${chat.readingSeconds} s`)).toEqual([]);
    expect(await query(page, "heading", chat.text.en.title)).toEqual([]);
    const acknowledge = await find(page, "button", ACKNOWLEDGE);
    expect(acknowledge.disabled).toBe(false);
    await press(page, acknowledge);
    await expect.poll(counts).toMatchObject({
      [`claude acknowledged v${version}`]: 1,
      [`lesson:chat-assistants opened v${chat.version}`]: 1,
    });
    await page.close();
  });

  it("an offered lesson, taken with the keyboard alone, passed at the first try", async () => {
    const translation = lesson("translation");
    const page = await browser.context.newPage();
    await page.goto("https://www.deepl.com/translator");
    await find(page, "region", "A note on using DeepL at work");
    const offer = `Why this matters, ${translation.readingSeconds} s`;
    await find(page, "button", offer);
    expect(await query(page, "heading", translation.text.en.title)).toEqual([]);
    // The banner's answer has the focus; the offer sits just before it.
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Enter");
    await find(page, "heading", translation.text.en.title);
    await expect.poll(counts).toMatchObject({ [`lesson:translation opened v${translation.version}`]: 1 });
    // Into the question: the first option, then down to the right one, then "Check answer".
    await page.keyboard.press("Tab");
    await page.keyboard.press("Space");
    for (let i = 0; i < correctOption("translation"); i++) await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await expect.poll(() => statuses(page)).toContain("Lesson complete. Thank you.");
    await page.screenshot({ path: `${ARTIFACTS}/nudge-lesson-offered.png` });
    await expect.poll(counts).toMatchObject({
      [`lesson:translation completed v${translation.version}`]: 1,
      [`lesson:translation passed_first_try v${translation.version}`]: 1,
    });
    await pressNamed(page, "button", "Got it");
    await page.close();
  });

  it("the outcomes reach the worker, the popup lists them, and nothing but counts leaves", async () => {
    const { result, popup } = await sendNow(browser);
    expect(result).toMatch(/^Sent/);
    expect(await popup.getByTestId("sent-kinds").textContent()).toContain("never your answers");
    await popup.close();
    const stored = (await extensionStorage(browser)) as { sent: CounterBook; lastReport: { report: ReportRequest } };
    const chat = lesson("chat-assistants").version;
    const translation = lesson("translation").version;
    // Everything the worker acknowledged (reports go out in the background too, so the last one
    // alone may hold only part of it).
    const acknowledged = Object.entries(countsByName(stored.sent)).filter(([name]) => name.startsWith("lesson:"));
    expect(Object.fromEntries(acknowledged)).toEqual({
      [`lesson:chat-assistants opened v${chat}`]: 1,
      [`lesson:chat-assistants completed v${chat}`]: 1,
      [`lesson:translation opened v${translation}`]: 1,
      [`lesson:translation completed v${translation}`]: 1,
      [`lesson:translation passed_first_try v${translation}`]: 1,
    });
    expect(stored.lastReport.report.lessons?.length).toBeGreaterThan(0);
    // No answer, no option text, no feedback: only ids, versions, outcomes and numbers.
    const sent = JSON.stringify(stored.lastReport.report);
    for (const option of lesson("chat-assistants").text.en.questions[0]?.options ?? []) {
      expect(sent).not.toContain(option.text);
    }
  });

  it("awareness and the evidence pack show the coverage with its denominators", async () => {
    // A second device, in German, meets the same required lesson and leaves instead.
    second = await launchBrowser(stack.extensionPath, HOSTS, stack.site.port, { lang: "de" });
    await waitForPolicy(second, version);
    const page = await second.context.newPage();
    await page.goto("https://chatgpt.com/c/de");
    const german = lesson("chat-assistants").text.de;
    await find(page, "heading", german.title);
    await find(page, "button", "Antwort prüfen");
    await page.screenshot({ path: `${ARTIFACTS}/nudge-lesson-de.png` });
    const leave = (await query(page, "button")).find((node) => !node.disabled && /verlassen/i.test(node.name));
    expect(leave).toBeDefined();
    if (leave) await press(page, leave);
    await flush(second);

    // Reports are queued (the default INGEST_MODE): wait until the consumer wrote the second one.
    const coverage = async () => (await adminGet<AwarenessResponse>(stack, "/awareness")).literacy;
    await expect.poll(async () => (await coverage()).users, { timeout: 20_000 }).toBe(2);
    const literacy = await coverage();
    // Both devices used a tool with a lesson; one completed every lesson relevant to its tools.
    expect({ users: literacy.users, covered: literacy.covered }).toEqual({ users: 2, covered: 1 });
    const byLesson = Object.fromEntries(literacy.lessons.map((l) => [l.lesson, l]));
    expect(byLesson["chat-assistants"]).toMatchObject({ users: 2, completed: 1 });
    expect(byLesson["chat-assistants"]?.versions).toEqual([
      { version: lesson("chat-assistants").version, completed: 1, passedFirstTry: 0 },
    ]);
    expect(byLesson.translation).toMatchObject({ users: 1, completed: 1 });
    expect(byLesson.translation?.versions).toEqual([
      { version: lesson("translation").version, completed: 1, passedFirstTry: 1 },
    ]);

    const pack = await adminGet<EvidencePack>(stack, "/evidence");
    expect(pack.literacy).toMatchObject({ users: 2, covered: 1 });
    const figure = pack.figures.find((f) => f.id === "literacy-coverage");
    expect(figure).toMatchObject({ numerator: 1, denominator: 2 });
    const systems = pack.literacy.lessons.find((l) => l.lesson === "chat-assistants")?.systems.map((s) => s.id);
    expect(systems?.sort()).toEqual(["chatgpt", "claude"]);
    expect(pack.literacy.annex.map((entry) => entry.lesson).sort()).toEqual(["chat-assistants", "translation"]);
    await page.close();
  });

  it("a new version of a completed lesson is asked for again", async () => {
    const before = lesson("chat-assistants");
    const chat = lessonOf("chat-assistants");
    // The same length, another word: a new text, so a new version.
    const body = chat.text.en.body.replace("stranger", "outsider");
    expect(body).not.toBe(chat.text.en.body);
    const next = await publishPolicy(stack, {
      ...POLICY,
      literacy: {
        ...POLICY.literacy,
        lessons: [{ ...chat, text: { ...chat.text, en: { ...chat.text.en, body } } }, lessonOf("translation")],
      },
    });
    lessons = (await adminGet<PolicyListResponse>(stack, "/policy")).current.literacy?.lessons ?? [];
    expect(lesson("chat-assistants").version).toBeGreaterThan(before.version);
    const { popup } = await sendNow(browser);
    await popup.close();
    await waitForPolicy(browser, next);
    // The new policy version asks for the acknowledgement again, and the lesson comes with it:
    // offered, as a lesson was already required on this device today.
    const page = await openChat("https://claude.ai/again");
    await find(page, "dialog", "Before you use Claude");
    await find(page, "button", `Why this matters, ${before.readingSeconds} s`);
    const { tickets } = (await sessionStorage(browser)) as {
      tickets: Record<string, { tool: string; lesson?: { id: string; version: number; required: boolean } }>;
    };
    expect(Object.values(tickets).find((t) => t.tool === "claude")?.lesson).toMatchObject({
      id: "chat-assistants",
      version: lesson("chat-assistants").version,
      required: false,
    });
    await page.close();
  });
});
