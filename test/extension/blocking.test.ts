import { describe, expect, it } from "vitest";
import { blockRules } from "../../extension/background/blocking";
import { catalog } from "../../extension/lib/catalog";
import { decide } from "../../extension/lib/decide";
import { bundledPolicy } from "../../extension/lib/policy-cache";
import type { PolicyResponse } from "../../shared/protocol";

/** The browser's block rules for a policy that bans a whole-host tool and a path tool. */
const response: PolicyResponse = {
  ...bundledPolicy,
  reviews: { deepseek: { status: "banned" }, "github-copilot": { status: "banned", alternative: "chatgpt" } },
};

describe("block rules", () => {
  const rules = blockRules(response);

  it("redirects every host of a banned tool to the blocked page, main frames only", () => {
    const host = rules.find((rule) => rule.condition.requestDomains?.includes("chat.deepseek.com"));
    expect(host?.action).toEqual({ type: "redirect", redirect: { extensionPath: "/blocked.html?tool=deepseek" } });
    expect(host?.condition.resourceTypes).toEqual(["main_frame"]);
  });

  it("blocks a path tool at its path only, at a segment boundary", () => {
    // One rule per path prefix (/copilot, /settings/copilot): a URL is blocked when any matches.
    const patterns = rules
      .filter((rule) => rule.condition.regexFilter && rule.action.redirect?.extensionPath?.endsWith("=github-copilot"))
      .map((rule) => new RegExp(rule.condition.regexFilter as string));
    expect(patterns.length).toBe(2);
    const pattern = { test: (url: string) => patterns.some((p) => p.test(url)) };
    for (const url of [
      "https://github.com/copilot",
      "https://github.com/copilot/c/1",
      "https://www.github.com/copilot?x=1",
    ]) {
      expect(pattern.test(url), url).toBe(true);
    }
    for (const url of [
      "https://github.com/copilotkit/copilotkit",
      "https://github.com/",
      "https://evilgithub.com/copilot",
      "https://github.com.evil.example/copilot",
    ]) {
      expect(pattern.test(url), url).toBe(false);
    }
  });

  it("blocks a query tool only on the exact name=value pair of its path's query", () => {
    const banned = blockRules({ ...bundledPolicy, reviews: { "google-ai-mode": { status: "banned" } } });
    const patterns = banned
      .filter((rule) => rule.action.redirect?.extensionPath?.endsWith("=google-ai-mode"))
      .map((rule) => new RegExp(rule.condition.regexFilter as string));
    expect(patterns.length).toBe(1);
    const blocked = (url: string) => patterns.some((p) => p.test(url));
    for (const url of [
      "https://www.google.com/search?q=x&udm=50",
      "https://www.google.com/search?udm=50",
      "https://google.com/search?udm=50&q=x#top",
    ]) {
      expect(blocked(url), url).toBe(true);
    }
    for (const url of [
      "https://www.google.com/search?q=udm%3D50",
      "https://www.google.com/search?q=x&udm=500",
      "https://www.google.com/search?xudm=50",
      "https://www.google.com/search?q=x#udm=50",
      "https://www.google.com/searchx?udm=50",
      "https://www.google.com/?udm=50",
      "https://google.com.evil.example/search?udm=50",
    ]) {
      expect(blocked(url), url).toBe(false);
    }
  });

  it("gives every rule a distinct positive id and blocks nothing the policy allows", () => {
    const ids = rules.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
    const blocked = new Set(rules.map((rule) => rule.action.redirect?.extensionPath?.split("tool=")[1]));
    const expected = new Set(
      catalog()
        .index.tools.filter((tool) => decide(response, tool).action === "block")
        .map((tool) => tool.id),
    );
    expect(blocked).toEqual(expected);
    expect(blocked.has("deepseek") && blocked.has("github-copilot")).toBe(true);
    expect(blocked.has("chatgpt")).toBe(false);
  });
});
