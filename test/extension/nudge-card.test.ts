import { h, render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, it, vi } from "vitest";
import { catalog } from "../../extension/lib/catalog";
import { decide, nudgeView } from "../../extension/lib/decide";
import { bundledPolicy } from "../../extension/lib/policy-cache";
import { type NudgeActions, NudgeCard } from "../../extension/nudge/NudgeCard";
import { formatMessage, type Messages } from "../../extension/nudge/strings";
import type { NudgeLesson } from "../../extension/nudge/view";
import messages from "../../extension/public/_locales/en/messages.json";
import type { PolicyAction } from "../../shared/policy/schema";

/*
 * The one nudge component: what each action offers, and that an answer needs the gesture the
 * actions accept (the content script accepts only trusted ones). Rendered with the extension's
 * English strings, as the dashboard's preview renders it.
 */
const t = formatMessage(messages as Messages);
const tool = catalog().toolsById.get("chatgpt");
if (!tool) throw new Error("chatgpt is not in the catalog");

function viewFor(action: PolicyAction) {
  const response = {
    ...bundledPolicy,
    policy: {
      ...bundledPolicy.policy,
      rules: [{ id: "only", when: { tools: ["chatgpt"] }, action, alternatives: ["claude"] }],
    },
  };
  return nudgeView(response, tool as NonNullable<typeof tool>, decide(response, tool as NonNullable<typeof tool>));
}

function mount(action: PolicyAction, actions?: NudgeActions, lesson?: NudgeLesson): HTMLElement {
  const root = document.createElement("div");
  document.body.append(root);
  const view = { ...viewFor(action), ...(lesson ? { lesson } : {}) };
  act(() => render(h(NudgeCard, { view, t, ...(actions ? { actions } : {}) }), root));
  return root;
}

/** The chat lesson of the bundled policy, as the background serves it in English. */
function chatLesson(required: boolean): NudgeLesson {
  const lesson = bundledPolicy.policy.literacy?.lessons.find((candidate) => candidate.id === "chat-assistants");
  if (!lesson) throw new Error("the bundled policy has no chat-assistants lesson");
  const { id, version, readingSeconds } = lesson;
  return { id, version, readingSeconds, language: "en", text: lesson.text.en, required };
}

/** Picks an option of the lesson's first question and presses "Check answer". */
async function answerLesson(root: HTMLElement, option: number): Promise<void> {
  await act(() => root.querySelectorAll<HTMLInputElement>(".lesson-question input")[option]?.click());
  await act(async () => {
    root.querySelector<HTMLButtonElement>('button[data-does="check"]')?.click();
    // The grade comes back from the background asynchronously.
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
}

const buttons = (root: HTMLElement) => [...root.querySelectorAll("button")].map((b) => b.textContent);

describe("the nudge component", () => {
  afterEach(() => {
    document.body.innerHTML = "";
  });

  it("offers each action's answers, in the extension's words", () => {
    const offered = (action: PolicyAction) => buttons(mount(action, { accept: () => true, answer: vi.fn() }));
    expect(offered("inform")).toEqual(["Got it"]);
    expect(offered("acknowledge")).toEqual(["I understand and will follow the policy", "Leave this site"]);
    expect(offered("justify")).toEqual(["Continue", "Leave this site"]);
    expect(offered("redirect")).toEqual(["Open Claude", "Continue anyway"]);
    expect(offered("block")).toEqual(["Ask for a review of this tool", "Go back"]);
  });

  it("speaks of the enterprise plan's terms where the organization records an agreement, else of a personal plan", () => {
    const copilot = catalog().toolsById.get("github-copilot");
    if (!copilot) throw new Error("github-copilot is not in the catalog");
    const why = (agreement: boolean) => {
      const response = {
        ...bundledPolicy,
        reviews: {
          "github-copilot": { status: "unreviewed" as const, ...(agreement ? { agreement: true as const } : {}) },
        },
      };
      const root = document.createElement("div");
      document.body.append(root);
      render(h(NudgeCard, { view: nudgeView(response, copilot, decide(response, copilot)), t }), root);
      return root.querySelector("ul.why li")?.textContent;
    };
    expect(why(false)).toBe("GitHub Copilot may use what you enter to train its models (free plan).");
    expect(why(true)).toBe("GitHub Copilot says it does not train its models on what you enter (enterprise plan).");
  });

  it("ignores a gesture the actions do not accept (the content script accepts only trusted ones)", () => {
    const answer = vi.fn();
    const root = mount("acknowledge", { accept: (event) => event.isTrusted, answer });
    // A script's click is never trusted.
    root.querySelector<HTMLButtonElement>('button[data-does="acknowledged"]')?.click();
    expect(answer).not.toHaveBeenCalled();
    const accepting = mount("acknowledge", { accept: () => true, answer });
    accepting.querySelector<HTMLButtonElement>('button[data-does="acknowledged"]')?.click();
    expect(answer).toHaveBeenCalledWith("acknowledged");
  });

  it("keeps Continue disabled until the person picks a reason", () => {
    const answer = vi.fn();
    const root = mount("justify", { accept: (event) => event.isTrusted, answer });
    const radio = root.querySelector<HTMLInputElement>('input[type="radio"]');
    radio?.click();
    const proceed = root.querySelector<HTMLButtonElement>('button[data-does="justified"]');
    expect(proceed?.disabled).toBe(true);
    proceed?.click();
    expect(answer).not.toHaveBeenCalled();
    // The same click, accepted, picks the reason and lets the person continue.
    const accepting = mount("justify", { accept: () => true, answer });
    act(() => accepting.querySelector<HTMLInputElement>('input[value="evaluating"]')?.click());
    accepting.querySelector<HTMLButtonElement>('button[data-does="justified"]')?.click();
    expect(answer).toHaveBeenCalledWith("justified", "evaluating");
  });

  it("is inert as a preview: every control shown, none usable", () => {
    const root = mount("justify");
    const controls = [...root.querySelectorAll<HTMLButtonElement | HTMLInputElement>("button, input")];
    expect(controls.length).toBeGreaterThan(2);
    expect(controls.every((control) => control.disabled)).toBe(true);
    expect(root.querySelector("[role=dialog]")).toBeNull();
    expect(root.querySelector(".heading")?.textContent).toBe("Why do you need ChatGPT?");
  });

  it("holds back the answer until a required lesson is completed, as the background grades it", async () => {
    const answer = vi.fn();
    const openLesson = vi.fn();
    const correct = chatLesson(true).text.questions[0]?.options.findIndex((option) => option.correct) ?? -1;
    const gradeLesson = vi.fn(async (_question: number, option: number) => ({
      correct: option === correct,
      completed: option === correct,
    }));
    const actions = { accept: () => true, answer, openLesson, gradeLesson };
    const root = mount("acknowledge", actions, chatLesson(true));
    expect(openLesson).toHaveBeenCalledTimes(1);
    const acknowledge = () => root.querySelector<HTMLButtonElement>('button[data-does="acknowledged"]');
    expect(root.querySelector(".lesson-required")?.textContent).toContain("short lesson (about 55 s)");
    expect(root.querySelector(".lesson-title")?.textContent).toBe(chatLesson(true).text.title);
    expect(acknowledge()?.disabled).toBe(true);
    // Leaving is never held back.
    expect(root.querySelector<HTMLButtonElement>('button[data-does="left"]')?.disabled).toBe(false);
    // A wrong answer: its feedback, and the answer still held back.
    await answerLesson(root, correct === 0 ? 1 : 0);
    expect(root.querySelector(".lesson-feedback.wrong")?.textContent).toContain("Try another answer.");
    expect(acknowledge()?.disabled).toBe(true);
    await answerLesson(root, correct);
    expect(gradeLesson).toHaveBeenLastCalledWith(0, correct);
    expect(root.querySelector(".lesson-feedback.right")?.textContent).toMatch(/^Right\./);
    expect(root.querySelector(".lesson-done")?.textContent).toBe("Lesson complete. Thank you.");
    expect(acknowledge()?.disabled).toBe(false);
    acknowledge()?.click();
    expect(answer).toHaveBeenCalledWith("acknowledged");
  });

  it("offers a lesson behind 'Why this matters', opened and answered only by accepted gestures", async () => {
    const openLesson = vi.fn();
    const gradeLesson = vi.fn(async () => ({ correct: true, completed: true }));
    const refusing = mount(
      "inform",
      { accept: (event) => event.isTrusted, answer: vi.fn(), openLesson, gradeLesson },
      chatLesson(false),
    );
    const offer = refusing.querySelector<HTMLButtonElement>("button.lesson-offer");
    expect(offer?.textContent).toBe("Why this matters, 55 s");
    expect(offer?.getAttribute("aria-expanded")).toBe("false");
    await act(() => offer?.click());
    expect(refusing.querySelector(".lesson")).toBeNull();
    expect(openLesson).not.toHaveBeenCalled();
    // The banner is not held back by a lesson that is only offered.
    expect(refusing.querySelector<HTMLButtonElement>('button[data-does="dismissed"]')?.disabled).toBe(false);

    const root = mount("inform", { accept: () => true, answer: vi.fn(), openLesson, gradeLesson }, chatLesson(false));
    await act(() => root.querySelector<HTMLButtonElement>("button.lesson-offer")?.click());
    expect(openLesson).toHaveBeenCalledTimes(1);
    expect(root.querySelector("button.lesson-offer")?.getAttribute("aria-expanded")).toBe("true");
    expect(root.querySelector(".lesson")?.getAttribute("lang")).toBe("en");
    await answerLesson(root, 0);
    expect(gradeLesson).toHaveBeenCalledWith(0, 0);
  });

  it("shows a required lesson on its own for an allowed tool, closed once completed", async () => {
    const close = vi.fn();
    const gradeLesson = vi.fn(async () => ({ correct: true, completed: true }));
    const root = mount("allow", { accept: () => true, answer: vi.fn(), gradeLesson, close }, chatLesson(true));
    const proceed = () => root.querySelector<HTMLButtonElement>('button[data-does="close"]');
    expect(proceed()?.disabled).toBe(true);
    await answerLesson(root, 0);
    proceed()?.click();
    expect(close).toHaveBeenCalledTimes(1);
  });

  it("shows the lesson as a preview: a required one open, an offered one behind its button, nothing usable", () => {
    const required = mount("acknowledge", undefined, chatLesson(true));
    expect(required.querySelector(".lesson-title")?.textContent).toBe(chatLesson(true).text.title);
    const controls = [...required.querySelectorAll<HTMLButtonElement | HTMLInputElement>("button, input")];
    expect(controls.every((control) => control.disabled || control.closest("fieldset")?.disabled)).toBe(true);
    const offered = mount("inform", undefined, chatLesson(false));
    expect(offered.querySelector<HTMLButtonElement>("button.lesson-offer")?.disabled).toBe(true);
    expect(offered.querySelector(".lesson")).toBeNull();
  });
});
