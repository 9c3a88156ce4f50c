import { describe, expect, it } from "vitest";
import { candidateDomain } from "../../extension/lib/candidates";
import { catalog } from "../../extension/lib/catalog";

const matcher = catalog().matcher;

describe("candidate domains", () => {
  it("reports only the registrable domain of unknown AI-looking sites", () => {
    expect(candidateDomain("https://app.some-new-assistant.ai/chat/123?q=secret", matcher)).toBe(
      "some-new-assistant.ai",
    );
    expect(candidateDomain("https://www.mygpt-helper.co.uk/x", matcher)).toBe("mygpt-helper.co.uk");
  });
  it("ignores catalog tools, IP addresses and non-web URLs", () => {
    expect(candidateDomain("https://chatgpt.com/", matcher)).toBeNull();
    expect(candidateDomain("https://127.0.0.1/gpt", matcher)).toBeNull();
    expect(candidateDomain("chrome://settings", matcher)).toBeNull();
  });
});
