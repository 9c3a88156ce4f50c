import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBrowser } from "wxt/testing/fake-browser";
import { reportingChanged } from "../../extension/background/counting";
import { lessonLanguage } from "../../extension/background/lessons";
import { RefusedMessage } from "../../extension/background/router";
import type { LessonGrade, ServedNudge } from "../../extension/lib/messages";
import { bundledPolicy } from "../../extension/lib/policy-cache";
import { local } from "../../extension/lib/state";
import { formatMessage, type Messages } from "../../extension/nudge/strings";
import english from "../../extension/public/_locales/en/messages.json";
import { type LessonRequirement, type PolicyInput, policySchema } from "../../shared/policy/schema";
import { countsByName } from "../support/counts";
import { page, route } from "./senders";

/*
 * Lessons through the background's router with its real handlers: the lesson plan travels
 * with the nudge's ticket, the background grades every answer against the lesson it served,
 * a required lesson holds back the answer, completion is remembered per lesson version, a
 * lesson is required at most once a day, and an allowed tool gets a lesson only when the
 * policy asks for it there.
 */
const CHATGPT = page("https://chatgpt.com/c/1");
const CLAUDE = page("https://claude.ai/new", 9, "document-9");

const CHAT = bundledPolicy.policy.literacy?.lessons.find((lesson) => lesson.id === "chat-assistants");
if (!CHAT) throw new Error("the bundled policy has no chat-assistants lesson");
const RIGHT = CHAT.text.en.questions[0]?.options.findIndex((option) => option.correct) ?? -1;
const WRONG = RIGHT === 0 ? 1 : 0;

async function usePolicy(require: Array<Partial<LessonRequirement> & Pick<LessonRequirement, "id" | "when">>) {
  const policy: PolicyInput = {
    version: 4,
    name: "Lesson test policy",
    rules: [
      { id: "ack", when: { tools: ["chatgpt"] }, action: "acknowledge" },
      { id: "ok", when: { tools: ["claude"] }, action: "allow" },
    ],
    fallback: "allow",
    literacy: { offer: true, lessons: [CHAT as NonNullable<typeof CHAT>], require },
  };
  await local.policy.setValue({
    etag: null,
    response: { ...bundledPolicy, policy: policySchema.parse(policy) },
    fetchedAt: Date.now(),
  });
  reportingChanged();
}

const counts = async () => countsByName(await local.counters.getValue());
const serve = async (sender = CHATGPT) => (await route({ type: "nudge:get" }, sender)) as ServedNudge | null;
const grade = (ticket: string, option: number, sender = CHATGPT, question = 0) =>
  route({ type: "lesson:answer", ticket, question, option }, sender) as Promise<LessonGrade | null>;

describe("lessons in the background", () => {
  beforeEach(() => {
    fakeBrowser.reset();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-20T12:00:00Z"));
    // The browser's English messages, as chrome.i18n reads them.
    const t = formatMessage(english as Messages);
    vi.spyOn(fakeBrowser.i18n, "getMessage").mockImplementation((key: string) => t(key));
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it("holds back the answer until the background graded every question right, and counts outcomes only", async () => {
    await usePolicy([{ id: "chat", when: { tools: ["chatgpt"] } }]);
    const served = await serve();
    expect(served?.view.lesson).toMatchObject({
      id: "chat-assistants",
      version: CHAT.version,
      required: true,
      language: "en",
    });
    expect(served?.view.lesson?.text.title).toBe(CHAT.text.en.title);
    const ticket = served?.ticket ?? "";
    await route({ type: "nudge:shown", ticket }, CHATGPT);
    // Not opened yet: nothing is graded.
    expect(await grade(ticket, RIGHT)).toBeNull();
    expect(await route({ type: "lesson:opened", ticket }, CHATGPT)).toBe(true);
    expect(await route({ type: "lesson:opened", ticket }, CHATGPT)).toBe(false);
    expect(await route({ type: "nudge:answer", ticket, answer: "acknowledged" }, CHATGPT)).toBe(false);
    // Another tab cannot answer this nudge's lesson; an option or question it does not have is refused.
    expect(await grade(ticket, RIGHT, page("https://chatgpt.com/c/1", 8, "document-8"))).toBeNull();
    expect(await grade(ticket, 3)).toBeNull();
    expect(await grade(ticket, RIGHT, CHATGPT, 1)).toBeNull();
    await expect(grade(ticket, 10)).rejects.toBeInstanceOf(RefusedMessage);
    expect(await grade(ticket, WRONG)).toEqual({ correct: false, completed: false });
    expect(await route({ type: "nudge:answer", ticket, answer: "acknowledged" }, CHATGPT)).toBe(false);
    expect(await grade(ticket, RIGHT)).toEqual({ correct: true, completed: true });
    // Completed: nothing more to grade, and the acknowledgement counts.
    expect(await grade(ticket, RIGHT)).toBeNull();
    expect(await route({ type: "nudge:answer", ticket, answer: "acknowledged" }, CHATGPT)).toBe(true);
    expect(await counts()).toEqual({
      "chatgpt nudge_shown v4": 1,
      "chatgpt acknowledged v4": 1,
      [`lesson:chat-assistants opened v${CHAT.version}`]: 1,
      [`lesson:chat-assistants completed v${CHAT.version}`]: 1,
    });
    expect(await local.lessons.getValue()).toEqual({
      completed: { "chat-assistants": CHAT.version },
      requiredOn: "2026-11-20",
    });
  });

  it("lets a person leave without the lesson, requires it at most once a day, and remembers completion", async () => {
    await usePolicy([{ id: "chat", when: { tools: ["chatgpt"] } }]);
    const first = (await serve())?.ticket ?? "";
    await route({ type: "nudge:shown", ticket: first }, CHATGPT);
    await route({ type: "lesson:opened", ticket: first }, CHATGPT);
    expect(await route({ type: "nudge:answer", ticket: first, answer: "left" }, CHATGPT)).toBe(true);
    // Later the same day: offered, not required again.
    const again = await serve();
    expect(again?.view.lesson).toMatchObject({ id: "chat-assistants", required: false });
    // The next day it is required again, and taken at the first try.
    vi.setSystemTime(new Date("2026-11-21T09:00:00Z"));
    const next = await serve();
    expect(next?.view.lesson?.required).toBe(true);
    const ticket = next?.ticket ?? "";
    await route({ type: "nudge:shown", ticket }, CHATGPT);
    await route({ type: "lesson:opened", ticket }, CHATGPT);
    expect(await grade(ticket, RIGHT)).toEqual({ correct: true, completed: true });
    expect(await counts()).toMatchObject({ [`lesson:chat-assistants passed_first_try v${CHAT.version}`]: 1 });
    // Completed at this version: the nudge carries no lesson any more.
    vi.setSystemTime(new Date("2026-11-22T09:00:00Z"));
    expect((await serve())?.view.lesson).toBeUndefined();
  });

  it("gives an allowed tool a lesson only when a requirement includes allowed tools, and no nudge count", async () => {
    await usePolicy([{ id: "chat", when: { tools: ["claude"] } }]);
    expect(await serve(CLAUDE)).toBeNull();
    await usePolicy([{ id: "chat", when: { tools: ["claude"] }, includeAllowed: true }]);
    const served = await serve(CLAUDE);
    expect(served?.view.decision.action).toBe("allow");
    expect(served?.view.lesson).toMatchObject({ id: "chat-assistants", required: true });
    const ticket = served?.ticket ?? "";
    expect(await route({ type: "nudge:shown", ticket }, CLAUDE)).toBe(true);
    await route({ type: "lesson:opened", ticket }, CLAUDE);
    expect(await grade(ticket, RIGHT, CLAUDE)).toEqual({ correct: true, completed: true });
    const named = await counts();
    expect(named["claude nudge_shown v4"]).toBeUndefined();
    expect(named).toMatchObject({ [`lesson:chat-assistants completed v${CHAT.version}`]: 1 });
  });

  it("speaks the nudge's language: the one its locale names, else English", () => {
    expect(lessonLanguage("de")).toBe("de");
    expect(lessonLanguage("de_AT")).toBe("de");
    expect(lessonLanguage("en-GB")).toBe("en");
    expect(lessonLanguage("fr")).toBe("en");
  });
});
