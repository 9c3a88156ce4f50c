import { h, render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, describe, expect, it, vi } from "vitest";
import { catalog } from "../../extension/lib/catalog";
import { decide, nudgeView } from "../../extension/lib/decide";
import { bundledPolicy } from "../../extension/lib/policy-cache";
import { type NudgeActions, NudgeCard } from "../../extension/nudge/NudgeCard";
import { formatMessage, type Messages } from "../../extension/nudge/strings";
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

function mount(action: PolicyAction, actions?: NudgeActions): HTMLElement {
  const root = document.createElement("div");
  document.body.append(root);
  render(h(NudgeCard, { view: viewFor(action), t, ...(actions ? { actions } : {}) }), root);
  return root;
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
});
